import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { loadConfig } from '../config.ts';
import type { DB } from '../db/schema.ts';
import { escapeDlPathValue } from '../identifiers/index.ts';
import type { JobContext } from '../jobs/job.service.ts';
import { findStamp } from '../labels/index.ts';
import { notify } from '../notifications/index.ts';
import { accessibleOrganisations } from '../registry/registry.access.ts';
import { hasPermission, requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { t, type Locale } from '../shared/messages.ts';
import { recallStatusOfLots } from '../trace/index.ts';
import * as repo from './resolver.repository.ts';
import {
  evaluateScan,
  expiryOf,
  type AlertCandidate,
  type AlertKind,
  type AlertSeverity,
  type RuleThresholds,
  type StampFact,
} from './scan-rules.ts';

/**
 * Alerts from the scan log: a background job checks each written batch of scans against the rules (scan-rules.ts)
 * and stores new alerts, one per rule per serial (or lot) per window, notifying the brand owner and the province.
 * Both see them through `/api/alerts` and acknowledge them there.
 */

export const ALERT_LINK = '/app/alerts';

/** Thresholds of the scan rules from the configuration. */
export function thresholdsFrom(config: {
  scanAlertMaxScans: number;
  scanAlertMaxRegions: number;
  scanAlertWindowHours: number;
}): RuleThresholds {
  return {
    maxScans: config.scanAlertMaxScans,
    maxRegions: config.scanAlertMaxRegions,
    windowMs: config.scanAlertWindowHours * 3600_000,
  };
}

const lotNode = (gtin: string, lot: string) => `https://id.gs1.org/01/${gtin}/10/${escapeDlPathValue(lot)}`;

const dateKeys = (ilmd: Record<string, unknown> | null, names: readonly string[]): string | null => {
  if (!ilmd) return null;
  for (const [key, value] of Object.entries(ilmd)) {
    const local = key.includes(':') ? key.slice(key.lastIndexOf(':') + 1) : key;
    if (names.includes(local) && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value)) return value;
  }
  return null;
};

/**
 * Job `resolver.scan-check`: evaluates the scans with ids in [first, last] and stores the alerts they raise. Idempotent
 * (alerts are unique by their dedupe key), so running it twice after a crash adds nothing.
 */
export async function checkScans(payload: unknown, context: JobContext): Promise<void> {
  const { first, last } = payload as { first: string; last: string };
  const candidates = await alertsForScans(context.db, first, last, thresholdsFrom(loadConfig()));
  await context.db.transaction().execute(async (trx) => {
    await storeAlerts(trx, candidates);
    await context.complete(trx);
  });
}

type Candidate = AlertCandidate & { organisationId: string };

/** The alerts that the scans with ids in [first, last] raise, gathering the facts the rules need. */
export async function alertsForScans(
  db: Kysely<DB>,
  first: string,
  last: string,
  rules: RuleThresholds,
): Promise<Candidate[]> {
  const scans = await repo.scansBetween(db, first, last);
  const products = new Map(
    (await repo.productOwners(db, [...new Set(scans.map((s) => s.gtin))])).map((p) => [p.gtin, p]),
  );
  const relevant = scans.filter((s) => products.has(s.gtin));

  const stamps = new Map<string, StampFact | undefined>();
  const inEvents = new Map<string, boolean>();
  const recent = new Map<string, { scannedAt: Date; region: string | null }[]>();
  for (const s of relevant) {
    if (s.serial === null) continue;
    const key = `${s.gtin}|${s.serial}`;
    if (stamps.has(key)) continue;
    const stamp = await findStamp(db, s.gtin, s.serial);
    stamps.set(key, stamp && { state: stamp.state, lot: stamp.lot });
    inEvents.set(
      key,
      stamp === undefined &&
        (await repo.itemInEvents(db, `https://id.gs1.org/01/${s.gtin}/21/${escapeDlPathValue(s.serial)}`)),
    );
    const times = relevant.filter((x) => x.gtin === s.gtin && x.serial === s.serial).map((x) => x.scanned_at);
    const from = new Date(Math.min(...times.map((d) => d.getTime())) - rules.windowMs);
    const to = new Date(Math.max(...times.map((d) => d.getTime())));
    recent.set(
      key,
      (await repo.scansOfItem(db, s.gtin, s.serial, from, to)).map((r) => ({
        scannedAt: r.scanned_at,
        region: r.region,
      })),
    );
  }

  const lotOf = (s: (typeof relevant)[number]) =>
    s.lot ?? (s.serial ? stamps.get(`${s.gtin}|${s.serial}`)?.lot : null) ?? null;
  const lots = new Map<string, { gtin: string; lot: string }>();
  for (const s of relevant) {
    const lot = lotOf(s);
    if (lot !== null) lots.set(`${s.gtin}|${lot}`, { gtin: s.gtin, lot });
  }
  const recalls = await recallStatusOfLots(db, [...lots.values()]);
  const lotFacts = new Map<string, { regions: string[] | null; expiresAt: Date | null }>();
  for (const [key, { gtin, lot }] of lots) {
    const node = lotNode(gtin, lot);
    const [regions, origin] = await Promise.all([repo.lotRegions(db, node), repo.lotOrigin(db, node)]);
    const ilmd = origin?.ilmd ?? null;
    const production = dateKeys(ilmd, ['productionDate']);
    lotFacts.set(key, {
      regions: regions.length > 0 ? regions : null,
      expiresAt: expiryOf({
        itemExpirationDate: dateKeys(ilmd, ['itemExpirationDate', 'bestBeforeDate', 'bestBefore', 'sellByDate']),
        productionDate: production
          ? new Date(`${production.slice(0, 10)}T00:00:00+07:00`)
          : (origin?.event_time ?? null),
        shelfLifeDays: products.get(gtin)?.shelf_life_days ?? null,
      }),
    });
  }

  const candidates = new Map<string, Candidate>();
  for (const s of relevant) {
    const key = `${s.gtin}|${s.serial ?? ''}`;
    const lot = lotOf(s);
    const facts = lot === null ? undefined : lotFacts.get(`${s.gtin}|${lot}`);
    const recall = lot === null ? undefined : recalls.find((r) => r.gtin === s.gtin && r.lot === lot);
    const at = s.scanned_at.getTime();
    for (const c of evaluateScan({
      scan: { gtin: s.gtin, lot: s.lot, serial: s.serial, region: s.region, scannedAt: s.scanned_at },
      productKnown: true,
      serialInEvents: inEvents.get(key) ?? false,
      stamp: s.serial === null ? undefined : stamps.get(key),
      recentScans: (recent.get(key) ?? []).filter(
        (r) => r.scannedAt.getTime() <= at && r.scannedAt.getTime() > at - rules.windowMs,
      ),
      shippedRegions: facts?.regions ?? null,
      recall: recall ? { recallId: recall.recallId, reason: recall.reason } : null,
      expiresAt: facts?.expiresAt ?? null,
      thresholds: rules,
    })) {
      if (!candidates.has(c.dedupeKey))
        candidates.set(c.dedupeKey, { ...c, organisationId: products.get(s.gtin)!.organisation_id });
    }
  }

  return [...candidates.values()];
}

/** Stores the alerts whose dedupe key is new and notifies the brand owner and the province of each, inside `trx`. */
export async function storeAlerts(trx: Kysely<DB>, candidates: readonly Candidate[]): Promise<number> {
  const inserted = await repo.insertAlerts(
    trx,
    candidates.map((c) => ({
      id: randomUUID(),
      organisation_id: c.organisationId,
      kind: c.kind,
      severity: c.severity,
      gtin: c.gtin,
      lot: c.lot,
      serial: c.serial,
      details: JSON.stringify(c.details),
      dedupe_key: c.dedupeKey,
    })),
  );
  for (const alert of inserted) {
    const input = {
      kind: 'alert.raised',
      titleKey: `resolver.alert.${alert.kind}`,
      params: { gtin: alert.gtin, lot: alert.lot ?? '—', serial: alert.serial ?? '—' },
      link: `${ALERT_LINK}/${alert.id}`,
      payload: { alertId: alert.id, kind: alert.kind, severity: alert.severity },
    };
    await notify(trx, { ...input, organisationId: alert.organisation_id });
    await notify(trx, { ...input, organisationId: null });
  }
  return inserted.length;
}

export interface AlertView {
  readonly id: string;
  readonly organisationId: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly gtin: string;
  readonly lot: string | null;
  readonly serial: string | null;
  readonly details: Record<string, unknown>;
  readonly createdAt: Date;
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedBy: string | null;
}

type AlertRow = NonNullable<Awaited<ReturnType<typeof repo.findAlert>>>;

function toView(row: AlertRow, locale: Locale): AlertView {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    kind: row.kind as AlertKind,
    severity: row.severity as AlertSeverity,
    title: t(locale, `resolver.alert.${row.kind}`, { gtin: row.gtin, lot: row.lot ?? '—', serial: row.serial ?? '—' }),
    gtin: row.gtin,
    lot: row.lot,
    serial: row.serial,
    details: row.details,
    createdAt: row.created_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
  };
}

export interface AlertQuery {
  kind?: string | undefined;
  severity?: string | undefined;
  gtin?: string | undefined;
  lot?: string | undefined;
  serial?: string | undefined;
  acknowledged?: boolean | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  limit: number;
  offset: number;
}

/** Alerts of the caller's organisation (brand owner), or every alert for the province. */
export async function listAlerts(
  db: Kysely<DB>,
  caller: Caller,
  query: AlertQuery,
  locale: Locale,
): Promise<{ items: AlertView[]; total: number }> {
  const organisations = await accessibleOrganisations(db, caller, 'registry:read');
  const defined = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as AlertQuery;
  const result = await repo.listAlerts(db, { ...defined, ...(organisations === 'all' ? {} : { organisations }) });
  return { items: result.items.map((r) => toView(r, locale)), total: result.total };
}

async function visibleAlert(db: Kysely<DB>, caller: Caller, id: string): Promise<AlertRow> {
  const row = await repo.findAlert(db, id);
  const organisations = await accessibleOrganisations(db, caller, 'registry:read');
  if (!row || (organisations !== 'all' && !organisations.includes(row.organisation_id))) throw notFound('Alert');
  return row;
}

export async function getAlert(db: Kysely<DB>, caller: Caller, id: string, locale: Locale): Promise<AlertView> {
  return toView(await visibleAlert(db, caller, id), locale);
}

/** Marks an alert handled: the brand owner (registry:write) or the province (province:write). */
export async function acknowledgeAlert(db: Kysely<DB>, caller: Caller, id: string, locale: Locale): Promise<AlertView> {
  await visibleAlert(db, caller, id);
  if (seesEverything(caller)) requirePermission(caller, 'province:write');
  else if (!hasPermission(caller, 'registry:write'))
    throw new AppError('forbidden', 'Missing permission registry:write');
  const by = caller.kind === 'user' ? caller.userId : caller.kind === 'apiKey' ? `apiKey:${caller.apiKeyId}` : 'system';
  await repo.acknowledgeAlert(db, id, by, new Date());
  return toView((await repo.findAlert(db, id))!, locale);
}
