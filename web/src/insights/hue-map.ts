/**
 * A schematic map of Huế's 40 communes and wards (after the 1 July 2025 reform): one square tile per unit, placed
 * by hand in its approximate position (north-west Phong Điền to south-east Chân Mây – Lăng Cô, the A Lưới
 * highlands in the west). It is not a survey map: tiles have equal size and no real boundaries. It ships in the
 * repository as data (no tile server, no network) until official commune boundaries under an open licence exist.
 */
export interface CommuneTile {
  /** The name without "Phường"/"Xã", as matched against registered addresses. */
  readonly name: string;
  readonly kind: 'phường' | 'xã';
  readonly col: number;
  readonly row: number;
}

export const HUE_COMMUNES: readonly CommuneTile[] = [
  { name: 'Phong Quảng', kind: 'phường', col: 1, row: 0 },
  { name: 'Đan Điền', kind: 'xã', col: 2, row: 0 },
  { name: 'Phong Điền', kind: 'phường', col: 0, row: 1 },
  { name: 'Phong Thái', kind: 'phường', col: 1, row: 1 },
  { name: 'Quảng Điền', kind: 'xã', col: 2, row: 1 },
  { name: 'Hóa Châu', kind: 'phường', col: 3, row: 1 },
  { name: 'Thuận An', kind: 'phường', col: 4, row: 1 },
  { name: 'Dương Nỗ', kind: 'phường', col: 5, row: 1 },
  { name: 'Phú Vinh', kind: 'xã', col: 6, row: 1 },
  { name: 'Phong Dinh', kind: 'phường', col: 0, row: 2 },
  { name: 'Phong Phú', kind: 'phường', col: 1, row: 2 },
  { name: 'Hương Trà', kind: 'phường', col: 2, row: 2 },
  { name: 'Kim Long', kind: 'phường', col: 3, row: 2 },
  { name: 'Phú Xuân', kind: 'phường', col: 4, row: 2 },
  { name: 'Vỹ Dạ', kind: 'phường', col: 5, row: 2 },
  { name: 'Phú Vang', kind: 'xã', col: 6, row: 2 },
  { name: 'Vinh Lộc', kind: 'xã', col: 7, row: 2 },
  { name: 'Kim Trà', kind: 'phường', col: 2, row: 3 },
  { name: 'Hương An', kind: 'phường', col: 3, row: 3 },
  { name: 'Thuận Hóa', kind: 'phường', col: 4, row: 3 },
  { name: 'Mỹ Thượng', kind: 'phường', col: 5, row: 3 },
  { name: 'Phú Hồ', kind: 'xã', col: 6, row: 3 },
  { name: 'Hưng Lộc', kind: 'xã', col: 7, row: 3 },
  { name: 'A Lưới 1', kind: 'xã', col: 0, row: 4 },
  { name: 'Bình Điền', kind: 'xã', col: 1, row: 4 },
  { name: 'Thủy Xuân', kind: 'phường', col: 3, row: 4 },
  { name: 'An Cựu', kind: 'phường', col: 4, row: 4 },
  { name: 'Hương Thủy', kind: 'phường', col: 5, row: 4 },
  { name: 'Lộc An', kind: 'xã', col: 6, row: 4 },
  { name: 'Phú Lộc', kind: 'xã', col: 7, row: 4 },
  { name: 'Chân Mây - Lăng Cô', kind: 'xã', col: 8, row: 4 },
  { name: 'A Lưới 2', kind: 'xã', col: 0, row: 5 },
  { name: 'A Lưới 3', kind: 'xã', col: 1, row: 5 },
  { name: 'Thanh Thủy', kind: 'phường', col: 4, row: 5 },
  { name: 'Phú Bài', kind: 'phường', col: 5, row: 5 },
  { name: 'Khe Tre', kind: 'xã', col: 6, row: 5 },
  { name: 'A Lưới 4', kind: 'xã', col: 1, row: 6 },
  { name: 'A Lưới 5', kind: 'xã', col: 2, row: 6 },
  { name: 'Long Quảng', kind: 'xã', col: 5, row: 6 },
  { name: 'Nam Đông', kind: 'xã', col: 6, row: 6 },
];

/** "Xã Phong Điền", "phường Thuận Hóa", "Chân Mây – Lăng Cô" → the tile's name, or null when none matches. */
export function communeTileName(address: string | null | undefined): string | null {
  if (!address) return null;
  const key = (s: string) =>
    s
      .normalize('NFC')
      .toLowerCase()
      .replace(/^(xã|phường|thị trấn)\s+/u, '')
      .replace(/\s*[-–]\s*/gu, ' - ')
      .trim();
  const wanted = key(address);
  return HUE_COMMUNES.find((c) => key(c.name) === wanted)?.name ?? null;
}

/** The tiles as GeoJSON for ECharts' registerMap (x = column, y = minus the row; a small gap between tiles). */
export function hueGeoJson() {
  const gap = 0.06;
  return {
    type: 'FeatureCollection' as const,
    features: HUE_COMMUNES.map((c) => {
      const x0 = c.col + gap;
      const x1 = c.col + 1 - gap;
      const y0 = -c.row - gap;
      const y1 = -c.row - 1 + gap;
      return {
        type: 'Feature' as const,
        properties: { name: c.name },
        geometry: {
          type: 'Polygon' as const,
          coordinates: [
            [
              [x0, y0],
              [x1, y0],
              [x1, y1],
              [x0, y1],
              [x0, y0],
            ],
          ],
        },
      };
    }),
  };
}
