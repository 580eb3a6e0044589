import type { Locale } from '../shared/messages.ts';
import { isMessageKey } from '../shared/messages.ts';

/**
 * Formatting for the public pages, Vietnamese convention first: dd/mm/yyyy dates in Asia/Ho_Chi_Minh time,
 * `1.234,5` numbers in Vietnamese, business steps named in words. Pure.
 */

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const numberFormats: Record<Locale, Intl.NumberFormat> = {
  vi: new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 3 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 3 }),
};

export function formatNumber(locale: Locale, value: number): string {
  return numberFormats[locale].format(value);
}

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function local(date: Date): { d: string; m: string; y: string; hh: string; mm: string } {
  const p = Object.fromEntries(parts.formatToParts(date).map((x) => [x.type, x.value]));
  return { d: p.day!, m: p.month!, y: p.year!, hh: p.hour!, mm: p.minute! };
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** dd/mm/yyyy in both languages (the page is for Vietnam); a calendar date `YYYY-MM-DD` is only reordered. */
export function formatDate(value: Date | string): string {
  if (typeof value === 'string') {
    const calendar = CALENDAR_DATE.exec(value);
    if (calendar) return `${calendar[3]}/${calendar[2]}/${calendar[1]}`;
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime())) return value;
    value = parsed;
  }
  const x = local(value);
  return `${x.d}/${x.m}/${x.y}`;
}

/** `dd/mm/yyyy HH:mm`, Huế time. */
export function formatDateTime(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  const x = local(date);
  return `${x.d}/${x.m}/${x.y} ${x.hh}:${x.mm}`;
}

/** ISO date-time in Huế time with its offset (for `<time datetime>`), e.g. `2026-06-02T03:30+07:00`. */
export function isoLocal(value: Date | string): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '';
  const x = local(date);
  return `${x.y}-${x.m}-${x.d}T${x.hh}:${x.mm}+07:00`;
}

/** The bare term of a business step (`shipping`, `fishingevent`) from a word, a URN or a Web URI. */
export function bizStepWord(bizStep: string | null | undefined): string | null {
  if (!bizStep) return null;
  const last = bizStep.split(/[:/#]/).pop() ?? bizStep;
  return last.replace(/^BizStep-/i, '').toLowerCase();
}

/** The catalogue key naming an event's step: its business step when known, else its event type, else "event". */
export function stepMessageKey(bizStep: string | null | undefined, eventType: string | null | undefined): string {
  const word = bizStepWord(bizStep);
  if (word !== null && isMessageKey(`portal.bizStep.${word}`)) return `portal.bizStep.${word}`;
  if (eventType && isMessageKey(`portal.eventType.${eventType}`)) return `portal.eventType.${eventType}`;
  return 'portal.bizStep.event';
}

/** A plain link that opens coordinates in OpenStreetMap (a link the reader follows, never fetched by the page). */
export function mapLink(latitude: number, longitude: number): string {
  const lat = latitude.toFixed(5);
  const lon = longitude.toFixed(5);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=14/${lat}/${lon}`;
}

/** Coordinates as people read them: `16,46250° B, 107,59540° Đ` in Vietnamese, `16.46250° N, 107.59540° E`. */
export function formatCoordinates(locale: Locale, latitude: number, longitude: number): string {
  const n = (v: number) => (locale === 'vi' ? Math.abs(v).toFixed(5).replace('.', ',') : Math.abs(v).toFixed(5));
  const ns = latitude >= 0 ? (locale === 'vi' ? 'B' : 'N') : locale === 'vi' ? 'N' : 'S';
  const ew = longitude >= 0 ? (locale === 'vi' ? 'Đ' : 'E') : locale === 'vi' ? 'T' : 'W';
  return `${n(latitude)}° ${ns}, ${n(longitude)}° ${ew}`;
}
