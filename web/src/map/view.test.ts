import { describe, expect, it } from 'vitest';
import { FRAME, LAND } from './outline.generated.ts';
import {
  clampView,
  formatLatLon,
  graticule,
  graticuleStep,
  HUE_VIEW,
  MAX_SPAN,
  MIN_SPAN,
  pan,
  project,
  scaleBar,
  unproject,
  VIEW_HEIGHT,
  VIEW_WIDTH,
  zoomAt,
} from './view.ts';

/** Even–odd rule over every ring of a country. */
function onLand(country: string, longitude: number, latitude: number): boolean {
  const shape = LAND.find((s) => s.country === country);
  if (!shape) return false;
  let inside = false;
  for (const ring of shape.rings) {
    for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
      const [xi, yi, xj, yj] = [ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!];
      if (yi > latitude !== yj > latitude && longitude < ((xj - xi) * (latitude - yi)) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
  }
  return inside;
}

describe('map picker outline', () => {
  it('puts Huế, A Lưới and Đà Nẵng in Việt Nam, Savannakhet in Laos and the sea off Thuận An in no country', () => {
    expect(onLand('Vietnam', 107.5909, 16.4637)).toBe(true); // Huế citadel
    expect(onLand('Vietnam', 107.23, 16.28)).toBe(true); // A Lưới
    expect(onLand('Vietnam', 108.2, 16.05)).toBe(true); // Đà Nẵng
    expect(onLand('Laos', 106.0, 16.5)).toBe(true); // Savannakhet province
    expect(onLand('Vietnam', 106.6, 16.63)).toBe(true); // Lao Bảo, west of the border's bend
    expect(onLand('Vietnam', 107.9, 16.7)).toBe(false); // the sea
    expect(onLand('Laos', 107.9, 16.7)).toBe(false);
  });

  it('keeps every point inside the frame it declares', () => {
    for (const shape of LAND) {
      for (const ring of shape.rings) {
        for (let i = 0; i < ring.length; i += 2) {
          expect(ring[i]).toBeGreaterThanOrEqual(FRAME.west);
          expect(ring[i]).toBeLessThanOrEqual(FRAME.east);
          expect(ring[i + 1]).toBeGreaterThanOrEqual(FRAME.south);
          expect(ring[i + 1]).toBeLessThanOrEqual(FRAME.north);
        }
      }
    }
  });
});

describe('map picker view', () => {
  it('projects and unprojects a point to itself, the centre to the middle of the view box', () => {
    expect(project(HUE_VIEW, HUE_VIEW)).toEqual({ x: VIEW_WIDTH / 2, y: VIEW_HEIGHT / 2 });
    const point = { latitude: 16.4637, longitude: 107.5909 };
    const { x, y } = project(HUE_VIEW, point);
    const back = unproject(HUE_VIEW, x, y);
    expect(back.latitude).toBeCloseTo(point.latitude, 9);
    expect(back.longitude).toBeCloseTo(point.longitude, 9);
    // North is up, east is right.
    expect(project(HUE_VIEW, { latitude: 16.6, longitude: 107.55 }).y).toBeLessThan(VIEW_HEIGHT / 2);
    expect(project(HUE_VIEW, { latitude: 16.42, longitude: 107.7 }).x).toBeGreaterThan(VIEW_WIDTH / 2);
  });

  it('zooms around the point under the pointer and stays within its limits', () => {
    const zoomed = zoomAt(HUE_VIEW, 0.5, 100, 80);
    const before = unproject(HUE_VIEW, 100, 80);
    const after = unproject(zoomed, 100, 80);
    expect(zoomed.span).toBeCloseTo(HUE_VIEW.span / 2, 9);
    expect(after.latitude).toBeCloseTo(before.latitude, 9);
    expect(after.longitude).toBeCloseTo(before.longitude, 9);
    expect(zoomAt(HUE_VIEW, 1e-6).span).toBe(MIN_SPAN);
    expect(zoomAt(HUE_VIEW, 1e6).span).toBe(MAX_SPAN);
  });

  it('pans with the drag and never leaves the frame', () => {
    const moved = pan(HUE_VIEW, -60, 0); // dragging left shows what is east
    expect(moved.longitude).toBeGreaterThan(HUE_VIEW.longitude);
    expect(moved.latitude).toBeCloseTo(HUE_VIEW.latitude, 9);
    const far = pan(HUE_VIEW, 1e7, -1e7);
    expect(far.longitude).toBe(FRAME.west);
    expect(far.latitude).toBe(FRAME.south);
    expect(clampView({ latitude: 40, longitude: 0, span: 0 })).toEqual({
      latitude: FRAME.north,
      longitude: FRAME.west,
      span: MIN_SPAN,
    });
  });

  it('draws three to eight graticule lines and a round scale bar', () => {
    for (const span of [MIN_SPAN, 0.05, 0.3, HUE_VIEW.span, MAX_SPAN]) {
      const view = { ...HUE_VIEW, span };
      const step = graticuleStep(view);
      const lines = graticule(view.latitude - span / 2, view.latitude + span / 2, step);
      expect(lines.length).toBeGreaterThanOrEqual(2);
      expect(lines.length).toBeLessThanOrEqual(9);
      const bar = scaleBar(view);
      expect(bar.length).toBeGreaterThan(VIEW_WIDTH / 12);
      expect(bar.length).toBeLessThan(VIEW_WIDTH / 2);
    }
    expect(graticule(16.0, 16.5, 0.1)).toEqual([16, 16.1, 16.2, 16.3, 16.4, 16.5]);
  });

  it('writes coordinates the Vietnamese way: decimal comma, B/Đ hemispheres', () => {
    const point = { latitude: 16.4637, longitude: 107.5909 };
    expect(formatLatLon(point, 'vi')).toBe('16,4637° B, 107,5909° Đ');
    expect(formatLatLon(point, 'en')).toBe('16.4637° N, 107.5909° E');
  });
});
