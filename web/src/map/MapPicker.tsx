import { AimOutlined, MinusOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { LAND } from './outline.generated.ts';
import { TOWNS } from './places.ts';
import {
  clampView,
  formatLatLon,
  graticule,
  graticuleStep,
  HUE_VIEW,
  insideFrame,
  pan,
  project,
  roundCoordinate,
  scaleBar,
  unproject,
  VIEW_HEIGHT,
  VIEW_WIDTH,
  zoomAt,
  type LatLon,
  type View,
} from './view.ts';

export interface MapPoint extends LatLon {
  readonly key: string;
  readonly label: string;
}

interface Props {
  /** The chosen position; with `onChange` the map is a picker, without it a viewer of `points`. */
  readonly value?: LatLon | undefined;
  readonly onChange?: (value: LatLon) => void;
  /** Other places drawn for reference (the organisation's locations). */
  readonly points?: readonly MapPoint[];
}

/** A click that moved less than this (view-box units) is a click, not a drag. */
const DRAG_THRESHOLD = 4;
const KEY_PAN = 40;

/** The first view: the chosen position close up, else every point, else Huế. */
function initialView(value: LatLon | undefined, points: readonly MapPoint[]): View {
  if (value && insideFrame(value)) return clampView({ ...value, span: 0.12 });
  const inside = points.filter(insideFrame);
  if (inside.length === 0) return HUE_VIEW;
  const lats = inside.map((p) => p.latitude);
  const lons = inside.map((p) => p.longitude);
  const latitude = (Math.min(...lats) + Math.max(...lats)) / 2;
  const longitude = (Math.min(...lons) + Math.max(...lons)) / 2;
  const span = Math.max(
    (Math.max(...lats) - Math.min(...lats)) * 1.4,
    ((Math.max(...lons) - Math.min(...lons)) * 1.4 * VIEW_HEIGHT) / VIEW_WIDTH,
    0.3,
  );
  return clampView({ latitude, longitude, span });
}

function ringPath(view: View, ring: readonly number[]): string {
  let d = '';
  for (let i = 0; i < ring.length; i += 2) {
    const { x, y } = project(view, { longitude: ring[i]!, latitude: ring[i + 1]! });
    d += `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
  }
  return `${d}Z`;
}

/**
 * A map to pick a location's coordinates, and to see an organisation's locations: land, border and towns of central
 * Việt Nam drawn as SVG from data in the app (no tile server, no request, works offline). Pointer, touch (drag,
 * pinch) and keyboard (arrows, + and −, Enter) all work.
 */
export function MapPicker({ value, onChange, points = [] }: Props) {
  const { t, language } = useI18n();
  const helpId = useId();
  const svg = useRef<SVGSVGElement>(null);
  const [view, setView] = useState<View>(() => initialView(value, points));
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const gesture = useRef<{ x: number; y: number; view: View; moved: boolean; distance?: number } | null>(null);
  /** View-box units per screen pixel: texts and markers keep their size on screen when the map is narrow. */
  const [unit, setUnit] = useState(1);

  useEffect(() => {
    const element = svg.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      const width = element.clientWidth;
      if (width > 0) setUnit(Math.min(Math.max(VIEW_WIDTH / width, 0.8), 2.5));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // A position typed into the form that lies off screen brings the map to it.
  useEffect(() => {
    if (!value || !insideFrame(value)) return;
    setView((current) => {
      const { x, y } = project(current, value);
      if (x >= 0 && x <= VIEW_WIDTH && y >= 0 && y <= VIEW_HEIGHT) return current;
      return clampView({ ...current, latitude: value.latitude, longitude: value.longitude });
    });
  }, [value]);

  /** Client pixels to view-box units. */
  const toViewBox = (clientX: number, clientY: number): { x: number; y: number } => {
    const element = svg.current;
    const matrix = element?.getScreenCTM();
    if (!element || !matrix) return { x: VIEW_WIDTH / 2, y: VIEW_HEIGHT / 2 };
    const point = element.createSVGPoint();
    point.x = clientX;
    point.y = clientY;
    const local = point.matrixTransform(matrix.inverse());
    return { x: local.x, y: local.y };
  };

  // Wheel zoom needs a listener that may cancel the page's scroll (React's is passive).
  useEffect(() => {
    const element = svg.current;
    if (!element) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const at = toViewBox(e.clientX, e.clientY);
      setView((current) => zoomAt(current, e.deltaY > 0 ? 1.25 : 0.8, at.x, at.y));
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, []);

  const choose = (point: LatLon) => {
    onChange?.({ latitude: roundCoordinate(point.latitude), longitude: roundCoordinate(point.longitude) });
  };

  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    const at = toViewBox(e.clientX, e.clientY);
    pointers.current.set(e.pointerId, at);
    if (pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()] as [{ x: number; y: number }, { x: number; y: number }];
      gesture.current = {
        x: (a.x + b.x) / 2,
        y: (a.y + b.y) / 2,
        view,
        moved: true,
        distance: Math.hypot(a.x - b.x, a.y - b.y),
      };
    } else {
      gesture.current = { ...at, view, moved: false };
    }
  };

  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const start = gesture.current;
    if (!start || !pointers.current.has(e.pointerId)) return;
    const at = toViewBox(e.clientX, e.clientY);
    pointers.current.set(e.pointerId, at);
    if (pointers.current.size === 2 && start.distance) {
      const [a, b] = [...pointers.current.values()] as [{ x: number; y: number }, { x: number; y: number }];
      const distance = Math.hypot(a.x - b.x, a.y - b.y);
      if (distance > 0) setView(zoomAt(start.view, start.distance / distance, start.x, start.y));
      return;
    }
    const dx = at.x - start.x;
    const dy = at.y - start.y;
    if (!start.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    start.moved = true;
    setView(pan(start.view, dx, dy));
  };

  const onPointerUp = (e: PointerEvent<SVGSVGElement>) => {
    const start = gesture.current;
    const at = toViewBox(e.clientX, e.clientY);
    pointers.current.delete(e.pointerId);
    if (pointers.current.size > 0) return;
    gesture.current = null;
    if (start && !start.moved && onChange) choose(unproject(view, at.x, at.y));
  };

  const onKeyDown = (e: KeyboardEvent<SVGSVGElement>) => {
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [KEY_PAN, 0],
      ArrowRight: [-KEY_PAN, 0],
      ArrowUp: [0, KEY_PAN],
      ArrowDown: [0, -KEY_PAN],
    };
    const move = moves[e.key];
    if (move) setView((current) => pan(current, move[0], move[1]));
    else if (e.key === '+' || e.key === '=') setView((current) => zoomAt(current, 0.5));
    else if (e.key === '-' || e.key === '_') setView((current) => zoomAt(current, 2));
    else if ((e.key === 'Enter' || e.key === ' ') && onChange) choose(view);
    else return;
    e.preventDefault();
  };

  const land = useMemo(
    () =>
      LAND.map((shape) => ({
        country: shape.country,
        d: shape.rings.map((ring) => ringPath(view, ring)).join(''),
      })),
    [view],
  );

  const step = graticuleStep(view, unit > 1.3 ? 4 : 8);
  const topLeft = unproject(view, 0, 0);
  const bottomRight = unproject(view, VIEW_WIDTH, VIEW_HEIGHT);
  const meridians = graticule(topLeft.longitude, bottomRight.longitude, step);
  const parallels = graticule(bottomRight.latitude, topLeft.latitude, step);
  const degrees = (v: number) =>
    new Intl.NumberFormat(language === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 3 }).format(v) + '°';
  const bar = scaleBar(view);
  const chosen = value ? project(view, value) : undefined;
  const towns = TOWNS.filter((town) => view.span <= (town.minSpan ?? Infinity));
  const number = new Intl.NumberFormat(language === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });

  return (
    <div className="map-picker" data-testid="map-picker" style={{ maxWidth: 760 }}>
      <svg
        ref={svg}
        viewBox={`0 0 ${VIEW_WIDTH} ${VIEW_HEIGHT}`}
        role="application"
        aria-label={onChange ? t('map.label') : t('map.viewLabel')}
        aria-describedby={helpId}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
        style={{
          width: '100%',
          height: 'auto',
          display: 'block',
          touchAction: 'none',
          cursor: onChange ? 'crosshair' : 'grab',
          border: '1px solid #c9d3dc',
          borderRadius: 6,
          background: '#d7e9f5',
          userSelect: 'none',
        }}
      >
        {land.map((shape) => (
          <path
            key={shape.country}
            d={shape.d}
            fillRule="evenodd"
            fill={shape.country === 'Vietnam' ? '#eef4e6' : '#f1efe8'}
            stroke="#8a9a7b"
            strokeWidth={1}
            data-country={shape.country}
          />
        ))}
        <g stroke="#7f95a8" strokeOpacity={0.35} strokeWidth={0.6}>
          {meridians.map((lon) => {
            const { x } = project(view, { latitude: view.latitude, longitude: lon });
            return <line key={`m${lon}`} x1={x} y1={0} x2={x} y2={VIEW_HEIGHT} />;
          })}
          {parallels.map((lat) => {
            const { y } = project(view, { latitude: lat, longitude: view.longitude });
            return <line key={`p${lat}`} x1={0} y1={y} x2={VIEW_WIDTH} y2={y} />;
          })}
        </g>
        <g fontSize={10 * unit} fill="#4a5b6b">
          {meridians.map((lon) => (
            <text
              key={`mt${lon}`}
              x={project(view, { latitude: view.latitude, longitude: lon }).x + 2 * unit}
              y={11 * unit}
            >
              {degrees(lon)}
            </text>
          ))}
          {parallels.map((lat) => (
            <text
              key={`pt${lat}`}
              x={3 * unit}
              y={project(view, { latitude: lat, longitude: view.longitude }).y - 2 * unit}
            >
              {degrees(lat)}
            </text>
          ))}
        </g>
        <g fontSize={11 * unit} fill="#2f3b45">
          {towns.map((town) => {
            const { x, y } = project(view, town);
            return (
              <g key={town.name}>
                <circle cx={x} cy={y} r={2.5 * unit} fill="#2f3b45" />
                <text x={x + 4 * unit} y={y - 4 * unit}>
                  {town.name}
                </text>
              </g>
            );
          })}
        </g>
        {points.map((p) => {
          const { x, y } = project(view, p);
          return (
            <g key={p.key} data-testid="map-point">
              <title>{p.label}</title>
              <circle cx={x} cy={y} r={6 * unit} fill="#1f6f8b" stroke="#fff" strokeWidth={2 * unit} />
              {!onChange && (
                <text x={x + 8 * unit} y={y + 4 * unit} fontSize={11 * unit} fill="#123">
                  {p.label}
                </text>
              )}
            </g>
          );
        })}
        {chosen && (
          <g data-testid="map-chosen">
            <circle cx={chosen.x} cy={chosen.y} r={8 * unit} fill="#b3261e" stroke="#fff" strokeWidth={2.5 * unit} />
            <circle cx={chosen.x} cy={chosen.y} r={2 * unit} fill="#fff" />
          </g>
        )}
        <g className="map-centre" stroke="#b3261e" strokeWidth={1}>
          <line x1={VIEW_WIDTH / 2 - 8} y1={VIEW_HEIGHT / 2} x2={VIEW_WIDTH / 2 + 8} y2={VIEW_HEIGHT / 2} />
          <line x1={VIEW_WIDTH / 2} y1={VIEW_HEIGHT / 2 - 8} x2={VIEW_WIDTH / 2} y2={VIEW_HEIGHT / 2 + 8} />
        </g>
        <g transform={`translate(${10 * unit} ${VIEW_HEIGHT - 14 * unit})`} fontSize={10 * unit} fill="#2f3b45">
          <rect
            x={-4 * unit}
            y={-14 * unit}
            width={bar.length + 8 * unit}
            height={22 * unit}
            fill="#fff"
            fillOpacity={0.7}
          />
          <line x1={0} y1={4 * unit} x2={bar.length} y2={4 * unit} stroke="#2f3b45" strokeWidth={2 * unit} />
          <text x={0} y={-2 * unit}>
            {number.format(bar.km)} km
          </text>
        </g>
        <text x={VIEW_WIDTH - 4} y={VIEW_HEIGHT - 4} fontSize={8 * unit} fill="#4a5b6b" textAnchor="end">
          {t('map.attribution')}
        </text>
      </svg>
      <Space wrap style={{ marginTop: 6 }}>
        <Button
          size="small"
          icon={<PlusOutlined />}
          aria-label={t('map.zoomIn')}
          onClick={() => setView((v) => zoomAt(v, 0.5))}
        />
        <Button
          size="small"
          icon={<MinusOutlined />}
          aria-label={t('map.zoomOut')}
          onClick={() => setView((v) => zoomAt(v, 2))}
        />
        <Button size="small" icon={<AimOutlined />} onClick={() => setView(HUE_VIEW)}>
          {t('map.reset')}
        </Button>
        {onChange && (
          <Typography.Text role="status" data-testid="map-status">
            {value
              ? insideFrame(value)
                ? t('map.chosen', { coords: formatLatLon(value, language) })
                : t('map.outside')
              : t('map.none')}
          </Typography.Text>
        )}
      </Space>
      <Typography.Paragraph type="secondary" id={helpId} style={{ marginTop: 4, marginBottom: 0, fontSize: 12 }}>
        {onChange ? t('map.help') : t('map.viewHelp')} {onChange ? t('map.accuracy') : null}
      </Typography.Paragraph>
    </div>
  );
}
