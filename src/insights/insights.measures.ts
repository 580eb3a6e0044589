/**
 * The plan's measures as pure functions over query results (REQUIREMENTS §1): each returns the value, the numerator
 * and denominator it came from and the organisations behind the number, so the dashboard can click through.
 */

export type MeasureKey = 'trained' | 'tracing' | 'standards' | 'interoperable' | 'connected';
export const MEASURE_KEYS: readonly MeasureKey[] = ['trained', 'tracing', 'standards', 'interoperable', 'connected'];

/** Days of events that make an organisation "actively tracing". */
export const TRACING_WINDOW_DAYS = 90;

export interface OrganisationFact {
  readonly id: string;
  readonly name: string;
  readonly gs1CompanyPrefix: string | null;
}

export interface ActivityFact {
  readonly organisationId: string;
  /** The latest Huế day with an event on the organisation's products (YYYY-MM-DD). */
  readonly lastDay: string;
  /** The latest day its data arrived system to system (API, provider, connector), null: never. */
  readonly lastSystemDay: string | null;
}

export interface MeasureResult {
  readonly measure: MeasureKey;
  /** Percent for ratio measures (one decimal), a count otherwise. */
  readonly value: number;
  readonly numerator: number;
  readonly denominator: number | null;
  /** The organisations the numerator counts (empty for measures not about organisations). */
  readonly organisationIds: readonly string[];
}

const percent = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 1000) / 10);

/** A Huế calendar day `days` before `today` (both YYYY-MM-DD). */
export function dayBefore(today: string, days: number): string {
  const t = Date.parse(`${today}T00:00:00Z`) - days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Today in Huế (UTC+7). */
export function hueToday(now: Date): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** Registered producers and traders with at least one training attendance (attending twice counts once). */
export function trainedMeasure(
  organisations: readonly OrganisationFact[],
  trained: ReadonlySet<string>,
): MeasureResult {
  const ids = organisations.filter((o) => trained.has(o.id)).map((o) => o.id);
  return {
    measure: 'trained',
    value: percent(ids.length, organisations.length),
    numerator: ids.length,
    denominator: organisations.length,
    organisationIds: ids,
  };
}

/** Organisations with an event on one of their products' lots within the last 90 days (today included). */
export function tracingMeasure(
  organisations: readonly OrganisationFact[],
  activity: readonly ActivityFact[],
  today: string,
): MeasureResult {
  const from = dayBefore(today, TRACING_WINDOW_DAYS - 1);
  const recent = new Set(activity.filter((a) => a.lastDay >= from).map((a) => a.organisationId));
  const ids = organisations.filter((o) => recent.has(o.id)).map((o) => o.id);
  return { measure: 'tracing', value: ids.length, numerator: ids.length, denominator: null, organisationIds: ids };
}

/** Published base standards (one per profile: a new version replaces the old). */
export function standardsMeasure(published: readonly { profileId: string }[]): MeasureResult {
  const n = new Set(published.map((s) => s.profileId)).size;
  return { measure: 'standards', value: n, numerator: n, denominator: null, organisationIds: [] };
}

/**
 * Organisations with a GS1 company prefix whose data arrives as EPCIS from a system (their own through the API, a
 * solution provider or a connector) / organisations with a GS1 company prefix. A prefix without events counts
 * in the denominator only.
 */
export function interoperableMeasure(
  organisations: readonly OrganisationFact[],
  activity: readonly ActivityFact[],
): MeasureResult {
  const withPrefix = organisations.filter((o) => o.gs1CompanyPrefix);
  const system = new Set(activity.filter((a) => a.lastSystemDay !== null).map((a) => a.organisationId));
  const ids = withPrefix.filter((o) => system.has(o.id)).map((o) => o.id);
  return {
    measure: 'interoperable',
    value: percent(ids.length, withPrefix.length),
    numerator: ids.length,
    denominator: withPrefix.length,
    organisationIds: ids,
  };
}

/** Kinds of connection the unified system has: businesses' own systems, providers, connectors, the national portal. */
export type ConnectionKind = 'api' | 'provider' | 'connector' | 'national_portal';
export const CONNECTION_KINDS: readonly ConnectionKind[] = ['api', 'provider', 'connector', 'national_portal'];

/**
 * How many kinds of connection carried data in the last 90 days: sources of events (`sourcesByOrganisation`:
 * organisation → sources seen in the window) and the national portal's last successful sync.
 */
export function connectedMeasure(
  sourcesByOrganisation: ReadonlyMap<string, ReadonlySet<string>>,
  nationalLastSuccessDay: string | null,
  today: string,
): MeasureResult & { readonly kinds: readonly ConnectionKind[] } {
  const from = dayBefore(today, TRACING_WINDOW_DAYS - 1);
  const kinds = new Set<ConnectionKind>();
  const ids: string[] = [];
  for (const [organisationId, sources] of sourcesByOrganisation) {
    let system = false;
    for (const s of sources) {
      if (s === 'api' || s === 'provider' || s === 'connector') {
        kinds.add(s);
        system = true;
      }
    }
    if (system) ids.push(organisationId);
  }
  if (nationalLastSuccessDay !== null && nationalLastSuccessDay >= from) kinds.add('national_portal');
  const list = CONNECTION_KINDS.filter((k) => kinds.has(k));
  return {
    measure: 'connected',
    value: list.length,
    numerator: list.length,
    denominator: CONNECTION_KINDS.length,
    organisationIds: ids.sort(),
    kinds: list,
  };
}

/** Where a measure stands against its target: reached, still open before its deadline, or overdue. */
export function progressOf(
  value: number,
  target: number,
  deadline: string,
  today: string,
): { ratio: number; status: 'reached' | 'open' | 'overdue' } {
  const ratio = target === 0 ? 1 : Math.min(1, value / target);
  if (value >= target) return { ratio, status: 'reached' };
  if (today > deadline) return { ratio, status: 'overdue' };
  return { ratio, status: 'open' };
}
