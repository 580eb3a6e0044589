import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { captureWithin } from '../epcis/capture.service.ts';
import { Gs1Error, normaliseGtin, validateAiValue } from '../identifiers/index.ts';
import { mayUseOrganisation } from '../registry/registry.access.ts';
import { listActiveDelegationsToProvider } from '../registry/identity.repository.ts';
import * as productRepo from '../registry/product.repository.ts';
import {
  callerOrganisation,
  requireAuthenticated,
  requirePermission,
  seesEverything,
  type Caller,
} from '../shared/caller.ts';
import { AppError, invalid, notFound } from '../shared/errors.ts';
import { t, type Locale } from '../shared/messages.ts';
import { labelSheetPdf, type LabelContent } from './label-sheet.ts';
import { isLabelLayoutId, LABEL_LAYOUTS, type LabelLayoutId } from './layouts.ts';
import * as repo from './labels.repository.ts';
import type { StampBatchState, StampState } from './labels.tables.ts';
import { describeRanges, resolveRange, toRanges, type SequenceRange } from './ranges.ts';
import { generateSerials } from './serial.ts';
import { toStampRecord, type StampRecord } from './stamp-lookup.service.ts';
import { stampsCsv } from './stamps-csv.ts';
import { verificationCode, verificationCodeHash } from './verification-code.ts';
import { recordAudit } from '../audit/index.ts';

/**
 * Serialized stamp batches: a business orders N stamps for one of its products, prints them (PDF label sheets or
 * a CSV for industrial printers), activates them to a lot at packing (whole batch or by ranges of sequence
 * numbers) and voids the ones it spoils. Stamps go issued → activated → scanned (the resolver counts scans), or
 * void. The owner organisation (and the solution providers it delegated `stamps:manage` to) manage a batch; the
 * province reads every batch; anyone else is told the batch does not exist.
 */

export const MAX_BATCH_QUANTITY = 100_000;

export interface StampBatchView {
  readonly id: string;
  readonly organisationId: string;
  readonly productId: string;
  readonly productName: string;
  readonly gtin: string;
  readonly lot: string | null;
  readonly quantity: number;
  readonly layout: LabelLayoutId;
  readonly withVerificationCode: boolean;
  readonly state: StampBatchState;
  readonly counts: Record<StampState, number>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface StampView extends StampRecord {
  readonly sequence: number;
  readonly uri: string;
}

export const digitalLinkOf = (publicUrl: string, gtin: string, serial: string): string =>
  `${publicUrl}/01/${gtin}/21/${serial}`;

/** Stamps are created and changed by their own organisation or a provider it delegated `stamps:manage` to. */
async function requireManageable(db: Kysely<DB>, caller: Caller, organisationId: string, what: string) {
  requireAuthenticated(caller);
  const own = callerOrganisation(caller);
  if (caller.kind === 'system' || own === organisationId) {
    requirePermission(caller, 'stamps:manage');
    return;
  }
  if (seesEverything(caller)) throw new AppError('forbidden', 'Only the owner organisation manages its stamps');
  if (!(await mayUseOrganisation(db, caller, organisationId, 'stamps:manage'))) throw notFound(what);
  requirePermission(caller, 'stamps:manage');
}

/**
 * The files that print stamps (PDF, CSV) carry the scratch-off codes, which must stay secret until scratched: only
 * the managers get them; the province, which may read the batch, is refused (403), anyone else gets 404.
 */
async function requirePrintableBatch(db: Kysely<DB>, caller: Caller, batch: repo.StampBatchRow | undefined) {
  requireAuthenticated(caller);
  if (batch === undefined) throw notFound('Stamp batch');
  await requireManageable(db, caller, batch.organisation_id, 'Stamp batch');
  return batch;
}

/** Read access: the managers above and the province; anyone else gets 404. */
async function requireReadableBatch(db: Kysely<DB>, caller: Caller, batch: repo.StampBatchRow | undefined) {
  requireAuthenticated(caller);
  if (batch === undefined) throw notFound('Stamp batch');
  if (seesEverything(caller)) return batch;
  await requireManageable(db, caller, batch.organisation_id, 'Stamp batch');
  return batch;
}

function checkLot(lot: string, field: string): void {
  try {
    validateAiValue('10', lot);
  } catch {
    throw invalid(field, `"${lot}" is not a valid GS1 lot number (AI 10)`, 'labels.error.lot');
  }
}

async function viewOf(db: Kysely<DB>, rows: readonly repo.StampBatchRow[]): Promise<StampBatchView[]> {
  const counts = await repo.countsByState(
    db,
    rows.map((r) => r.id),
  );
  const names = new Map<string, string>();
  for (const r of rows) {
    if (!names.has(r.product_id))
      names.set(r.product_id, (await productRepo.findProduct(db, r.product_id))?.name ?? '');
  }
  return rows.map((r) => ({
    id: r.id,
    organisationId: r.organisation_id,
    productId: r.product_id,
    productName: names.get(r.product_id) ?? '',
    gtin: r.gtin,
    lot: r.lot,
    quantity: r.quantity,
    layout: isLabelLayoutId(r.layout) ? r.layout : 'a4-21',
    withVerificationCode: r.with_verification_code,
    state: r.state,
    counts: counts.get(r.id)!,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export interface OrderStampBatchInput {
  readonly productId: string;
  readonly quantity: number;
  readonly lot?: string | undefined;
  readonly layout?: string | undefined;
  readonly withVerificationCode?: boolean | undefined;
}

/** Orders a batch: N fresh serials (unique per GTIN) issued in one transaction, with scratch-off codes if asked. */
export async function orderStampBatch(
  db: Kysely<DB>,
  caller: Caller,
  input: OrderStampBatchInput,
): Promise<StampBatchView> {
  requireAuthenticated(caller);
  const product = await productRepo.findProduct(db, input.productId);
  if (product === undefined) throw notFound('Product');
  await requireManageable(db, caller, product.organisation_id, 'Product');
  if (product.status === 'archived')
    throw new AppError('conflict', 'The product is archived', {
      fields: [{ field: 'productId', message: 'The product is archived', messageKey: 'labels.error.productArchived' }],
    });
  if (!/^\d{14}$/.test(product.gtin)) throw invalid('productId', 'The product has no GTIN-14', 'labels.error.gtin');
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > MAX_BATCH_QUANTITY)
    throw invalid('quantity', `Order between 1 and ${MAX_BATCH_QUANTITY} stamps`, 'labels.error.quantity');
  const layout = input.layout ?? 'a4-21';
  if (!isLabelLayoutId(layout)) throw invalid('layout', `Unknown layout ${layout}`, 'labels.error.layout');
  if (input.lot !== undefined) checkLot(input.lot, 'lot');
  const withCode = input.withVerificationCode ?? false;

  const id = randomUUID();
  await inTransaction(db, async (trx) => {
    await repo.insertBatch(trx, {
      id,
      organisation_id: product.organisation_id,
      product_id: product.id,
      gtin: product.gtin,
      lot: input.lot ?? null,
      quantity: input.quantity,
      layout,
      with_verification_code: withCode,
      state: 'issued',
      created_by: caller.kind === 'user' ? caller.userId : caller.kind === 'apiKey' ? caller.apiKeyId : null,
    });
    const secret = withCode ? await repo.labelSecret(trx) : undefined;
    // 65 random bits make a collision with an existing serial of the GTIN vanishingly rare; the unique key would
    // still refuse one, failing the whole order rather than printing a duplicate.
    const serials = generateSerials(input.quantity);
    await repo.insertStamps(
      trx,
      serials.map((serial, i) => ({
        batch_id: id,
        sequence: i + 1,
        organisation_id: product.organisation_id,
        gtin: product.gtin,
        serial,
        lot: null,
        state: 'issued' as const,
        verification_code_hash:
          secret === undefined
            ? null
            : verificationCodeHash(secret, product.gtin, serial, verificationCode(secret, product.gtin, serial)),
      })),
    );
    await recordAudit(trx, caller, {
      action: 'labels.batch.order',
      objectType: 'stamp_batch',
      objectId: id,
      organisationId: product.organisation_id,
      change: {
        productId: product.id,
        gtin: product.gtin,
        lot: input.lot ?? null,
        quantity: input.quantity,
        layout,
        serials,
      },
    });
  });
  return getStampBatch(db, caller, id);
}

export async function getStampBatch(db: Kysely<DB>, caller: Caller, id: string): Promise<StampBatchView> {
  const batch = await requireReadableBatch(db, caller, await repo.findBatch(db, id));
  return (await viewOf(db, [batch]))[0]!;
}

export async function listStampBatches(
  db: Kysely<DB>,
  caller: Caller,
  query: {
    productId?: string | undefined;
    lot?: string | undefined;
    state?: StampBatchState | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ items: StampBatchView[]; total: number }> {
  requireAuthenticated(caller);
  let organisations: string[] | 'all';
  if (seesEverything(caller)) organisations = 'all';
  else {
    requirePermission(caller, 'stamps:manage');
    const own = callerOrganisation(caller)!;
    organisations = [own];
    // Providers see the batches of the organisations that delegated stamps:manage to them.
    for (const d of await listActiveDelegationsToProvider(db, own, new Date()))
      if (d.permissions.includes('stamps:manage')) organisations.push(d.organisation_id);
  }
  const page = await repo.listBatches(db, { organisations, ...query });
  return { items: await viewOf(db, page.items), total: page.total };
}

export async function listStamps(
  db: Kysely<DB>,
  caller: Caller,
  publicUrl: string,
  batchId: string,
  query: {
    state?: StampState | undefined;
    from?: number | undefined;
    to?: number | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ items: StampView[]; total: number }> {
  const batch = await requireReadableBatch(db, caller, await repo.findBatch(db, batchId));
  const page = await repo.listStamps(db, batch.id, query);
  return {
    items: page.items.map((row) => ({
      ...toStampRecord(row),
      sequence: row.sequence,
      uri: digitalLinkOf(publicUrl, row.gtin, row.serial),
    })),
    total: page.total,
  };
}

export interface FoundStampView extends StampView {
  readonly batch: StampBatchView;
}

/**
 * One stamp by its GTIN (8, 12, 13 or 14 digits, check digit verified) and exact serial, as its QR code's Digital
 * Link carries them, with its batch: for the owner, the providers it delegated `stamps:manage` to, and the
 * province. The stamp is read by the unique key (gtin, serial) in the caller's own database scope, so row-level
 * security hides other organisations' stamps as well; anyone who may not see it is told it does not exist.
 */
export async function findStampBySerial(
  db: Kysely<DB>,
  caller: Caller,
  publicUrl: string,
  gtin: string,
  serial: string,
): Promise<FoundStampView> {
  requireAuthenticated(caller);
  let gtin14: string;
  try {
    gtin14 = normaliseGtin(gtin);
  } catch (e) {
    if (e instanceof Gs1Error)
      throw invalid('gtin', `"${gtin}" is not a valid GTIN: ${e.message}`, 'labels.error.lookupGtin');
    throw e;
  }
  if (serial.length === 0) throw invalid('serial', 'Give the serial of the stamp', 'labels.error.lookupSerial');
  const row = await repo.findStampByKey(db, gtin14, serial);
  if (row === undefined) throw notFound('Stamp');
  if (!seesEverything(caller)) await requireManageable(db, caller, row.organisation_id, 'Stamp');
  const batch = (await viewOf(db, [(await repo.findBatch(db, row.batch_id))!]))[0]!;
  return {
    ...toStampRecord(row),
    sequence: row.sequence,
    uri: digitalLinkOf(publicUrl, row.gtin, row.serial),
    batch,
  };
}

function rangeOf(batch: repo.StampBatchRow, from: number | undefined, to: number | undefined): SequenceRange {
  const range = resolveRange(batch.quantity, from, to);
  if (range === undefined)
    throw invalid('from', `The range must lie within 1–${batch.quantity} with from ≤ to`, 'labels.error.range');
  return range;
}

async function refreshBatchState(trx: Kysely<DB>, batch: repo.StampBatchRow): Promise<void> {
  const counts = (await repo.countsByState(trx, [batch.id])).get(batch.id)!;
  const live = counts.issued + counts.activated + counts.scanned;
  const bound = counts.activated + counts.scanned;
  const state: StampBatchState =
    live === 0 ? 'void' : bound === 0 ? 'issued' : counts.issued === 0 ? 'activated' : 'partly_activated';
  await repo.updateBatch(trx, batch.id, { state });
}

function conflictInRange(
  key: 'labels.error.voidInRange' | 'labels.error.otherLotInRange',
  rows: readonly { sequence: number; state: StampState; lot: string | null }[],
): AppError {
  const ranges = toRanges(rows.map((r) => r.sequence));
  const text = describeRanges(ranges);
  const what = key === 'labels.error.voidInRange' ? 'void stamps' : 'stamps activated to another lot';
  return new AppError('conflict', `The range contains ${what}: ${text}`, {
    // One error per blocking range, named in its field: `stamps/9-10`.
    fields: ranges.map((r) => ({ field: `stamps/${r.from}-${r.to}`, message: t('en', key), messageKey: key })),
    details: {
      conflictingRanges: ranges,
      ...(key === 'labels.error.otherLotInRange' ? { lots: [...new Set(rows.map((r) => r.lot))] } : {}),
    },
  });
}

/** EPCIS events carry at most this many stamps each (the capture limit is counted in events, not EPCs). */
const EPCS_PER_EVENT = 10_000;

/**
 * Records the commissioning of activated stamps as EPCIS 2.0 ObjectEvents (action ADD, CBV bizStep
 * `commissioning`, disposition `active`) with the serialized GTINs as Digital Links and the lot in the ILMD
 * (`cbvmda:lotNumber`, CBV 2.0 §8.3), owned by the batch's organisation, in the activation's transaction.
 */
async function recordCommissioning(
  trx: Transaction<DB>,
  batch: repo.StampBatchRow,
  serials: readonly string[],
  lot: string,
  at: Date,
): Promise<void> {
  const events = [];
  for (let i = 0; i < serials.length; i += EPCS_PER_EVENT) {
    events.push({
      type: 'ObjectEvent',
      eventTime: at.toISOString(),
      eventTimeZoneOffset: '+07:00',
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      epcList: serials.slice(i, i + EPCS_PER_EVENT).map((s) => `https://id.gs1.org/01/${batch.gtin}/21/${s}`),
      ilmd: { 'cbvmda:lotNumber': lot },
    });
  }
  if (events.length === 0) return;
  await captureWithin(
    trx,
    { kind: 'system', reason: 'stamp activation' },
    {
      body: JSON.stringify({
        '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        creationDate: at.toISOString(),
        epcisBody: { eventList: events },
      }),
      format: 'json',
      onBehalfOf: batch.organisation_id,
      channel: 'api',
    },
  );
}

/**
 * Activates the issued stamps of a range (the whole batch by default) to a lot, at packing. Void stamps in the
 * range, or stamps already activated to another lot, refuse the whole change with a problem naming their ranges;
 * stamps already activated to the same lot are left as they are (activating twice is harmless).
 */
export async function activateStamps(
  db: Kysely<DB>,
  caller: Caller,
  batchId: string,
  input: { lot?: string | undefined; from?: number | undefined; to?: number | undefined },
  options: { now?: Date; recordEvent?: boolean } = {},
): Promise<{ activated: number; batch: StampBatchView }> {
  const now = options.now ?? new Date();
  const found = await repo.findBatch(db, batchId);
  if (found === undefined) throw notFound('Stamp batch');
  await requireManageable(db, caller, found.organisation_id, 'Stamp batch');
  const lot = input.lot ?? found.lot ?? undefined;
  if (lot === undefined) throw invalid('lot', 'Name the lot the stamps are bound to', 'labels.error.lotRequired');
  checkLot(lot, 'lot');
  if (found.lot !== null && lot !== found.lot)
    throw invalid('lot', `The batch was ordered for lot ${found.lot}`, 'labels.error.lotMismatch');
  const range = rangeOf(found, input.from, input.to);
  const activated = await inTransaction(db, async (trx) => {
    const batch = (await repo.lockBatch(trx, batchId))!;
    const voided = await repo.stampsInRange(trx, batch.id, range.from, range.to, { states: ['void'] });
    if (voided.length > 0) throw conflictInRange('labels.error.voidInRange', voided);
    const elsewhere = await repo.stampsInRange(trx, batch.id, range.from, range.to, { otherLotThan: lot });
    if (elsewhere.length > 0) throw conflictInRange('labels.error.otherLotInRange', elsewhere);
    const serials = await repo.activateRange(trx, batch.id, range.from, range.to, lot, now);
    if (options.recordEvent ?? true) await recordCommissioning(trx, batch, serials, lot, now);
    await refreshBatchState(trx, batch);
    // Sending the same activation again changes nothing, and leaves no second audit entry (as no second event).
    if (serials.length > 0)
      await recordAudit(trx, caller, {
        action: 'labels.stamps.activate',
        objectType: 'stamp_batch',
        objectId: batch.id,
        organisationId: found.organisation_id,
        change: { lot, range, serials },
      });
    return serials.length;
  });
  return { activated, batch: await getStampBatch(db, caller, batchId) };
}

/** Voids the stamps of a range (the whole batch by default): spoiled prints, lost rolls. Void is final. */
export async function voidStamps(
  db: Kysely<DB>,
  caller: Caller,
  batchId: string,
  input: { from?: number | undefined; to?: number | undefined },
  now = new Date(),
): Promise<{ voided: number; batch: StampBatchView }> {
  const found = await repo.findBatch(db, batchId);
  if (found === undefined) throw notFound('Stamp batch');
  await requireManageable(db, caller, found.organisation_id, 'Stamp batch');
  const range = rangeOf(found, input.from, input.to);
  const voided = await inTransaction(db, async (trx) => {
    const batch = (await repo.lockBatch(trx, batchId))!;
    const n = await repo.voidRange(trx, batch.id, range.from, range.to, now);
    await refreshBatchState(trx, batch);
    await recordAudit(trx, caller, {
      action: 'labels.stamps.void',
      objectType: 'stamp_batch',
      objectId: batch.id,
      organisationId: found.organisation_id,
      change: { range, voided: n },
    });
    return n;
  });
  return { voided, batch: await getStampBatch(db, caller, batchId) };
}

const PRINT_CHUNK = 2000;

/** The stamps to print, chunk by chunk in sequence order: void stamps are never printed again. */
async function* printable(
  db: Kysely<DB>,
  batch: repo.StampBatchRow,
  range: SequenceRange,
  publicUrl: string,
): AsyncGenerator<(LabelContent & { sequence: number })[]> {
  const secret = batch.with_verification_code ? await repo.labelSecret(db) : undefined;
  for (let from = range.from; from <= range.to; from += PRINT_CHUNK) {
    const rows = await repo.stampsForPrint(db, batch.id, from, Math.min(range.to, from + PRINT_CHUNK - 1));
    yield rows
      .filter((r) => r.state !== 'void')
      .map((r) => ({
        sequence: r.sequence,
        serial: r.serial,
        uri: digitalLinkOf(publicUrl, batch.gtin, r.serial),
        lot: r.lot ?? batch.lot,
        verificationCode:
          secret !== undefined && r.verification_code_hash !== null
            ? verificationCode(secret, batch.gtin, r.serial)
            : null,
      }));
  }
}

export interface PrintQuery {
  readonly layout?: string | undefined;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
}

/** The batch's label sheets as a PDF stream (its own layout unless another is asked for). */
export async function stampLabelsPdf(
  db: Kysely<DB>,
  caller: Caller,
  publicUrl: string,
  batchId: string,
  query: PrintQuery,
  locale: Locale,
): Promise<{ filename: string; pdf: PDFKit.PDFDocument }> {
  const batch = await requirePrintableBatch(db, caller, await repo.findBatch(db, batchId));
  const layoutId = query.layout ?? batch.layout;
  if (!isLabelLayoutId(layoutId)) throw invalid('layout', `Unknown layout ${layoutId}`, 'labels.error.layout');
  const range = rangeOf(batch, query.from, query.to);
  const product = await productRepo.findProduct(db, batch.product_id);
  const productName = product?.name ?? batch.gtin;
  const pdf = labelSheetPdf({
    layout: LABEL_LAYOUTS[layoutId],
    productName,
    gtin: batch.gtin,
    title: t(locale, 'labels.sheet.title', { product: productName }),
    codeCaption: t(locale, 'labels.sheet.codeCaption'),
    labels: printable(db, batch, range, publicUrl),
  });
  return { filename: `stamps-${batch.id}-${layoutId}.pdf`, pdf };
}

/** The batch as CSV for industrial printers (see `stamps-csv.ts`). */
export async function stampsCsvFile(
  db: Kysely<DB>,
  caller: Caller,
  publicUrl: string,
  batchId: string,
  query: Omit<PrintQuery, 'layout'>,
): Promise<{ filename: string; csv: string }> {
  const batch = await requirePrintableBatch(db, caller, await repo.findBatch(db, batchId));
  const range = rangeOf(batch, query.from, query.to);
  const rows: (LabelContent & { sequence: number })[] = [];
  for await (const chunk of printable(db, batch, range, publicUrl)) rows.push(...chunk);
  return {
    filename: `stamps-${batch.id}.csv`,
    csv: stampsCsv(batch.gtin, rows, batch.with_verification_code),
  };
}
