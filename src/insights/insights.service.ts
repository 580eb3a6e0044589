import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { asSystem } from '../db/scope.ts';
import { nationalSyncHealth } from '../federation/index.ts';
import { enqueueJob, type JobContext } from '../jobs/job.service.ts';
import {
  callerOrganisation,
  hasPermission,
  requirePermission,
  seesEverything,
  SYSTEM,
  type Caller,
} from '../shared/caller.ts';
import { recordAudit } from '../audit/index.ts';
import { AppError, notFound } from '../shared/errors.ts';
import {
  connectedMeasure,
  dayBefore,
  hueToday,
  interoperableMeasure,
  progressOf,
  standardsMeasure,
  tracingMeasure,
  trainedMeasure,
  TRACING_WINDOW_DAYS,
  type MeasureKey,
  type MeasureResult,
} from './insights.measures.ts';
import * as repo from './insights.repository.ts';

/**
 * The province's insights: plan targets and the measures behind them, the dashboard's figures (all read from the
 * daily counters the refresh keeps, or from small registry tables), the business's own dashboard, and the refresh
 * job that keeps the counters and the measures' daily trend.
 */

export const INSIGHTS_REFRESH_KIND = 'insights.refresh';
/** How often the worker brings the counters up to date. */
export const REFRESH_EVERY_MS = 5 * 60_000;
const REFRESH_BATCH = 50_000;

/** Alert kinds that suggest a counterfeit (a code that was never printed, a void stamp, one stamp in many places). */
export const COUNTERFEIT_ALERT_KINDS = ['unknown_serial', 'void_scanned', 'many_regions'];

export function requireProvince(caller: Caller): void {
  requirePermission(caller, 'province:read');
  if (!seesEverything(caller)) throw new AppError('forbidden', 'Only the province sees the province dashboard');
}

/** Reads both logs up to the settled horizon into the counters and records today's measures. */
export async function refreshInsights(
  db: Kysely<DB>,
  now: Date = new Date(),
): Promise<{ events: number; scans: number }> {
  let events = 0;
  let scans = 0;
  for (;;) {
    const n = await repo.refreshEventBatch(db, REFRESH_BATCH);
    events += n;
    if (n < REFRESH_BATCH) break;
  }
  for (;;) {
    const n = await repo.refreshScanBatch(db, REFRESH_BATCH);
    scans += n;
    if (n < REFRESH_BATCH) break;
  }
  await repo.markRefreshed(db, now);
  const today = hueToday(now);
  const measures = await computeMeasures(db, SYSTEM, today);
  for (const m of measures.values()) {
    await db
      .insertInto('insight_measure_snapshot')
      .values({ day: today, measure: m.measure, value: m.value })
      .onConflict((oc) => oc.columns(['day', 'measure']).doUpdateSet({ value: m.value }))
      .execute();
  }
  return { events, scans };
}

/** Job `insights.refresh`: refreshes, then queues the next run (one chain, kept by its dedupe key). */
export async function runRefreshJob(payload: unknown, context: JobContext): Promise<void> {
  const at = new Date((payload as { at?: string } | null)?.at ?? Date.now());
  await refreshInsights(context.db);
  let next = new Date(at.getTime() + REFRESH_EVERY_MS);
  if (next.getTime() < Date.now()) next = new Date(Date.now() + REFRESH_EVERY_MS);
  await enqueueJob(
    context.db,
    INSIGHTS_REFRESH_KIND,
    { at: next.toISOString() },
    { runAfter: next, dedupeKey: `${INSIGHTS_REFRESH_KIND}:${next.toISOString()}` },
  );
}

/** Starts the refresh chain unless one is already queued (the server and the demo call it; idempotent). */
export async function ensureRefreshScheduled(db: Kysely<DB>): Promise<void> {
  const queued = await db
    .selectFrom('job')
    .select('id')
    .where('kind', '=', INSIGHTS_REFRESH_KIND)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  if (!queued) await enqueueJob(db, INSIGHTS_REFRESH_KIND, { at: new Date().toISOString() });
}

interface NationalTile {
  readonly configured: boolean;
  readonly pending: number;
  readonly sent: number;
  readonly failed: number;
  readonly lastSuccessAt: string | null;
  readonly oldestPendingAt: string | null;
  readonly lastError: string | null;
}

async function nationalTile(db: Kysely<DB>, caller: Caller): Promise<NationalTile> {
  const h = await nationalSyncHealth(db, caller);
  return {
    configured: h.configured,
    pending: h.totals.pending,
    sent: h.totals.sent,
    failed: h.totals.failed,
    lastSuccessAt: h.lastSuccessAt,
    oldestPendingAt: h.oldestPendingAt,
    lastError: h.lastError ? `${h.lastError.code}${h.lastError.detail ? `: ${h.lastError.detail}` : ''}` : null,
  };
}

async function sourcesInWindow(db: Kysely<DB>, fromDay: string): Promise<Map<string, Set<string>>> {
  const rows = await db
    .selectFrom('insight_event_day')
    .select(['organisation_id', 'source'])
    .distinct()
    .where('day', '>=', fromDay)
    .where('source', 'in', ['api', 'provider', 'connector'])
    .execute();
  const map = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = map.get(r.organisation_id) ?? new Set<string>();
    set.add(r.source);
    map.set(r.organisation_id, set);
  }
  return map;
}

/** Every plan measure over the current records (counters as of the last refresh). */
export async function computeMeasures(
  db: Kysely<DB>,
  caller: Caller,
  today: string,
): Promise<Map<MeasureKey, MeasureResult>> {
  const [organisations, trained, activity, published, sources, national] = await Promise.all([
    repo.registeredOrganisations(db),
    repo.trainedOrganisationIds(db),
    repo.organisationActivity(db),
    repo.publishedStandards(db),
    sourcesInWindow(db, dayBefore(today, TRACING_WINDOW_DAYS - 1)),
    nationalTile(db, caller),
  ]);
  const facts = organisations.map((o) => ({ id: o.id, name: o.name, gs1CompanyPrefix: o.gs1_company_prefix }));
  const nationalDay = national.lastSuccessAt ? hueToday(new Date(national.lastSuccessAt)) : null;
  const list: MeasureResult[] = [
    trainedMeasure(facts, trained),
    tracingMeasure(facts, activity, today),
    standardsMeasure(published.map((s) => ({ profileId: s.profile_id }))),
    interoperableMeasure(facts, activity),
    connectedMeasure(sources, nationalDay, today),
  ];
  return new Map(list.map((m) => [m.measure, m]));
}

export interface PlanTargetInput {
  readonly measure: MeasureKey;
  readonly title: string;
  readonly titleEn: string;
  readonly target: number;
  readonly unit: 'percent' | 'count';
  readonly deadline: string;
}

export async function listTargets(db: Kysely<DB>, caller: Caller) {
  requireProvince(caller);
  const rows = await db
    .selectFrom('insight_plan_target')
    .select(['id', 'measure', 'title', 'title_en', 'target', 'unit', sql<string>`deadline::text`.as('deadline')])
    .orderBy('sort_order')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    measure: r.measure as MeasureKey,
    title: r.title,
    titleEn: r.title_en,
    target: Number(r.target),
    unit: r.unit as 'percent' | 'count',
    deadline: r.deadline,
  }));
}

function validateTarget(input: PlanTargetInput): void {
  const fields: { field: string; message: string }[] = [];
  if (!input.title.trim()) fields.push({ field: 'title', message: 'A title is required' });
  if (!input.titleEn.trim()) fields.push({ field: 'titleEn', message: 'A title is required' });
  if (!(input.target >= 0) || (input.unit === 'percent' && input.target > 100)) {
    fields.push({ field: 'target', message: 'The target must be a number ≥ 0 (a percent at most 100)' });
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.deadline) || Number.isNaN(Date.parse(input.deadline))) {
    fields.push({ field: 'deadline', message: 'The deadline is a date YYYY-MM-DD' });
  }
  if (fields.length) throw new AppError('validation', 'The target is not valid', { fields });
}

export async function saveTarget(db: Kysely<DB>, caller: Caller, id: string | null, input: PlanTargetInput) {
  requireProvince(caller);
  requirePermission(caller, 'province:write');
  validateTarget(input);
  const values = {
    measure: input.measure,
    title: input.title.trim(),
    title_en: input.titleEn.trim(),
    target: input.target,
    unit: input.unit,
    deadline: input.deadline,
    updated_by: caller.kind === 'user' ? caller.userId : null,
    updated_at: new Date(),
  };
  const change = { measure: values.measure, target: values.target, unit: values.unit, deadline: values.deadline };
  const savedId = await db.transaction().execute(async (trx) => {
    if (id === null) {
      const newId = randomUUID();
      const max = await trx
        .selectFrom('insight_plan_target')
        .select(sql<number>`coalesce(max(sort_order), 0)`.as('n'))
        .executeTakeFirst();
      await trx
        .insertInto('insight_plan_target')
        .values({ id: newId, sort_order: (max?.n ?? 0) + 1, ...values })
        .execute();
      await recordAudit(trx, caller, {
        action: 'insights.plan_target.create',
        objectType: 'insight_plan_target',
        objectId: newId,
        change: { ...change, title: values.title, titleEn: values.title_en },
        detail: change,
      });
      return newId;
    }
    const r = await trx.updateTable('insight_plan_target').set(values).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw notFound('plan target');
    await recordAudit(trx, caller, {
      action: 'insights.plan_target.update',
      objectType: 'insight_plan_target',
      objectId: id,
      change: { ...change, title: values.title, titleEn: values.title_en },
      detail: change,
    });
    return id;
  });
  return (await listTargets(db, caller)).find((t) => t.id === savedId)!;
}

export async function deleteTarget(db: Kysely<DB>, caller: Caller, id: string): Promise<void> {
  requireProvince(caller);
  requirePermission(caller, 'province:write');
  await db.transaction().execute(async (trx) => {
    const r = await trx.deleteFrom('insight_plan_target').where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound('plan target');
    await recordAudit(trx, caller, {
      action: 'insights.plan_target.delete',
      objectType: 'insight_plan_target',
      objectId: id,
    });
  });
}

/** The plan targets with their measures' value, progress and trend. */
export async function planProgress(db: Kysely<DB>, caller: Caller, now: Date = new Date()) {
  requireProvince(caller);
  const today = hueToday(now);
  const [targets, measures, snapshots] = await Promise.all([
    listTargets(db, caller),
    computeMeasures(db, caller, today),
    db
      .selectFrom('insight_measure_snapshot')
      .select([sql<string>`day::text`.as('day'), 'measure', 'value'])
      .where('day', '>=', dayBefore(today, 180))
      .orderBy('day')
      .execute(),
  ]);
  return targets.map((t) => {
    const m = measures.get(t.measure)!;
    return {
      ...t,
      value: m.value,
      numerator: m.numerator,
      denominator: m.denominator,
      organisationCount: m.organisationIds.length,
      ...progressOf(m.value, t.target, t.deadline, today),
      trend: snapshots.filter((s) => s.measure === t.measure).map((s) => ({ day: s.day, value: Number(s.value) })),
    };
  });
}

/** The organisations behind a measure's number (for measures about organisations), with what each contributes. */
export async function measureOrganisations(db: Kysely<DB>, caller: Caller, measure: MeasureKey, now = new Date()) {
  requireProvince(caller);
  const today = hueToday(now);
  const [measures, organisations, activity, trained] = await Promise.all([
    computeMeasures(db, caller, today),
    repo.registeredOrganisations(db),
    repo.organisationActivity(db),
    repo.trainedOrganisationIds(db),
  ]);
  const m = measures.get(measure);
  if (!m) throw notFound('measure');
  const ids = new Set(m.organisationIds);
  const byId = new Map(activity.map((a) => [a.organisationId, a]));
  const names = new Map(
    (await db.selectFrom('organisation').select(['id', 'name']).execute()).map((o) => [o.id, o.name]),
  );
  const rows = organisations.filter((o) => ids.has(o.id));
  // The connected measure counts solution providers' clients and providers alike: list every organisation behind it.
  const extra = [...ids].filter((id) => !rows.some((o) => o.id === id));
  return {
    measure,
    value: m.value,
    numerator: m.numerator,
    denominator: m.denominator,
    organisations: [
      ...rows.map((o) => ({
        id: o.id,
        name: o.name,
        kind: o.kind,
        commune: o.commune_name,
        gs1CompanyPrefix: o.gs1_company_prefix,
        trained: trained.has(o.id),
        lastEventDay: byId.get(o.id)?.lastDay ?? null,
        lastSystemDay: byId.get(o.id)?.lastSystemDay ?? null,
        events: byId.get(o.id)?.events ?? 0,
      })),
      ...extra.map((id) => ({
        id,
        name: names.get(id) ?? id,
        kind: null,
        commune: null,
        gs1CompanyPrefix: null,
        trained: trained.has(id),
        lastEventDay: byId.get(id)?.lastDay ?? null,
        lastSystemDay: byId.get(id)?.lastSystemDay ?? null,
        events: byId.get(id)?.events ?? 0,
      })),
    ],
  };
}

const WEEKS = 12;
const SCAN_DAYS = 30;

/** Everything the province dashboard shows, in one answer. */
export async function provinceDashboard(db: Kysely<DB>, caller: Caller, now: Date = new Date()) {
  requireProvince(caller);
  const today = hueToday(now);
  const weekFrom = dayBefore(today, WEEKS * 7);
  const scanFrom = dayBefore(today, SCAN_DAYS - 1);
  const since = new Date(Date.parse(`${scanFrom}T00:00:00+07:00`));
  const [
    plan,
    organisations,
    trained,
    activity,
    products,
    published,
    groups,
    byWeek,
    scansDay,
    scansProduct,
    scansRegion,
    alerts,
    recalls,
    compliance,
    national,
    locations,
    scanCommunes,
    refreshedAt,
  ] = await Promise.all([
    planProgress(db, caller, now),
    repo.registeredOrganisations(db),
    repo.trainedOrganisationIds(db),
    repo.organisationActivity(db),
    repo.productCoverage(db),
    repo.publishedStandards(db),
    repo.productGroups(db),
    repo.eventsByWeek(db, weekFrom),
    repo.scansByDay(db, scanFrom),
    repo.scansByProduct(db, scanFrom, 10),
    repo.scansByRegion(db, scanFrom),
    repo.alertCounts(db, since),
    repo.recallFigures(db, new Date(Date.parse(`${dayBefore(today, 365)}T00:00:00+07:00`))),
    repo.complianceByGroup(db),
    nationalTile(db, caller),
    repo.locationsByCommune(db),
    repo.scansByOwnerCommune(db, scanFrom),
    repo.freshness(db),
  ]);
  const tracingFrom = dayBefore(today, TRACING_WINDOW_DAYS - 1);
  const registered = new Set(organisations.map((o) => o.id));
  const standardsByGroup = groups.map((g) => ({
    groupCode: g.code,
    standards: published.filter((s) => s.product_groups.includes(g.code)).length,
  }));
  const communes = new Map<string, { commune: string; locations: number; growingAreas: number; scans: number }>();
  const communeRow = (name: string) => {
    let row = communes.get(name);
    if (!row) {
      row = { commune: name, locations: 0, growingAreas: 0, scans: 0 };
      communes.set(name, row);
    }
    return row;
  };
  for (const l of locations) {
    const row = communeRow(l.commune ?? '');
    row.locations += l.locations;
    row.growingAreas += l.growingAreas;
  }
  for (const s of scanCommunes) communeRow(s.commune ?? '').scans += s.scans;
  const mocks = recalls.filter((r) => r.mock && r.impactMs !== null).map((r) => r.impactMs!);
  return {
    today,
    refreshedAt: refreshedAt?.toISOString() ?? null,
    plan,
    organisations: {
      registered: organisations.length,
      trained: organisations.filter((o) => trained.has(o.id)).length,
      tracing: activity.filter((a) => registered.has(a.organisationId) && a.lastDay >= tracingFrom).length,
      withPrefix: organisations.filter((o) => o.gs1_company_prefix).length,
      usingBarcodes: organisations.filter((o) => o.uses_barcodes).length,
    },
    products,
    groups: groups.map((g) => ({ code: g.code, name: g.name, nameEn: g.name_en })),
    standardsByGroup,
    events: { fromDay: weekFrom, byWeek },
    scans: { fromDay: scanFrom, byDay: scansDay, byProduct: scansProduct, byRegion: scansRegion },
    alerts: {
      byKind: alerts,
      total: alerts.reduce((n, a) => n + a.total, 0),
      open: alerts.reduce((n, a) => n + a.open, 0),
      counterfeitSuspicions: alerts
        .filter((a) => COUNTERFEIT_ALERT_KINDS.includes(a.kind))
        .reduce((n, a) => n + a.total, 0),
    },
    recalls: {
      real: recalls.filter((r) => !r.mock).length,
      mock: recalls.filter((r) => r.mock).length,
      open: recalls.filter((r) => r.status === 'open').length,
      mockMedianImpactMs: median(mocks),
      recent: recalls.slice(0, 10).map((r) => ({ ...r, openedAt: r.openedAt.toISOString() })),
    },
    compliance,
    national,
    map: { communes: [...communes.values()].filter((c) => c.commune !== '') },
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A business's own dashboard (the province may open any organisation's). */
export async function businessDashboard(
  db: Kysely<DB>,
  caller: Caller,
  organisationId: string | undefined,
  now: Date = new Date(),
) {
  requirePermission(caller, 'registry:read');
  const own = callerOrganisation(caller);
  const id = organisationId ?? own;
  if (!id)
    throw new AppError('validation', 'Name the organisation', {
      fields: [{ field: 'organisationId', message: 'required' }],
    });
  if (id !== own && !seesEverything(caller)) throw notFound('organisation');
  const org = await db
    .selectFrom('organisation')
    .select(['id', 'name', 'kind'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!org) throw notFound('organisation');
  const today = hueToday(now);
  const scanFrom = dayBefore(today, SCAN_DAYS - 1);
  const since = new Date(Date.parse(`${scanFrom}T00:00:00+07:00`));
  const [products, scansDay, scansProduct, scansRegion, alerts, compliance, recalls, byWeek, gaps, refreshedAt] =
    await Promise.all([
      repo.productCoverage(db, id),
      repo.scansByDay(db, scanFrom, id),
      repo.scansByProduct(db, scanFrom, 10, id),
      repo.scansByRegion(db, scanFrom, id),
      repo.alertCounts(db, since, id),
      repo.complianceByGroup(db, id),
      repo.recallFigures(db, new Date(Date.parse(`${dayBefore(today, 365)}T00:00:00+07:00`)), id),
      repo.eventsByWeek(db, dayBefore(today, WEEKS * 7), id),
      db
        .selectFrom('lot_compliance')
        .select(['lot', 'gtin', 'profile_id', 'score', 'errors', 'warnings'])
        .where('organisation_id', '=', id)
        .where('errors', '>', 0)
        .orderBy('score')
        .limit(20)
        .execute(),
      repo.freshness(db),
    ]);
  const mocks = recalls.filter((r) => r.mock);
  const lastMock = mocks[0];
  return {
    organisation: org,
    today,
    refreshedAt: refreshedAt?.toISOString() ?? null,
    products,
    events: { byWeek },
    scans: { fromDay: scanFrom, byDay: scansDay, byProduct: scansProduct, byRegion: scansRegion },
    alerts: { byKind: alerts, open: alerts.reduce((n, a) => n + a.open, 0) },
    compliance,
    complianceGaps: gaps.map((g) => ({
      lot: g.lot,
      gtin: g.gtin,
      profileId: g.profile_id,
      score: g.score,
      errors: g.errors,
      warnings: g.warnings,
    })),
    recallReadiness: {
      mockRecalls: mocks.length,
      lastMockAt: lastMock ? lastMock.openedAt.toISOString() : null,
      lastMockImpactMs: lastMock?.impactMs ?? null,
      lastMockAcknowledgedMs: lastMock?.acknowledgedMs ?? null,
    },
  };
}

/** The province may refresh the counters at once (the worker does it every few minutes). */
export async function refreshNow(db: Kysely<DB>, caller: Caller) {
  requireProvince(caller);
  if (!hasPermission(caller, 'province:write')) throw new AppError('forbidden', 'Missing permission province:write');
  // The counters sum every organisation's events and scans, whoever asks for the refresh.
  const r = await asSystem(() => refreshInsights(db));
  return { ...r, refreshedAt: (await repo.freshness(db))?.toISOString() ?? null };
}
