import type { EpcisEvent } from '../epcis/index.ts';
import { valuesAt, type EvaluationMasterData } from '../standards/evaluate.ts';
import type { LocalText } from '../standards/profile.ts';

/**
 * What of an event the public may see: only the field paths the product's standard marks public
 * (`StandardProfile.publicFields`, same path syntax as the standard's KDE rules). Pure.
 */

/** Without a standard, the page shows only when, what step and where — never the event's other data. */
export const DEFAULT_PUBLIC_FIELDS: readonly string[] = ['eventTime', 'bizStep', 'bizLocation'];

/** Paths the page draws in its own way; every other public path is listed as a labelled fact. */
const STRUCTURAL = new Set(['eventTime', 'bizStep', 'bizLocation', 'readPoint', 'type']);

export interface PublicFact {
  readonly path: string;
  readonly label: LocalText | null;
  readonly values: readonly string[];
}

export interface PublicEvent {
  readonly type: string;
  readonly eventTime: string | null;
  readonly bizStep: string | null;
  /** The business location (or read point) identifier, when public. */
  readonly place: string | null;
  readonly facts: readonly PublicFact[];
}

/** A value as text: scalars as they are, `{ "@value": … }` by its value, other objects as `key: value` pairs. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'function') return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(textOf).join(', ');
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('@value' in record) return textOf(record['@value']);
    return Object.entries(record)
      .filter(([k]) => !k.startsWith('@'))
      .map(([k, v]) => `${k}: ${textOf(v)}`)
      .join('; ');
  }
  return '';
}

/** Labels the standard gives its KDE paths (the first label found for a path). */
export function kdeLabels(profile: { ctes: readonly { kdes: readonly { path: string; label?: LocalText }[] }[] }) {
  const labels = new Map<string, LocalText>();
  for (const cte of profile.ctes)
    for (const kde of cte.kdes) if (kde.label && !labels.has(kde.path)) labels.set(kde.path, kde.label);
  return labels;
}

/** The public projection of one event. */
export function publicEvent(
  event: EpcisEvent,
  publicFields: readonly string[],
  labels: ReadonlyMap<string, LocalText>,
  master: EvaluationMasterData,
): PublicEvent {
  const allowed = new Set(publicFields);
  const place = allowed.has('bizLocation')
    ? (event.bizLocation?.id ?? null)
    : allowed.has('readPoint')
      ? (event.readPoint?.id ?? null)
      : null;
  const facts: PublicFact[] = [];
  for (const path of publicFields) {
    if (STRUCTURAL.has(path)) continue;
    // The standard's own path reader (the same one its evaluation uses), so "public" means what the profile says.
    const values = valuesAt(event, path, master)
      .map(textOf)
      .filter((v) => v !== '');
    if (values.length === 0) continue;
    facts.push({ path, label: labels.get(path) ?? null, values: [...new Set(values)] });
  }
  return {
    type: event.type,
    eventTime: allowed.has('eventTime') ? event.eventTime : null,
    bizStep: allowed.has('bizStep') ? (event.bizStep ?? null) : null,
    place,
    facts,
  };
}
