import { FRAME } from './outline.generated.ts';

/**
 * The map picker's geometry, pure: an equirectangular projection on the frame's middle parallel (distances off by
 * under 1 % across central Việt Nam), zoom as the span of latitude shown, the view kept inside the frame the
 * outline covers, and a few helpers the SVG needs (graticule steps, scale bar, coordinate text).
 */

export const VIEW_WIDTH = 600;
export const VIEW_HEIGHT = 360;
/** The whole frame (north–south) at the widest zoom; about 2 km at the closest. */
export const MAX_SPAN = FRAME.north - FRAME.south;
export const MIN_SPAN = 0.02;
const KM_PER_DEGREE = 111.32;

export interface View {
  /** Centre of the view. */
  readonly latitude: number;
  readonly longitude: number;
  /** Degrees of latitude from the top edge to the bottom edge. */
  readonly span: number;
}

export interface LatLon {
  readonly latitude: number;
  readonly longitude: number;
}

/** Huế's citadel: the view a new location starts from. */
export const HUE_VIEW: View = { latitude: 16.42, longitude: 107.55, span: 0.9 };

const clampNumber = (v: number, low: number, high: number) => Math.min(Math.max(v, low), high);

/** Pixels (view-box units) per degree of latitude. */
export function scale(view: View): number {
  return VIEW_HEIGHT / view.span;
}

/** One fixed standard parallel (the frame's middle), so zooming and panning never distort the map. */
const COS_REFERENCE = Math.cos((((FRAME.north + FRAME.south) / 2) * Math.PI) / 180);

export function project(view: View, point: LatLon): { x: number; y: number } {
  const k = scale(view);
  return {
    x: VIEW_WIDTH / 2 + (point.longitude - view.longitude) * COS_REFERENCE * k,
    y: VIEW_HEIGHT / 2 - (point.latitude - view.latitude) * k,
  };
}

export function unproject(view: View, x: number, y: number): LatLon {
  const k = scale(view);
  return {
    latitude: view.latitude - (y - VIEW_HEIGHT / 2) / k,
    longitude: view.longitude + (x - VIEW_WIDTH / 2) / (COS_REFERENCE * k),
  };
}

/** The view with its span in bounds and its centre inside the frame. */
export function clampView(view: View): View {
  return {
    span: clampNumber(view.span, MIN_SPAN, MAX_SPAN),
    latitude: clampNumber(view.latitude, FRAME.south, FRAME.north),
    longitude: clampNumber(view.longitude, FRAME.west, FRAME.east),
  };
}

/** Zooms by `factor` (< 1 closer) keeping the point under (x, y) where it is. */
export function zoomAt(view: View, factor: number, x = VIEW_WIDTH / 2, y = VIEW_HEIGHT / 2): View {
  const anchor = unproject(view, x, y);
  const span = clampNumber(view.span * factor, MIN_SPAN, MAX_SPAN);
  const zoomed = { ...view, span };
  const moved = unproject(zoomed, x, y);
  return clampView({
    span,
    latitude: view.latitude + (anchor.latitude - moved.latitude),
    longitude: view.longitude + (anchor.longitude - moved.longitude),
  });
}

/** Moves the view by (dx, dy) view-box units (a drag or an arrow key). */
export function pan(view: View, dx: number, dy: number): View {
  const k = scale(view);
  return clampView({
    ...view,
    latitude: view.latitude + dy / k,
    longitude: view.longitude - dx / (COS_REFERENCE * k),
  });
}

export function insideFrame(point: LatLon): boolean {
  return (
    point.latitude >= FRAME.south &&
    point.latitude <= FRAME.north &&
    point.longitude >= FRAME.west &&
    point.longitude <= FRAME.east
  );
}

/** A graticule step (degrees) giving at most `maxLines` parallels (eight by default; fewer on a narrow map). */
export function graticuleStep(view: View, maxLines = 8): number {
  const steps = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1];
  return steps.find((s) => view.span / s <= maxLines) ?? 1;
}

/** The graticule values of one axis inside [low, high]. */
export function graticule(low: number, high: number, step: number): number[] {
  const values: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + 1e-9; v += step) values.push(Number(v.toFixed(6)));
  return values;
}

/** A round scale-bar length (km) near a fifth of the view's width, and its length in view-box units. */
export function scaleBar(view: View): { km: number; length: number } {
  const widthKm = (VIEW_WIDTH / scale(view)) * KM_PER_DEGREE;
  const candidates = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100];
  const km = candidates.reduce((best, c) => (Math.abs(c - widthKm / 5) < Math.abs(best - widthKm / 5) ? c : best));
  return { km, length: (km / KM_PER_DEGREE) * scale(view) };
}

/** Coordinates as stored: six decimals (~0.1 m) at most. */
export function roundCoordinate(value: number): number {
  return Number(value.toFixed(6));
}

/** "16,4637° B, 107,5909° Đ" in Vietnamese, "16.4637° N, 107.5909° E" in English. */
export function formatLatLon(point: LatLon, language: 'vi' | 'en', digits = 4): string {
  const number = (v: number) =>
    new Intl.NumberFormat(language === 'vi' ? 'vi-VN' : 'en-GB', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(Math.abs(v));
  const [n, s, e, w] = language === 'vi' ? ['B', 'N', 'Đ', 'T'] : ['N', 'S', 'E', 'W'];
  return `${number(point.latitude)}° ${point.latitude >= 0 ? n : s}, ${number(point.longitude)}° ${point.longitude >= 0 ? e : w}`;
}
