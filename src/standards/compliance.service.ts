import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { identifierKeyParts, indexEpcs, type IndexedEpc } from '../epcis/event-index.ts';
import type { EpcisEvent } from '../epcis/model.ts';
import { enqueueJob, type JobContext } from '../jobs/job.service.ts';
import { callerOrganisation, requireAuthenticated, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { t } from '../shared/messages.ts';
import * as repo from './compliance.repository.ts';
import { checkEvent, evaluate, type LotRole } from './evaluate.ts';
import { masterDataFor } from './location-master.ts';
import type { ComplianceFinding, StandardProfile } from './profile.ts';
import type { StandardRow } from './standards.repository.ts';

/**
 * Compliance kept current: which standard version a product answers to (its binding, else its product group's
 * current published profile), the score of every lot against it refreshed by a job after each capture, the checks
 * capture runs on each event, and the reports per organisation and product group.
 */

export interface ProductStandard {
  readonly standardId: string;
  readonly version: number;
  readonly status: StandardRow['status'];
  /** True when the product is bound to this version; false when it follows its product group's current one. */
  readonly bound: boolean;
  readonly profile: StandardProfile;
}

/**
 * The standard a product group follows by default: its published province TCCS (`tccs-…`) before an
 * international programme, then by profile id, so the choice is stable.
 */
export function defaultStandardOf(group: string, published: readonly StandardRow[]): StandardRow | undefined {
  return published
    .filter((s) => s.status === 'published' && s.product_groups.includes(group))
    .sort(
      (a, b) =>
        Number(b.profile_id.startsWith('tccs-')) - Number(a.profile_id.startsWith('tccs-')) ||
        a.profile_id.localeCompare(b.profile_id),
    )[0];
}

function asProductStandard(row: StandardRow, bound: boolean): ProductStandard {
  return {
    standardId: row.id,
    version: row.version,
    status: row.status,
    bound,
    profile: row.document as StandardProfile,
  };
}

/** The standard of each product: its bound version, else its group's current published one (undefined: none). */
export async function resolveStandards(
  db: Kysely<DB> | Transaction<DB>,
  products: readonly repo.ProductRef[],
): Promise<Map<string, ProductStandard>> {
  const bound = await repo.standardsByIds(
    db,
    products.map((p) => p.boundStandardId).filter((id): id is string => id !== null),
  );
  const published = await repo.publishedForGroups(
    db,
    products.filter((p) => p.boundStandardId === null).map((p) => p.groupCode),
  );
  const out = new Map<string, ProductStandard>();
  for (const p of products) {
    const boundRow = p.boundStandardId === null ? undefined : bound.get(p.boundStandardId);
    const row = boundRow ?? defaultStandardOf(p.groupCode, published);
    if (row) out.set(p.id, asProductStandard(row, boundRow !== undefined));
  }
  return out;
}

/** The published profile a product is bound to (or its product group's current one); undefined when none applies. */
export async function standardForProduct(db: Kysely<DB>, productId: string): Promise<ProductStandard | undefined> {
  const product = await repo.productById(db, productId);
  if (!product) return undefined;
  return (await resolveStandards(db, [product])).get(product.id);
}

/**
 * Binds a product to one standard version, or (`standardId` null) back to its product group's current one. Only a
 * published version of a profile made for the product's group may be bound; the product's lots are then scored
 * again (by a job) against it. The caller's right to change the product is the registry's to check.
 */
export async function bindProductStandard(
  db: Kysely<DB>,
  productId: string,
  standardId: string | null,
  boundBy: string | null,
): Promise<ProductStandard | undefined> {
  const product = await repo.productById(db, productId);
  if (!product) throw notFound('Product');
  if (standardId !== null) {
    const row = (await repo.standardsByIds(db, [standardId])).get(standardId);
    if (!row || row.status === 'draft') throw invalidStandard(`No published standard ${standardId}`);
    if (row.status !== 'published') throw invalidStandard(`Standard ${standardId} is superseded; bind its successor`);
    if (!row.product_groups.includes(product.groupCode))
      throw invalidStandard(`Standard ${standardId} is not made for product group ${product.groupCode}`);
  }
  await inTransaction(db, async (trx) => {
    if (standardId === null) await repo.unbindStandard(trx, productId);
    else await repo.bindStandard(trx, productId, standardId, boundBy);
    const lots = await repo.lotsOfGtin(trx, product.gtin);
    if (lots.length > 0) await enqueueLotRefresh(trx, lots);
  });
  return standardForProduct(db, productId);
}

function invalidStandard(message: string): AppError {
  return new AppError('validation', message, { fields: [{ field: 'standardId', message }] });
}

// ---------------------------------------------------------------------------------------------------------------
// Lot scores kept current

export const REFRESH_LOTS_JOB_KIND = 'standards.refresh-lots';
const REFRESH_BATCH = 200;

/** Queues the re-scoring of lots (and the lots made from them) in the caller's transaction. */
export async function enqueueLotRefresh(trx: Kysely<DB> | Transaction<DB>, lots: readonly string[]): Promise<void> {
  const unique = [...new Set(lots)].sort();
  for (let i = 0; i < unique.length; i += REFRESH_BATCH) {
    await enqueueJob(trx, REFRESH_LOTS_JOB_KIND, { lots: unique.slice(i, i + REFRESH_BATCH) }, { maxAttempts: 5 });
  }
}

/** The class-level lot identifiers (GTIN + lot) an event names. */
export function lotsOfEvent(event: EpcisEvent): string[] {
  return indexEpcs(event as unknown as Record<string, unknown>)
    .filter((e) => e.gtin !== null && e.lot !== null && e.serial === null)
    .map((e) => e.epc);
}

export interface RefreshOutcome {
  readonly evaluated: number;
  /** Lots without a registered product, or whose product has no standard. */
  readonly skipped: number;
}

/**
 * Scores lots against their products' standards from their current history (as the product's organisation sees
 * it) and saves each as the lot's current compliance. Running it twice gives the same rows: a job may repeat it.
 */
export async function refreshLotCompliance(
  db: Kysely<DB> | Transaction<DB>,
  lots: readonly string[],
  run: (work: (trx: Transaction<DB>) => Promise<void>) => Promise<void>,
): Promise<RefreshOutcome> {
  const gtinOf = new Map(lots.map((l) => [l, identifierKeyParts(l).gtin]));
  const products = await repo.productsByGtin(
    db,
    [...gtinOf.values()].filter((g): g is string => g !== null),
  );
  const standards = await resolveStandards(db, [...products.values()]);
  const work: {
    lot: string;
    product: repo.ProductRef;
    standard: ProductStandard;
    history: repo.HistoryEvent[];
  }[] = [];
  for (const lot of lots) {
    const gtin = gtinOf.get(lot);
    const product = gtin ? products.get(gtin) : undefined;
    const standard = product ? standards.get(product.id) : undefined;
    if (!product || !standard) continue;
    work.push({ lot, product, standard, history: await repo.lotHistory(db, lot, product.organisationId) });
  }
  const events = work.flatMap((w) => w.history.map((h) => h.document as unknown as EpcisEvent));
  const master = await masterDataFor(db, events);
  await run(async (trx) => {
    for (const w of work) {
      const result = evaluate(
        w.standard.profile,
        w.history.map((h) => h.document as unknown as EpcisEvent),
        master,
        w.history.map((h): LotRole => (h.self ? 'self' : 'input')),
      );
      await repo.saveLotCompliance(trx, {
        lot: w.lot,
        gtin: w.product.gtin,
        productId: w.product.id,
        organisationId: w.product.organisationId,
        standardId: w.standard.standardId,
        result,
        eventIds: w.history.map((h) => h.eventId),
      });
    }
  });
  return { evaluated: work.length, skipped: lots.length - work.length };
}

/** The worker's handler: re-scores the lots of the payload and the lots made from them, in one transaction. */
export async function processLotRefreshJob(payload: unknown, context: JobContext): Promise<void> {
  const lots = (payload as { lots?: unknown }).lots;
  const given = Array.isArray(lots) ? lots.filter((l): l is string => typeof l === 'string') : [];
  const all = await repo.withDownstreamLots(context.db, given);
  await refreshLotCompliance(context.db, all, (work) =>
    context.db.transaction().execute(async (trx) => {
      await work(trx);
      await context.complete(trx);
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Capture: per-event checks, warnings in the job, an optional refusal

export type StandardsBehaviour = 'warn' | 'reject';

export interface CaptureWarning {
  /** Index of the event in the captured document. */
  readonly eventIndex: number;
  readonly eventID: string | null;
  readonly gtin: string;
  readonly standardId: string;
  readonly cte: string;
  readonly code: ComplianceFinding['code'];
  readonly severity: ComplianceFinding['severity'];
  readonly field: string | null;
  readonly message: string;
  readonly messageKey: string;
}

/** The products an event is about: a transformation's outputs, else every identifier it names but its inputs. */
function subjectGtins(event: EpcisEvent): string[] {
  const rows: IndexedEpc[] = indexEpcs(event);
  const wanted =
    event.type === 'TransformationEvent'
      ? rows.filter((r) => r.role === 'output' || r.role === 'output_quantity')
      : rows.filter((r) => r.role !== 'input' && r.role !== 'input_quantity');
  return [...new Set(wanted.map((r) => r.gtin).filter((g): g is string => g !== null))];
}

/**
 * Checks each event of a capture on its own against the standard of the products it is about (key data elements
 * and values; the lot's history is scored later by the refresh job). `documentIndexes[i]` is event i's position in
 * the captured document.
 */
export async function checkCapturedEvents(
  db: Kysely<DB> | Transaction<DB>,
  events: readonly EpcisEvent[],
  documentIndexes: readonly number[],
): Promise<CaptureWarning[]> {
  const gtinsByEvent = events.map(subjectGtins);
  const products = await repo.productsByGtin(db, gtinsByEvent.flat());
  if (products.size === 0) return [];
  const standards = await resolveStandards(db, [...products.values()]);
  const master = await masterDataFor(db, events);
  const warnings: CaptureWarning[] = [];
  events.forEach((event, i) => {
    const index = documentIndexes[i] ?? i;
    const seen = new Set<string>();
    for (const gtin of gtinsByEvent[i]!) {
      const product = products.get(gtin);
      const standard = product ? standards.get(product.id) : undefined;
      if (!standard || seen.has(standard.standardId)) continue;
      seen.add(standard.standardId);
      const { cte, findings } = checkEvent(standard.profile, event, index, master, 'self');
      if (cte === null) continue;
      for (const f of findings) {
        warnings.push({
          eventIndex: index,
          eventID: typeof event.eventID === 'string' && event.eventID !== '' ? event.eventID : null,
          gtin,
          standardId: standard.standardId,
          cte: f.cte,
          code: f.code,
          severity: f.severity,
          field: f.field,
          message: t('en', f.messageKey, { ...stringParams(f.details), field: f.field ?? '' }),
          messageKey: f.messageKey,
        });
      }
    }
  });
  return warnings;
}

function stringParams(details: ComplianceFinding['details']): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(details)) if (v !== null) out[k] = v;
  return out;
}

/**
 * The refusal a capture asked for with `reject`: a problem document naming, for every event lacking a key data
 * element its standard requires, the event, the field and the rule (standard version and CTE).
 */
export function rejection(warnings: readonly CaptureWarning[]): AppError | null {
  const missing = warnings.filter((w) => w.code === 'missing_kde' && w.severity === 'error');
  if (missing.length === 0) return null;
  const first = missing[0]!;
  return new AppError(
    'validation',
    `Event ${first.eventIndex} lacks ${first.field}, required by ${first.standardId} (CTE ${first.cte}); nothing was captured`,
    {
      problemType: 'epcisException:ValidationException',
      fields: missing.slice(0, 100).map((w) => ({
        field: `eventList/${w.eventIndex}/${w.field}`,
        message: `required by ${w.standardId}, CTE ${w.cte}`,
        messageKey: 'compliance.capture.required',
      })),
      details: {
        standardsViolations: missing.slice(0, 100).map((w) => ({
          eventIndex: w.eventIndex,
          eventID: w.eventID,
          field: w.field,
          standardId: w.standardId,
          cte: w.cte,
          rule: 'missing_kde',
        })),
      },
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Reading scores and reports, with the caller's visibility

/** The organisation whose lots the caller may read: its own; the province any (undefined: all). */
function scopeOf(caller: Caller, organisation: string | undefined): string | undefined {
  requireAuthenticated(caller);
  if (seesEverything(caller)) return organisation;
  const own = callerOrganisation(caller);
  if (own === undefined) throw new AppError('forbidden', 'Compliance belongs to organisations');
  if (organisation !== undefined && organisation !== own) throw notFound('Organisation');
  return own;
}

export interface LotComplianceView {
  readonly lot: string;
  readonly gtin: string;
  readonly productId: string;
  readonly productName: string;
  readonly productGroup: string;
  readonly organisationId: string;
  readonly standardId: string;
  readonly profileId: string;
  readonly version: number;
  readonly score: number;
  readonly errors: number;
  readonly warnings: number;
  readonly findings: ComplianceFinding[];
  readonly eventCount: number;
  readonly evaluatedAt: Date;
}

export interface LotQuery {
  readonly organisation?: string | undefined;
  readonly product?: string | undefined;
  readonly productGroup?: string | undefined;
  readonly standard?: string | undefined;
  readonly maxScore?: number | undefined;
  readonly limit: number;
  readonly offset: number;
}

/** Current lot scores, lowest first: an organisation sees its own lots, the province every lot. */
export async function listLotCompliance(
  db: Kysely<DB>,
  caller: Caller,
  q: LotQuery,
): Promise<{ items: LotComplianceView[]; total: number }> {
  const organisationId = scopeOf(caller, q.organisation);
  const page = await repo.listLotCompliance(db, {
    organisationId,
    productId: q.product,
    productGroup: q.productGroup,
    standardId: q.standard,
    maxScore: q.maxScore,
    limit: q.limit,
    offset: q.offset,
  });
  return {
    total: page.total,
    items: page.items.map((r) => ({
      lot: r.lot,
      gtin: r.gtin,
      productId: r.product_id,
      productName: r.product_name,
      productGroup: r.group_code,
      organisationId: r.organisation_id,
      standardId: r.standard_id,
      profileId: r.profile_id,
      version: r.version,
      score: r.score,
      errors: r.errors,
      warnings: r.warnings,
      findings: r.findings as ComplianceFinding[],
      eventCount: r.event_count,
      evaluatedAt: r.evaluated_at,
    })),
  };
}

export interface ComplianceReport {
  readonly organisation: string | null;
  readonly productGroup: string | null;
  readonly lots: number;
  /** Mean score, one decimal; null without lots. */
  readonly averageScore: number | null;
  readonly lotsWithoutErrors: number;
  /** Lots per score band: `0–9`, `10–19` … `90–100`. */
  readonly distribution: { band: string; lots: number }[];
  readonly byStandard: { standardId: string; lots: number; averageScore: number }[];
  /** The gaps found in most lots. */
  readonly commonGaps: {
    code: string;
    cte: string;
    field: string | null;
    severity: string;
    lots: number;
    share: number;
  }[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The compliance report of an organisation's lots, or of a product group's (within what the caller may see). */
export async function complianceReport(
  db: Kysely<DB>,
  caller: Caller,
  q: { organisation?: string | undefined; productGroup?: string | undefined },
): Promise<ComplianceReport> {
  if (q.organisation === undefined && q.productGroup === undefined)
    throw new AppError('validation', 'Give an organisation or a product group', {
      fields: [{ field: 'organisation', message: 'or productGroup' }],
    });
  const organisationId = scopeOf(caller, q.organisation);
  const agg = await repo.complianceAggregate(db, { organisationId, productGroup: q.productGroup });
  const byBucket = new Map(agg.buckets.map((b) => [b.bucket, b.lots]));
  return {
    organisation: q.organisation ?? null,
    productGroup: q.productGroup ?? null,
    lots: agg.lots,
    averageScore: agg.average === null ? null : round1(agg.average),
    lotsWithoutErrors: agg.errorsFree,
    distribution: Array.from({ length: 10 }, (_, b) => ({
      band: b === 9 ? '90–100' : `${b * 10}–${b * 10 + 9}`,
      lots: byBucket.get(b) ?? 0,
    })),
    byStandard: agg.standards.map((s) => ({
      standardId: s.standard_id,
      lots: s.lots,
      averageScore: round1(s.average),
    })),
    commonGaps: agg.gaps.map((g) => ({
      ...g,
      share: agg.lots === 0 ? 0 : Math.round((1000 * g.lots) / agg.lots) / 1000,
    })),
  };
}
