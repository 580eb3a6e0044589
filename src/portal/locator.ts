import { html, type SafeHtml } from './html.ts';

/**
 * A small inline SVG locator for the production places of a lot: no tile server and no external request, so the
 * page stays fast on a cheap phone and works under the CSP. The points are drawn on a graticule framed around
 * them (at least ~2 km across), with a scale bar; a plain link next to it opens the coordinates in a map. Pure.
 */

export interface LocatorPoint {
  readonly latitude: number;
  readonly longitude: number;
  readonly label: string;
}

const WIDTH = 320;
const HEIGHT = 200;
const PAD = 28;
const KM_PER_DEG_LAT = 111.32;

/** A round scale-bar length (km) close to a quarter of the frame's width. */
function niceKm(widthKm: number): number {
  const target = widthKm / 4;
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500];
  return steps.reduce((best, s) => (Math.abs(s - target) < Math.abs(best - target) ? s : best), steps[0]!);
}

export function locatorSvg(points: readonly LocatorPoint[], label: string): SafeHtml | null {
  if (points.length === 0) return null;
  const lats = points.map((p) => p.latitude);
  const lons = points.map((p) => p.longitude);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const midLon = (Math.min(...lons) + Math.max(...lons)) / 2;
  const cos = Math.max(Math.cos((midLat * Math.PI) / 180), 0.01);
  // Equirectangular projection in km around the middle; the frame keeps the SVG's aspect ratio.
  const xs = points.map((p) => (p.longitude - midLon) * KM_PER_DEG_LAT * cos);
  const ys = points.map((p) => (p.latitude - midLat) * KM_PER_DEG_LAT);
  const spanX = Math.max(Math.max(...xs) - Math.min(...xs), 2);
  const spanY = Math.max(Math.max(...ys) - Math.min(...ys), 2);
  const scale = Math.min((WIDTH - 2 * PAD) / spanX, (HEIGHT - 2 * PAD) / spanY);
  const px = (x: number) => WIDTH / 2 + x * scale;
  const py = (y: number) => HEIGHT / 2 - y * scale;
  const widthKm = WIDTH / scale;
  const barKm = niceKm(widthKm);
  const barPx = barKm * scale;
  const grid = [1, 2, 3].map(
    (i) =>
      html`<line x1="${(WIDTH * i) / 4}" y1="0" x2="${(WIDTH * i) / 4}" y2="${HEIGHT}" /><line
          x1="0"
          y1="${(HEIGHT * i) / 4}"
          x2="${WIDTH}"
          y2="${(HEIGHT * i) / 4}"
        />`,
  );
  const markers = points.map((p, i) => {
    const x = px(xs[i]!).toFixed(1);
    const y = py(ys[i]!).toFixed(1);
    return html`<g
      ><title>${p.label}</title><circle cx="${x}" cy="${y}" r="7" fill="#b3261e" stroke="#fff" stroke-width="2" /><text
        x="${x}"
        y="${y}"
        dy="4"
        text-anchor="middle"
        font-size="9"
        fill="#fff"
        >${i + 1}</text
      ></g
    >`;
  });
  const barLabel = barKm < 1 ? `${Math.round(barKm * 1000)} m` : `${barKm} km`;
  return html`<svg
    class="locator"
    viewBox="0 0 ${WIDTH} ${HEIGHT}"
    width="100%"
    role="img"
    aria-label="${label}"
    xmlns="http://www.w3.org/2000/svg"
  >
    <rect width="${WIDTH}" height="${HEIGHT}" fill="#e8f1ec" />
    <g stroke="#c5d9cc" stroke-width="1">${grid}</g>
    ${markers}
    <g stroke="#333" stroke-width="2">
      <line x1="10" y1="${HEIGHT - 12}" x2="${(10 + barPx).toFixed(1)}" y2="${HEIGHT - 12}" />
    </g>
    <text x="10" y="${HEIGHT - 17}" font-size="10" fill="#333">${barLabel}</text>
    <text x="${WIDTH - 12}" y="18" font-size="12" text-anchor="end" fill="#333">N↑</text>
  </svg>`;
}
