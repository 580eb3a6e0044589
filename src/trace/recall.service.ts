import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { asSystem } from '../db/scope.ts';
import { inTransaction } from '../db/transaction.ts';
import { identifierKeyParts } from '../epcis/event-index.ts';
import {
  callerOrganisation,
  hasPermission,
  requirePermission,
  seesEverything,
  SYSTEM,
  type Caller,
} from '../shared/caller.ts';
import { notify } from '../notifications/index.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { t } from '../shared/messages.ts';
import { sheetsOf, type LotExport } from './export.service.ts';
import { checkActionQuantity, type RecallActionKind } from './recall-actions.ts';
import {
  insertRecallAction,
  insertRecallLots,
  listRecallActions,
  lockRecall,
  type RecallActionRow,
} from './recall.repository.ts';
import { traceBackward, traceForward, type TraceNode } from './trace.service.ts';
import { recordAudit } from '../audit/index.ts';

/**
 * Recalls: open one for one or more lots with a reason and a severity; the impact is the forward trace of every lot
 * over the whole province (what the recall must reach does not depend on what the opener may see): every downstream
 * lot with the quantities recorded for it, every organisation and location. Each affected organisation
 * acknowledges; the opener (or the province) closes. A mock recall runs the same way and is marked as such.
 */

export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type RecallSeverity = (typeof SEVERITIES)[number];

export interface RecallImpactLot {
  readonly identifier: string;
  readonly depth: number;
  readonly productName: string | null;
  readonly organisations: { id: string; name: string }[];
  /** Quantities recorded as made or received, per unit. */
  readonly quantities: { quantity: number; uom: string }[];
}

export interface RecallImpact {
  readonly lots: RecallImpactLot[];
  readonly organisations: { id: string; name: string }[];
  readonly locations: string[];
}

export interface RecallView {
  readonly id: string;
  readonly organisationId: string | null;
  readonly reason: string;
  readonly severity: string;
  readonly status: string;
  readonly mock: boolean;
  readonly lots: string[];
  readonly openedAt: string;
  readonly closedAt: string | null;
  /**
   * The full impact for the province. Another opener sees every organisation reached (they are the ones to tell)
   * but only the lots it holds itself; an affected organisation sees its own lots and acknowledgement.
   */
  readonly impact: RecallImpact;
  readonly acknowledgements: { organisationId: string; acknowledgedAt: string | null; note: string | null }[];
  /** What the affected organisations did with the lots they hold (the same visibility as acknowledgements). */
  readonly actions: RecallActionView[];
  /** The stopwatch: when each step was reached and how long it took (a mock recall and a real one alike). */
  readonly timings: RecallTimings;
}

export interface RecallActionView {
  readonly id: string;
  readonly organisationId: string;
  readonly organisationName: string;
  readonly lot: string;
  readonly productName: string | null;
  readonly action: RecallActionKind;
  readonly quantity: number;
  readonly uom: string;
  readonly note: string | null;
  readonly recordedAt: string;
}

/** The steps of a recall's workflow, in order. */
export const RECALL_STEPS = ['opened', 'impact_computed', 'spreadsheet_produced', 'acknowledged', 'closed'] as const;
export type RecallStep = (typeof RECALL_STEPS)[number];

export interface RecallTimings {
  /** Every step, reached or not; `durationMs` is the time since the step before it that was reached. */
  readonly steps: { step: RecallStep; at: string | null; durationMs: number | null }[];
  /** From opened to closed, or to the last step reached while the recall is open. */
  readonly totalMs: number;
  readonly complete: boolean;
}

/** The stopwatch over the recorded step times (pure). */
export function recallTimings(reached: ReadonlyMap<string, Date>): RecallTimings {
  let previous: Date | undefined;
  let last: Date | undefined;
  const opened = reached.get('opened');
  const steps = RECALL_STEPS.map((step) => {
    const at = reached.get(step);
    if (!at) return { step, at: null, durationMs: null };
    const durationMs = previous ? Math.max(0, at.getTime() - previous.getTime()) : 0;
    previous = at;
    if (!last || at > last) last = at;
    return { step, at: at.toISOString(), durationMs };
  });
  return {
    steps,
    totalMs: opened && last ? Math.max(0, last.getTime() - opened.getTime()) : 0,
    complete: RECALL_STEPS.every((s) => reached.has(s)),
  };
}

async function recordStep(db: Kysely<DB>, id: string, step: RecallStep, at: Date = new Date()): Promise<void> {
  await db
    .insertInto('recall_step')
    .values({ recall_id: id, step, at })
    .onConflict((oc) => oc.columns(['recall_id', 'step']).doNothing())
    .execute();
}

function quantitiesOf(node: TraceNode): { quantity: number; uom: string }[] {
  const byUnit = new Map<string, number>();
  for (const e of node.events ?? []) {
    const made = e.role === 'output_quantity' || (e.role === 'quantity' && e.action === 'ADD');
    if (!made || e.quantity === null) continue;
    const uom = e.uom ?? 'H87';
    byUnit.set(uom, (byUnit.get(uom) ?? 0) + e.quantity);
  }
  return [...byUnit].map(([uom, quantity]) => ({ quantity, uom }));
}

/** The impact of recalling these lots: the union of their forward traces, seen by the system. */
export async function recallImpact(db: Kysely<DB>, lots: readonly string[]): Promise<RecallImpact> {
  const byLot = new Map<string, RecallImpactLot>();
  const organisations = new Map<string, { id: string; name: string }>();
  const locations = new Set<string>();
  for (const lot of lots) {
    // A recall reaches every organisation downstream, whoever opened it: the system's trace, past row-level security.
    const trace = await asSystem(() => traceForward(db, SYSTEM, lot));
    for (const node of trace.nodes) {
      if (node.opaque || !node.identifier) continue;
      const seen = byLot.get(node.identifier);
      if (seen && seen.depth <= node.depth) continue;
      byLot.set(node.identifier, {
        identifier: node.identifier,
        depth: node.depth,
        productName: node.productName ?? null,
        organisations: node.organisations ?? [],
        quantities: quantitiesOf(node),
      });
    }
    for (const o of trace.organisations) organisations.set(o.id, o);
    for (const l of trace.locations) locations.add(l);
  }
  return {
    lots: [...byLot.values()].sort((a, b) => a.depth - b.depth || a.identifier.localeCompare(b.identifier)),
    organisations: [...organisations.values()].sort((a, b) => a.name.localeCompare(b.name)),
    locations: [...locations].sort(),
  };
}

export interface OpenRecallInput {
  readonly lots: readonly string[];
  readonly reason: string;
  readonly severity: RecallSeverity;
  readonly mock?: boolean;
}

/**
 * Opens a recall. The province may recall any lot; an organisation (with `recall:manage`) lots it can trace back
 * to its own events — a lot no visible event mentions is refused as not found.
 */
export async function openRecall(db: Kysely<DB>, caller: Caller, input: OpenRecallInput): Promise<RecallView> {
  requirePermission(caller, 'recall:manage');
  const openedAt = new Date();
  const reason = input.reason.trim();
  if (reason === '')
    throw new AppError('validation', 'Give a reason', { fields: [{ field: 'reason', message: 'required' }] });
  if (input.lots.length === 0)
    throw new AppError('validation', 'Give at least one lot', { fields: [{ field: 'lots', message: 'required' }] });
  const lots = [...new Set(input.lots)];
  // The opener must see each lot (404 otherwise): the same check as a trace.
  for (const lot of lots) await traceBackward(db, caller, lot, { maxDepth: 1 });
  const impact = await recallImpact(db, lots);
  const impactAt = new Date();
  const id = randomUUID();
  const opener = callerOrganisation(caller) ?? null;
  const write = async (trx: Transaction<DB>) => {
    await trx
      .insertInto('recall')
      .values({
        id,
        organisation_id: opener,
        opened_by:
          caller.kind === 'user'
            ? `user:${caller.userId}`
            : caller.kind === 'apiKey'
              ? `apiKey:${caller.apiKeyId}`
              : null,
        reason,
        severity: input.severity,
        mock: input.mock ?? false,
        lots,
        impact: JSON.stringify(impact),
        opened_at: openedAt,
      })
      .execute();
    const affected = new Set(impact.organisations.map((o) => o.id));
    if (affected.size > 0)
      await trx
        .insertInto('recall_organisation')
        .values([...affected].map((organisation_id) => ({ recall_id: id, organisation_id })))
        .execute();
    await trx
      .insertInto('recall_step')
      .values([
        { recall_id: id, step: 'opened', at: openedAt },
        { recall_id: id, step: 'impact_computed', at: impactAt },
        // Nobody to hear from: every affected organisation has acknowledged.
        ...(affected.size === 0 ? [{ recall_id: id, step: 'acknowledged', at: impactAt }] : []),
      ])
      .execute();
    await insertRecallLots(
      trx,
      id,
      lots,
      impact.lots.map((l) => l.identifier),
    );
    // A drill tells nobody: no notification, e-mail or webhook for a mock recall.
    if (!(input.mock ?? false)) {
      const announce = recallAnnouncement(id, reason, input.severity, lots, impact);
      for (const organisationId of affected)
        if (organisationId !== opener) await notify(trx, { ...announce, organisationId });
      if (!seesEverything(caller)) await notify(trx, { ...announce, organisationId: null });
    }
    await recordAudit(trx, caller, {
      action: 'trace.recall.open',
      objectType: 'recall',
      objectId: id,
      organisationId: opener,
      change: { reason, severity: input.severity, mock: input.mock ?? false, lots },
      detail: { lots: lots.length, organisations: affected.size },
    });
  };
  // Within a caller's transaction (the demo loader) or in one of its own.
  await inTransaction(db, write);
  return getRecall(db, caller, id);
}

/** The recalled lots as people name them: product name, lot and GTIN. */
function lotNames(lots: readonly string[], impact: RecallImpact): string {
  return lots
    .map((l) => {
      const found = impact.lots.find((x) => x.identifier === l);
      const { gtin, lot } = identifierKeyParts(l);
      const code = gtin && lot ? `${lot} (GTIN ${gtin})` : l;
      return found?.productName ? `${found.productName} ${code}` : code;
    })
    .join(', ');
}

/** The notification of a real recall (the organisation is set per recipient). */
function recallAnnouncement(
  id: string,
  reason: string,
  severity: RecallSeverity,
  lots: readonly string[],
  impact: RecallImpact,
) {
  return {
    kind: 'recall.opened',
    titleKey: `trace.notification.recallOpened.${severity}`,
    params: { lots: lotNames(lots, impact).slice(0, 300), reason: reason.slice(0, 300) },
    link: `/app/recalls/${id}`,
    payload: { recallId: id, severity, lots: [...lots], reason },
  };
}

async function loadVisible(db: Kysely<DB>, caller: Caller, id: string) {
  if (caller.kind === 'anonymous') throw new AppError('unauthenticated', 'Sign in or present an API key');
  const recall = await db.selectFrom('recall').selectAll().where('id', '=', id).executeTakeFirst();
  if (!recall) throw notFound('Recall');
  const acks = await db.selectFrom('recall_organisation').selectAll().where('recall_id', '=', id).execute();
  const own = callerOrganisation(caller);
  const full = seesEverything(caller);
  const opener = own !== undefined && recall.organisation_id === own;
  const affected = own !== undefined && acks.some((a) => a.organisation_id === own);
  if (!full && !opener && !affected) throw notFound('Recall');
  return { recall, acks, full, opener, own };
}

async function timingsOf(db: Kysely<DB>, id: string, openedAt: Date): Promise<RecallTimings> {
  const rows = await db.selectFrom('recall_step').select(['step', 'at']).where('recall_id', '=', id).execute();
  const reached = new Map(rows.map((r) => [r.step, new Date(r.at)]));
  if (!reached.has('opened')) reached.set('opened', new Date(openedAt));
  return recallTimings(reached);
}

export async function getRecall(db: Kysely<DB>, caller: Caller, id: string): Promise<RecallView> {
  const { recall, acks, full, opener, own } = await loadVisible(db, caller, id);
  const impact = recall.impact as RecallImpact;
  const mine = (lot: RecallImpactLot) => lot.organisations.some((o) => o.id === own);
  return {
    id: recall.id,
    organisationId: recall.organisation_id,
    reason: recall.reason,
    severity: recall.severity,
    status: recall.status,
    mock: recall.mock,
    lots: recall.lots,
    openedAt: new Date(recall.opened_at).toISOString(),
    closedAt: recall.closed_at ? new Date(recall.closed_at).toISOString() : null,
    impact: full
      ? impact
      : {
          lots: impact.lots.filter(mine),
          organisations: opener ? impact.organisations : impact.organisations.filter((o) => o.id === own),
          locations: [],
        },
    acknowledgements: acks
      .filter((a) => full || opener || a.organisation_id === own)
      .map((a) => ({
        organisationId: a.organisation_id,
        acknowledgedAt: a.acknowledged_at ? new Date(a.acknowledged_at).toISOString() : null,
        note: a.note,
      })),
    actions: (await listRecallActions(db, recall.id))
      .filter((a) => full || opener || a.organisation_id === own)
      .map((a) => actionView(a, impact)),
    timings: await timingsOf(db, recall.id, recall.opened_at),
  };
}

function actionView(a: RecallActionRow, impact: RecallImpact): RecallActionView {
  return {
    id: a.id,
    organisationId: a.organisation_id,
    organisationName: a.organisation_name,
    lot: a.lot,
    productName: impact.lots.find((l) => l.identifier === a.lot)?.productName ?? null,
    action: a.action as RecallActionKind,
    quantity: Number(a.quantity),
    uom: a.uom,
    note: a.note,
    recordedAt: new Date(a.recorded_at).toISOString(),
  };
}

export interface RecallActionInput {
  /** The lot, in the canonical identifier form (as the impact lists it). */
  readonly lot: string;
  readonly action: RecallActionKind;
  readonly quantity: number;
  readonly uom: string;
  readonly note?: string | undefined;
}

const lotProblem = (key: string, params: Record<string, string | number> = {}) =>
  new AppError('validation', t('en', key, params), {
    fields: [{ field: 'lot', message: t('en', key, params), messageKey: key }],
  });

/**
 * An affected organisation records what it did with a lot of the impact it holds: quarantined, returned or
 * destroyed, with the quantity and unit. Each kind of action on a lot, over every holder, stays within the
 * quantity the impact records for the lot (see `recall-actions.ts`); a closed recall takes no action (409).
 */
export async function recordRecallAction(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  input: RecallActionInput,
): Promise<RecallView> {
  const { recall, acks, own } = await loadVisible(db, caller, id);
  if (!hasPermission(caller, 'recall:manage') && !hasPermission(caller, 'epcis:capture'))
    throw new AppError('forbidden', 'Missing permission recall:manage');
  if (own === undefined || !acks.some((a) => a.organisation_id === own))
    throw new AppError('forbidden', 'Only an affected organisation records actions on a recall');
  const uom = input.uom.trim().toUpperCase();
  if (!/^[A-Z0-9]{1,3}$/.test(uom))
    throw new AppError('validation', 'uom must be a UN/ECE Recommendation 20 unit code', {
      fields: [{ field: 'uom', message: 'a UN/ECE Rec 20 code such as KGM, LTR or H87' }],
    });
  if (!(input.quantity > 0) || !Number.isFinite(input.quantity))
    throw new AppError('validation', 'quantity must be positive', {
      fields: [{ field: 'quantity', message: 'a positive number' }],
    });
  const impact = recall.impact as RecallImpact;
  const lot = impact.lots.find((l) => l.identifier === input.lot);
  if (!lot) throw lotProblem('trace.action.notInImpact');
  if (!lot.organisations.some((o) => o.id === own))
    throw new AppError('forbidden', t('en', 'trace.action.notHolder'), {
      fields: [{ field: 'lot', message: t('en', 'trace.action.notHolder'), messageKey: 'trace.action.notHolder' }],
    });
  const write = async (trx: Transaction<DB>) => {
    // One action at a time per recall: the sum checked is the sum written.
    const locked = await lockRecall(trx, id);
    if (locked?.status === 'closed') throw new AppError('conflict', 'The recall is closed');
    const earlier = (await listRecallActions(trx, id))
      .filter((a) => a.lot === lot.identifier && a.action === input.action)
      .map((a) => ({ quantity: Number(a.quantity), uom: a.uom }));
    const check = checkActionQuantity(lot.quantities, earlier, { quantity: input.quantity, uom });
    if (!check.ok) {
      const key = check.problem === 'unit' ? 'trace.action.unit' : 'trace.action.exceeds';
      const params: Record<string, string | number> =
        check.problem === 'unit'
          ? { uom, recorded: check.recorded }
          : {
              action: t('en', `trace.action.${input.action}`),
              total: check.total,
              available: check.available,
              uom: check.unit,
            };
      throw new AppError('validation', t('en', key, params), {
        fields: [{ field: 'quantity', message: t('en', key, params), messageKey: key }],
        details: { recorded: lot.quantities },
      });
    }
    await insertRecallAction(trx, {
      id: randomUUID(),
      recall_id: id,
      organisation_id: own,
      lot: lot.identifier,
      action: input.action,
      quantity: input.quantity,
      uom,
      note: input.note?.trim() || null,
      recorded_by:
        caller.kind === 'user'
          ? `user:${caller.userId}`
          : caller.kind === 'apiKey'
            ? `apiKey:${caller.apiKeyId}`
            : null,
      recorded_at: new Date(),
    });
    await recordAudit(trx, caller, {
      action: 'trace.recall.action',
      objectType: 'recall',
      objectId: id,
      organisationId: own,
      change: input,
    });
  };
  if (db.isTransaction) await write(db as Transaction<DB>);
  else await db.transaction().execute(write);
  return getRecall(db, caller, id);
}

/** An affected organisation acknowledges the recall (again: the note is updated, the first time kept). */
export async function acknowledgeRecall(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  input: { note?: string | undefined } = {},
): Promise<RecallView> {
  const { recall, acks, own } = await loadVisible(db, caller, id);
  if (!hasPermission(caller, 'recall:manage') && !hasPermission(caller, 'epcis:capture'))
    throw new AppError('forbidden', 'Missing permission recall:manage');
  if (own === undefined || !acks.some((a) => a.organisation_id === own))
    throw new AppError('forbidden', 'Only an affected organisation acknowledges a recall');
  if (recall.status === 'closed') throw new AppError('conflict', 'The recall is closed');
  // The acknowledgement, the step it may complete and its audit entry commit together: a crash never leaves an
  // acknowledgement without its audit entry, or the last acknowledgement without the recall's `acknowledged` step.
  // The recall's row lock orders concurrent acknowledgements, so the last one sees the others and records the step.
  const write = async (trx: Transaction<DB>) => {
    await lockRecall(trx, id);
    await trx
      .updateTable('recall_organisation')
      .set((eb) => ({
        acknowledged_at: eb.fn.coalesce('acknowledged_at', eb.val(new Date())),
        acknowledged_by:
          caller.kind === 'user'
            ? `user:${caller.userId}`
            : caller.kind === 'apiKey'
              ? `apiKey:${caller.apiKeyId}`
              : null,
        note: input.note?.trim() || null,
      }))
      .where('recall_id', '=', id)
      .where('organisation_id', '=', own)
      .execute();
    const waiting = await trx
      .selectFrom('recall_organisation')
      .select('organisation_id')
      .where('recall_id', '=', id)
      .where('acknowledged_at', 'is', null)
      .executeTakeFirst();
    if (!waiting) await recordStep(trx, id, 'acknowledged');
    await recordAudit(trx, caller, {
      action: 'trace.recall.acknowledge',
      objectType: 'recall',
      objectId: id,
      organisationId: own,
    });
  };
  await inTransaction(db, write);
  return getRecall(db, caller, id);
}

/**
 * The opener or the province closes a recall. Every affected organisation but the opener (and the province, when a
 * business closed it) is told, as it was told of the opening; a drill tells nobody.
 */
export async function closeRecall(db: Kysely<DB>, caller: Caller, id: string): Promise<RecallView> {
  requirePermission(caller, 'recall:manage');
  const { recall, acks, full, opener } = await loadVisible(db, caller, id);
  if (!full && !opener)
    throw new AppError('forbidden', 'Only the organisation that opened the recall, or the province, closes it');
  if (recall.status === 'closed') throw new AppError('conflict', 'The recall is closed already');
  const closedAt = new Date();
  const write = async (trx: Transaction<DB>) => {
    const closed = await trx
      .updateTable('recall')
      .set({ status: 'closed', closed_at: closedAt })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(closed.numUpdatedRows) === 0) throw new AppError('conflict', 'The recall is closed already');
    await recordStep(trx, id, 'closed', closedAt);
    await recordAudit(trx, caller, {
      action: 'trace.recall.close',
      objectType: 'recall',
      objectId: id,
      organisationId: recall.organisation_id,
    });
    if (recall.mock) return;
    const announce = {
      kind: 'recall.closed',
      titleKey: 'trace.notification.recallClosed',
      params: {
        lots: lotNames(recall.lots, recall.impact as RecallImpact).slice(0, 300),
        reason: recall.reason.slice(0, 300),
      },
      link: `/app/recalls/${id}`,
      payload: { recallId: id, lots: [...recall.lots], closedAt: closedAt.toISOString() },
    };
    for (const a of acks)
      if (a.organisation_id !== recall.organisation_id)
        await notify(trx, { ...announce, organisationId: a.organisation_id });
    if (recall.organisation_id !== null) await notify(trx, { ...announce, organisationId: null });
  };
  // Within a caller's transaction (the demo loader) or in one of its own.
  await inTransaction(db, write);
  return getRecall(db, caller, id);
}

/**
 * Brings a recall's impact up to date with the events recorded since it was computed (a late shipment of a recalled
 * lot, a product made from it): the lots and organisations it now reaches are added — never removed — and the
 * organisations newly reached are told as the first ones were. Runs as a job after captures that touch a lot of an
 * open recall, and on demand; running it twice changes nothing. Returns how many lots and organisations were added.
 */
export async function extendRecallImpact(db: Kysely<DB>, id: string): Promise<{ lots: number; organisations: number }> {
  const before = await db.selectFrom('recall').selectAll().where('id', '=', id).executeTakeFirst();
  if (!before || before.status !== 'open') return { lots: 0, organisations: 0 };
  const impact = await recallImpact(db, before.lots);
  return db.transaction().execute(async (trx) => {
    // The row lock orders this against a close and against another extension of the same recall.
    const recall = await trx.selectFrom('recall').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!recall || recall.status !== 'open') return { lots: 0, organisations: 0 };
    const stored = recall.impact as RecallImpact;
    const knownLots = new Set(stored.lots.map((l) => l.identifier));
    const known = new Set(
      (await trx.selectFrom('recall_organisation').select('organisation_id').where('recall_id', '=', id).execute()).map(
        (r) => r.organisation_id,
      ),
    );
    const merged: RecallImpact = {
      lots: [...stored.lots, ...impact.lots.filter((l) => !knownLots.has(l.identifier))].sort(
        (a, b) => a.depth - b.depth || a.identifier.localeCompare(b.identifier),
      ),
      organisations: [
        ...stored.organisations,
        ...impact.organisations.filter((o) => !stored.organisations.some((s) => s.id === o.id)),
      ].sort((a, b) => a.name.localeCompare(b.name)),
      locations: [...new Set([...stored.locations, ...impact.locations])].sort(),
    };
    const addedLots = merged.lots.length - stored.lots.length;
    const reached = impact.organisations.map((o) => o.id).filter((o) => !known.has(o));
    if (addedLots === 0 && reached.length === 0 && merged.locations.length === stored.locations.length)
      return { lots: 0, organisations: 0 };
    await trx
      .updateTable('recall')
      .set({ impact: JSON.stringify(merged) })
      .where('id', '=', id)
      .execute();
    await insertRecallLots(
      trx,
      id,
      recall.lots,
      merged.lots.map((l) => l.identifier),
    );
    if (reached.length > 0) {
      await trx
        .insertInto('recall_organisation')
        .values(reached.map((organisation_id) => ({ recall_id: id, organisation_id })))
        .onConflict((oc) => oc.columns(['recall_id', 'organisation_id']).doNothing())
        .execute();
      if (!recall.mock) {
        const announce = recallAnnouncement(id, recall.reason, recall.severity as RecallSeverity, recall.lots, merged);
        for (const organisationId of reached)
          if (organisationId !== recall.organisation_id) await notify(trx, { ...announce, organisationId });
      }
    }
    return { lots: addedLots, organisations: reached.length };
  });
}

/** The opener or the province brings a recall's impact up to date now (see `extendRecallImpact`). */
export async function refreshRecallImpact(db: Kysely<DB>, caller: Caller, id: string): Promise<RecallView> {
  requirePermission(caller, 'recall:manage');
  const { recall, full, opener } = await loadVisible(db, caller, id);
  if (!full && !opener)
    throw new AppError(
      'forbidden',
      'Only the organisation that opened the recall, or the province, updates its impact',
    );
  if (recall.status === 'closed') throw new AppError('conflict', 'The recall is closed');
  await extendRecallImpact(db, id);
  return getRecall(db, caller, id);
}

/** Recalls the caller opened or is affected by (all of them for the province), newest first. */
export async function listRecalls(db: Kysely<DB>, caller: Caller, limit = 50): Promise<RecallView[]> {
  if (caller.kind === 'anonymous') throw new AppError('unauthenticated', 'Sign in or present an API key');
  const own = callerOrganisation(caller);
  let query = db.selectFrom('recall').select('id').orderBy('opened_at', 'desc').limit(limit);
  if (!seesEverything(caller)) {
    query = query.where((eb) =>
      eb.or([
        eb('organisation_id', '=', own ?? ''),
        eb(
          'id',
          'in',
          eb
            .selectFrom('recall_organisation')
            .select('recall_id')
            .where('organisation_id', '=', own ?? ''),
        ),
      ]),
    );
  }
  const ids = await query.execute();
  return Promise.all(ids.map((r) => getRecall(db, caller, r.id)));
}

/**
 * The FSMA 204-style spreadsheet of a recall: the backward and forward traces of its lots as the caller may see
 * them (the province and a recall's opener usually; an affected organisation sees its own part). The first one
 * produced stops the stopwatch's "spreadsheet produced" step.
 */
export async function recallSpreadsheet(db: Kysely<DB>, caller: Caller, id: string): Promise<LotExport> {
  const { recall } = await loadVisible(db, caller, id);
  const traces = [];
  for (const lot of recall.lots) {
    traces.push(await traceBackward(db, caller, lot).catch(notVisible));
    traces.push(await traceForward(db, caller, lot).catch(notVisible));
  }
  const sheets = await sheetsOf(
    db,
    traces.filter((t) => t !== null),
  );
  await recordStep(db, id, 'spreadsheet_produced');
  const { actions } = await getRecall(db, caller, id);
  return { root: recall.lots[0] ?? id, sheets, extraSheets: [actionsSheet(actions)] };
}

/** The recall's actions as a worksheet (English column names, like the FSMA sheets; action codes as stored). */
export function actionsSheet(actions: readonly RecallActionView[]) {
  return {
    name: 'recall actions',
    columns: [
      'Organisation',
      'Traceability Lot Code',
      'Lot identifier',
      'Product Description',
      'Action',
      'Quantity',
      'Unit of Measure',
      'Note',
      'Recorded (UTC)',
    ],
    rows: actions.map((a) => [
      a.organisationName,
      identifierKeyParts(a.lot).lot ?? a.lot,
      a.lot,
      a.productName,
      a.action,
      a.quantity,
      a.uom,
      a.note,
      a.recordedAt,
    ]),
  };
}

function notVisible(e: unknown): null {
  if (e instanceof AppError && e.code === 'not_found') return null;
  throw e;
}
