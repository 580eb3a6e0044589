/**
 * Towns drawn on the map picker so a user finds their commune without a tile server: the centres of the main
 * towns of Huế and its neighbours, to about a kilometre (enough to orient, not to survey).
 */
export interface Town {
  readonly name: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Drawn from this zoom (span of latitude shown) inwards; the larger towns show at every zoom. */
  readonly minSpan?: number;
}

export const TOWNS: readonly Town[] = [
  { name: 'Huế', latitude: 16.4637, longitude: 107.5909 },
  { name: 'Thuận An', latitude: 16.557, longitude: 107.637, minSpan: 1.5 },
  { name: 'Phong Điền', latitude: 16.535, longitude: 107.372, minSpan: 1.5 },
  { name: 'Hương Trà', latitude: 16.476, longitude: 107.509, minSpan: 0.8 },
  { name: 'Phú Bài', latitude: 16.402, longitude: 107.703, minSpan: 1.5 },
  { name: 'Phú Lộc', latitude: 16.283, longitude: 107.883, minSpan: 1.5 },
  { name: 'Lăng Cô', latitude: 16.233, longitude: 108.067, minSpan: 1.5 },
  { name: 'A Lưới', latitude: 16.279, longitude: 107.232, minSpan: 1.5 },
  { name: 'Đông Hà', latitude: 16.816, longitude: 107.1 },
  { name: 'Đồng Hới', latitude: 17.469, longitude: 106.6 },
  { name: 'Đà Nẵng', latitude: 16.054, longitude: 108.202 },
  { name: 'Hội An', latitude: 15.88, longitude: 108.335, minSpan: 1.5 },
  { name: 'Tam Kỳ', latitude: 15.573, longitude: 108.474 },
  { name: 'Quảng Ngãi', latitude: 15.12, longitude: 108.792 },
];
