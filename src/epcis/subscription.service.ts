import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { enqueueJob, type JobContext } from '../jobs/job.service.ts';
import { requirePermission, type Caller } from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import { queryResultsDocument, type EpcFormat } from './query-document.ts';
import { parseEventQuery, type EventQuery } from './query-params.ts';
import * as events from './query.repository.ts';
import { compileQuery, getNamedQuery, visibilityFor } from './query.service.ts';
import { compileSchedule, nextScheduledTime, SCHEDULE_FIELDS, ScheduleError, type QuerySchedule } from './schedule.ts';
import * as repo from './subscription.repository.ts';
import { checkDestination, DestinationError, postWebhook } from './webhook-delivery.ts';
import { webhookSignature } from './webhook-signature.ts';

/**
 * EPCIS 2.0 query subscriptions (§8.2.5 subscribe / REST binding `/queries/{queryName}/subscriptions`): a named
 * query's new results are POSTed to the subscriber's `dest` as EPCISQueryDocuments, either whenever matching
 * events are captured (`stream`) or at the times of a `schedule`. The worker delivers them from a per-subscription
 * cursor in commit order, signs each body (`GS1-Signature`), retries with backoff and logs every attempt; the cursor
 * moves only when the receiver answered 2xx, in the same transaction as the log entry. A subscription sees what its
 * creator's organisation may see.
 */

export const SUBSCRIPTION_DISPATCH_KIND = 'epcis.subscription.dispatch';
export const SUBSCRIPTION_DELIVER_KIND = 'epcis.subscription.deliver';
export const SUBSCRIPTION_SCHEDULE_KIND = 'epcis.subscription.schedule';

/** At most this many events per webhook POST; more go in further POSTs. */
export const DELIVERY_BATCH = 500;
/** Schedules are read in Vietnam time (UTC+07:00, no daylight saving). */
export const SCHEDULE_UTC_OFFSET_MINUTES = 7 * 60;
const DELIVERY_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 64 * 1024;
const LEASE_MS = 60_000;
/** Batches one delivery job sends before handing the rest to a fresh job (other subscriptions get their turn). */
const BATCHES_PER_JOB = 20;
const DELIVER_MAX_ATTEMPTS = 8;
const UNSETTLED_RETRY_MS = 1000;
const EPC_FORMATS: readonly EpcFormat[] = [
  'No_Preference',
  'Always_GS1_Digital_Link',
  'Always_EPC_URN',
  'Never_Translates',
];

/** `TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS=true` lets subscriptions reach private and loopback addresses (tests, labs). */
export function allowPrivateWebhooks(): boolean {
  return process.env.TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS === 'true';
}

export interface SubscriptionInput {
  readonly dest: string;
  readonly signatureToken: string | null;
  readonly reportIfEmpty: boolean;
  readonly stream: boolean;
  readonly schedule: QuerySchedule | null;
  readonly initialRecordTime: Date | null;
  readonly epcFormat: EpcFormat;
}

function subscriptionProblem(field: string, message: string, controls = false): AppError {
  return new AppError('validation', message, {
    problemType: controls ? 'epcisException:SubscriptionControlsException' : 'epcisException:ValidationException',
    fields: [{ field, message }],
  });
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads `initialRecordTime` (RFC 3339 date-time with an offset). */
export function parseInitialRecordTime(value: unknown, field = 'initialRecordTime'): Date | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))
    throw subscriptionProblem(field, `${field} must be a date-time with a time zone offset`, true);
  return new Date(value);
}

/** Reads a schedule object or the schedule query parameters; null when no field is present. */
export function parseSchedule(value: Record<string, unknown>, source: 'body' | 'query'): QuerySchedule | null {
  const present = SCHEDULE_FIELDS.filter((f) => value[f] !== undefined);
  if (present.length === 0) return source === 'query' ? null : parseScheduleFields({});
  return parseScheduleFields(value, source === 'body' ? 'schedule/' : '');
}

function parseScheduleFields(value: Record<string, unknown>, prefix = 'schedule/'): QuerySchedule {
  const unknown = Object.keys(value).filter((k) => !(SCHEDULE_FIELDS as readonly string[]).includes(k));
  if (prefix !== '' && unknown.length > 0)
    throw subscriptionProblem(`schedule/${unknown[0]}`, `Unknown schedule field ${unknown[0]}`, true);
  const schedule: Record<string, string> = {};
  for (const field of SCHEDULE_FIELDS) {
    const v = value[field];
    if (v === undefined) continue;
    if (typeof v === 'number' && Number.isInteger(v)) schedule[field] = String(v);
    else if (typeof v === 'string') schedule[field] = v;
    else throw subscriptionProblem(`${prefix}${field}`, `${field} must be a string`, true);
  }
  try {
    const compiled = compileSchedule(schedule);
    if (nextScheduledTime(compiled, new Date(), SCHEDULE_UTC_OFFSET_MINUTES) === null)
      throw new ScheduleError('schedule', 'The schedule never fires');
  } catch (e) {
    if (e instanceof ScheduleError)
      throw subscriptionProblem(e.field === 'schedule' ? 'schedule' : `${prefix}${e.field}`, e.message, true);
    throw e;
  }
  return schedule;
}

/** Validates a subscription body (REST binding AbstractQuerySubscription + stream or schedule). */
export function parseSubscriptionBody(body: unknown): SubscriptionInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw subscriptionProblem('body', 'The body must be a JSON object');
  const b = body as Record<string, unknown>;
  const known = ['dest', 'signatureToken', 'reportIfEmpty', 'stream', 'schedule', 'initialRecordTime', 'epcFormat'];
  const extra = Object.keys(b).find((k) => !known.includes(k));
  if (extra !== undefined) throw subscriptionProblem(extra, `Unknown property ${extra}`);
  if (typeof b.dest !== 'string' || b.dest === '') throw subscriptionProblem('dest', 'dest is required (a URL)');
  if (b.dest.length > 2000) throw subscriptionProblem('dest', 'dest is longer than 2000 characters');
  if (b.signatureToken !== undefined && (typeof b.signatureToken !== 'string' || b.signatureToken === ''))
    throw subscriptionProblem('signatureToken', 'signatureToken must be a non-empty string');
  if (typeof b.signatureToken === 'string' && b.signatureToken.length > 500)
    throw subscriptionProblem('signatureToken', 'signatureToken is longer than 500 characters');
  if (b.reportIfEmpty !== undefined && typeof b.reportIfEmpty !== 'boolean')
    throw subscriptionProblem('reportIfEmpty', 'reportIfEmpty must be true or false');
  if (b.stream !== undefined && typeof b.stream !== 'boolean')
    throw subscriptionProblem('stream', 'stream must be true or false');
  const stream = b.stream === true;
  const hasSchedule = b.schedule !== undefined && b.schedule !== null;
  if (stream === hasSchedule)
    throw subscriptionProblem(
      stream ? 'schedule' : 'stream',
      'Give either "stream": true or a "schedule", not both and not neither',
      true,
    );
  if (hasSchedule && (typeof b.schedule !== 'object' || Array.isArray(b.schedule)))
    throw subscriptionProblem('schedule', 'schedule must be an object', true);
  if (stream && b.reportIfEmpty === true)
    throw subscriptionProblem('reportIfEmpty', 'reportIfEmpty applies to scheduled subscriptions only', true);
  if (b.epcFormat !== undefined && !EPC_FORMATS.includes(b.epcFormat as EpcFormat))
    throw subscriptionProblem('epcFormat', `epcFormat must be one of ${EPC_FORMATS.join(', ')}`);
  return {
    dest: b.dest,
    signatureToken: typeof b.signatureToken === 'string' ? b.signatureToken : null,
    reportIfEmpty: b.reportIfEmpty === true,
    stream,
    schedule: hasSchedule ? parseSchedule(b.schedule as Record<string, unknown>, 'body') : null,
    initialRecordTime: parseInitialRecordTime(b.initialRecordTime),
    epcFormat: (b.epcFormat as EpcFormat | undefined) ?? 'No_Preference',
  };
}

function organisationOf(caller: Caller): string {
  if (caller.kind === 'user' || caller.kind === 'apiKey') return caller.organisationId;
  throw new AppError('unauthenticated', 'Subscriptions belong to an organisation');
}

function createdBy(caller: Caller): string | null {
  return caller.kind === 'user'
    ? `user:${caller.userId}`
    : caller.kind === 'apiKey'
      ? `apiKey:${caller.apiKeyId}`
      : null;
}

function noSuchSubscription(id: string): AppError {
  return new AppError('not_found', `No subscription ${id} on this query`, {
    problemType: 'epcisException:NoSuchSubscriptionException',
  });
}

export interface DeliveryView {
  readonly attemptedAt: string;
  readonly trigger: string;
  readonly attempt: number;
  readonly eventCount: number;
  readonly delivered: boolean;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/** A subscription as the REST binding answers it (AbstractQuerySubscriptionResponse); never the signature token. */
export interface SubscriptionView {
  readonly subscriptionID: string;
  readonly queryName: string;
  readonly dest: string;
  readonly createdAt: string;
  readonly initialRecordTime: string;
  /** The binding's minRecordTime: initialRecordTime, then the time of the last accepted delivery. */
  readonly minRecordTime: string;
  readonly epcFormat: string;
  readonly signed: boolean;
  readonly stream?: true;
  readonly schedule?: Record<string, string>;
  readonly reportIfEmpty?: boolean;
  readonly lastNotifiedAt?: string;
  readonly nextRunAt?: string;
  readonly status: { readonly failureCount: number; readonly lastAttemptAt?: string };
  readonly deliveries?: readonly DeliveryView[];
}

function toView(row: repo.SubscriptionRow, deliveries?: readonly repo.DeliveryRow[]): SubscriptionView {
  return {
    subscriptionID: row.id,
    queryName: row.query_name,
    dest: row.dest,
    createdAt: row.created_at.toISOString(),
    initialRecordTime: row.initial_record_time.toISOString(),
    minRecordTime: (row.last_notified_at ?? row.initial_record_time).toISOString(),
    epcFormat: row.epc_format,
    signed: row.signature_token !== null,
    ...(row.stream ? { stream: true as const } : { schedule: row.schedule ?? {}, reportIfEmpty: row.report_if_empty }),
    ...(row.last_notified_at ? { lastNotifiedAt: row.last_notified_at.toISOString() } : {}),
    ...(row.next_run_at ? { nextRunAt: row.next_run_at.toISOString() } : {}),
    status: {
      failureCount: row.failure_count,
      ...(row.last_attempt_at ? { lastAttemptAt: row.last_attempt_at.toISOString() } : {}),
    },
    ...(deliveries
      ? {
          deliveries: deliveries.map((d) => ({
            attemptedAt: d.attempted_at.toISOString(),
            trigger: d.trigger,
            attempt: d.attempt,
            eventCount: d.event_count,
            delivered: d.delivered,
            statusCode: d.status_code,
            error: d.error,
            durationMs: d.duration_ms,
          })),
        }
      : {}),
  };
}

function scheduleDedupeKey(subscriptionId: string, at: Date): string {
  return `${SUBSCRIPTION_SCHEDULE_KIND}:${subscriptionId}:${at.toISOString()}`;
}

/** Subscribes to a named query of the caller's organisation; checks the destination against SSRF. */
export async function createSubscription(
  db: Kysely<DB>,
  caller: Caller,
  queryName: string,
  body: unknown,
): Promise<SubscriptionView> {
  requirePermission(caller, 'epcis:query');
  const organisationId = organisationOf(caller);
  await getNamedQuery(db, caller, queryName);
  const visibility = await visibilityFor(db, caller);
  const input = parseSubscriptionBody(body);
  try {
    await checkDestination(input.dest, allowPrivateWebhooks());
  } catch (e) {
    if (e instanceof DestinationError) throw subscriptionProblem('dest', e.message);
    throw e;
  }
  const id = randomUUID();
  // Without initialRecordTime only new events count: start past everything readable now.
  const start = input.initialRecordTime ? null : settledCursor(await events.deliveryHorizon(db));
  const row = await db.transaction().execute(async (trx) => {
    const inserted = await repo.insertSubscription(trx, {
      id,
      organisation_id: organisationId,
      query_name: queryName,
      sees_organisation_id: visibility.organisationId,
      dest: input.dest,
      signature_token: input.signatureToken,
      stream: input.stream,
      schedule: input.schedule as Record<string, string> | null,
      report_if_empty: input.reportIfEmpty,
      epc_format: input.epcFormat,
      initial_record_time: input.initialRecordTime,
      cursor: start,
      created_by: createdBy(caller),
    });
    if (input.schedule) {
      const first = nextScheduledTime(compileSchedule(input.schedule), new Date(), SCHEDULE_UTC_OFFSET_MINUTES);
      if (first) {
        await repo.advanceSchedule(trx, id, null, first);
        await enqueueJob(
          trx,
          SUBSCRIPTION_SCHEDULE_KIND,
          { subscriptionId: id, at: first.toISOString() },
          { runAfter: first, dedupeKey: scheduleDedupeKey(id, first), maxAttempts: DELIVER_MAX_ATTEMPTS },
        );
        return { ...inserted, next_run_at: first };
      }
    } else {
      // Events recorded since initialRecordTime (in the past) go out at once.
      await enqueueJob(
        trx,
        SUBSCRIPTION_DELIVER_KIND,
        { subscriptionId: id, trigger: 'stream' },
        { maxAttempts: DELIVER_MAX_ATTEMPTS },
      );
    }
    return inserted;
  });
  return toView(row);
}

async function ownSubscription(
  db: Kysely<DB>,
  caller: Caller,
  queryName: string,
  id: string,
): Promise<repo.SubscriptionRow> {
  requirePermission(caller, 'epcis:query');
  const organisationId = organisationOf(caller);
  const row = await repo.findSubscription(db, id);
  if (!row || row.organisation_id !== organisationId || row.query_name !== queryName) throw noSuchSubscription(id);
  return row;
}

/** The subscriptions on a named query of the caller's organisation, in pages (`after` = last id of the previous). */
export async function listSubscriptions(
  db: Kysely<DB>,
  caller: Caller,
  queryName: string,
  page: { perPage?: number; after?: string } = {},
): Promise<{ subscriptions: SubscriptionView[]; next: string | null }> {
  requirePermission(caller, 'epcis:query');
  await getNamedQuery(db, caller, queryName);
  const limit = Math.min(Math.max(page.perPage ?? 30, 1), 1000);
  const rows = await repo.listSubscriptions(db, organisationOf(caller), queryName, limit + 1, page.after ?? null);
  const shown = rows.slice(0, limit);
  return {
    subscriptions: shown.map((r) => toView(r)),
    next: rows.length > limit ? (shown[shown.length - 1]?.id ?? null) : null,
  };
}

/** One subscription with its latest delivery attempts (newest first). */
export async function getSubscription(
  db: Kysely<DB>,
  caller: Caller,
  queryName: string,
  id: string,
): Promise<SubscriptionView> {
  const row = await ownSubscription(db, caller, queryName, id);
  return toView(row, await repo.recentDeliveries(db, id, 20));
}

export async function deleteSubscription(db: Kysely<DB>, caller: Caller, queryName: string, id: string): Promise<void> {
  requirePermission(caller, 'epcis:query');
  if (!(await repo.deleteSubscription(db, organisationOf(caller), queryName, id))) throw noSuchSubscription(id);
}

// ---------------------------------------------------------------------------------------------------------------
// Delivery (worker)

/** In-process signal that events were captured: WebSocket streams in this process look at once instead of waiting. */
const captured = new EventEmitter();
captured.setMaxListeners(0);

export function onEventsCaptured(listener: () => void): () => void {
  captured.on('captured', listener);
  return () => captured.off('captured', listener);
}

/**
 * Called inside a capture's transaction: queues one dispatch job naming the organisations that can see the new
 * events, so that stream subscriptions are triggered exactly when (and only if) the capture commits.
 */
export async function enqueueStreamDispatch(trx: Transaction<DB>, organisationIds: readonly string[]): Promise<void> {
  await enqueueJob(
    trx,
    SUBSCRIPTION_DISPATCH_KIND,
    { organisationIds: [...new Set(organisationIds)] },
    { maxAttempts: 5 },
  );
}

/** Job: queues a delivery for every stream subscription that may see events of the captured organisations. */
export async function dispatchStreamSubscriptions(payload: unknown, context: JobContext): Promise<void> {
  const { organisationIds } = payload as { organisationIds: string[] };
  captured.emit('captured');
  const ids = await repo.streamSubscriptionsFor(context.db, organisationIds);
  if (ids.length === 0) return;
  await context.db.transaction().execute(async (trx) => {
    for (const subscriptionId of ids) {
      await enqueueJob(
        trx,
        SUBSCRIPTION_DELIVER_KIND,
        { subscriptionId, trigger: 'stream' },
        { maxAttempts: DELIVER_MAX_ATTEMPTS },
      );
    }
    await context.complete(trx);
  });
}

type Trigger = 'stream' | 'schedule';

/** Job: delivers a subscription's pending events (stream, or a retried scheduled run). */
export async function deliverSubscription(payload: unknown, context: JobContext): Promise<void> {
  const { subscriptionId, trigger } = payload as { subscriptionId: string; trigger: Trigger };
  await deliverUnderLease(context, subscriptionId, trigger);
}

/** Job: one scheduled run; first moves the schedule chain to the next run (once), then delivers. */
export async function runScheduledSubscription(payload: unknown, context: JobContext): Promise<void> {
  const { subscriptionId, at } = payload as { subscriptionId: string; at: string };
  const { db } = context;
  const row = await repo.findSubscription(db, subscriptionId);
  if (!row || row.stream || !row.schedule) return;
  const compiled = compileSchedule(row.schedule);
  const atTime = new Date(at);
  const now = new Date();
  let next = nextScheduledTime(compiled, atTime, SCHEDULE_UTC_OFFSET_MINUTES);
  // After downtime, skip the missed runs: this run delivers everything pending anyway.
  if (next && next < now) next = nextScheduledTime(compiled, now, SCHEDULE_UTC_OFFSET_MINUTES);
  await db.transaction().execute(async (trx) => {
    if (await repo.advanceSchedule(trx, subscriptionId, atTime, next)) {
      if (next) {
        await enqueueJob(
          trx,
          SUBSCRIPTION_SCHEDULE_KIND,
          { subscriptionId, at: next.toISOString() },
          { runAfter: next, dedupeKey: scheduleDedupeKey(subscriptionId, next), maxAttempts: DELIVER_MAX_ATTEMPTS },
        );
      }
    }
  });
  await deliverUnderLease(context, subscriptionId, 'schedule');
}

async function deliverUnderLease(context: JobContext, subscriptionId: string, trigger: Trigger): Promise<void> {
  const { db } = context;
  const owner = `${context.jobId}:${context.attempt}`;
  const row = await repo.takeLease(db, subscriptionId, owner, LEASE_MS);
  if (!row) {
    // Another worker is delivering this subscription: look again when its lease ends.
    const until = await repo.leaseExpiry(db, subscriptionId);
    if (until) {
      await enqueueJob(
        db,
        SUBSCRIPTION_DELIVER_KIND,
        { subscriptionId, trigger },
        { runAfter: new Date(until.getTime() + 100), maxAttempts: DELIVER_MAX_ATTEMPTS },
      );
    }
    return;
  }
  try {
    await deliverPending(context, row, trigger, owner);
  } finally {
    await repo.releaseLease(db, subscriptionId, owner);
  }
}

async function deliverPending(
  context: JobContext,
  row: repo.SubscriptionRow,
  trigger: Trigger,
  leaseOwner: string,
): Promise<void> {
  const { db } = context;
  const params = await repo.namedQueryParams(db, row.organisation_id, row.query_name);
  if (!params) return; // the named query was deleted, and its subscriptions with it
  if (!(await repo.subscriberEntitled(db, row.organisation_id, row.created_by))) {
    // A revoked key or a disabled account must not keep receiving data through a subscription made earlier.
    await db.transaction().execute(async (trx) => {
      await repo.recordDelivery(
        trx,
        {
          subscription_id: row.id,
          trigger,
          attempt: context.attempt,
          event_count: 0,
          first_row: null,
          last_row: null,
          delivered: false,
          status_code: null,
          error: 'Not sent: the API key or account that created this subscription is no longer valid',
          duration_ms: 0,
        },
        null,
      );
    });
    return;
  }
  const query = parseEventQuery(params);
  const visibility: events.Visibility = { organisationId: row.sees_organisation_id };
  const horizon = await events.deliveryHorizon(db);
  const settled = settledCursor(horizon);
  let cursor: events.CommitCursor = { tx: row.cursor_tx, row: row.cursor_row };
  let finished = false;
  for (let batchNo = 0; batchNo < BATCHES_PER_JOB && !finished; batchNo++) {
    // Renew the lease before each POST, so a long run never overlaps a second deliverer.
    if (batchNo > 0 && !(await repo.takeLease(db, row.id, leaseOwner, LEASE_MS))) return;
    const found = await events.selectEventsAfter(
      db,
      query,
      visibility,
      cursor,
      horizon,
      row.initial_record_time,
      DELIVERY_BATCH + 1,
    );
    const batch = found.slice(0, DELIVERY_BATCH);
    finished = found.length <= DELIVERY_BATCH;
    const reportEmpty = trigger === 'schedule' && row.report_if_empty && batchNo === 0;
    if (batch.length === 0 && !reportEmpty) {
      // Nothing (more) matched below the horizon: start there next time instead of reading the same rows again.
      if (isBefore(cursor, settled)) await repo.moveCursor(db, row.id, settled);
      break;
    }
    const body = JSON.stringify(
      queryResultsDocument(batch, {
        queryName: row.query_name,
        subscriptionID: row.id,
        format: row.epc_format as EpcFormat,
      }).document,
    );
    const headers: Record<string, string> = {
      'content-type': 'application/ld+json; charset=utf-8',
      'user-agent': 'truyxuat-epcis-webhook',
      'GS1-EPCIS-Version': '2.0.0',
      'GS1-CBV-Version': '2.0.0',
    };
    if (row.signature_token !== null) headers['GS1-Signature'] = webhookSignature(body, row.signature_token);
    const outcome = await postWebhook({
      url: row.dest,
      body,
      headers,
      timeoutMs: DELIVERY_TIMEOUT_MS,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      allowPrivate: allowPrivateWebhooks(),
    });
    const last = batch[batch.length - 1];
    const next: events.CommitCursor | null = !outcome.ok
      ? null
      : finished || !last
        ? settled
        : { tx: last.tx, row: last.id };
    await db.transaction().execute(async (trx) => {
      await repo.recordDelivery(
        trx,
        {
          subscription_id: row.id,
          trigger,
          attempt: context.attempt,
          event_count: batch.length,
          first_row: batch[0]?.id ?? null,
          last_row: last?.id ?? null,
          delivered: outcome.ok,
          status_code: outcome.status,
          error: outcome.error?.slice(0, 500) ?? null,
          duration_ms: outcome.durationMs,
        },
        next,
      );
    });
    if (!next) {
      // The job queue retries with exponential backoff; the cursor has not moved, so nothing is lost.
      throw new Error(`Webhook ${row.id} not accepted: ${outcome.error ?? `HTTP ${outcome.status}`}`);
    }
    cursor = next;
  }
  if (!finished) {
    // More than a job's share is pending: continue in a fresh job.
    await enqueueJob(
      db,
      SUBSCRIPTION_DELIVER_KIND,
      { subscriptionId: row.id, trigger: 'stream' },
      { maxAttempts: DELIVER_MAX_ATTEMPTS },
    );
  } else if (trigger === 'stream' && (await events.hasUnsettledEvents(db, horizon))) {
    // Events committed behind an older transaction still running: look again shortly.
    await enqueueJob(
      db,
      SUBSCRIPTION_DELIVER_KIND,
      { subscriptionId: row.id, trigger },
      { runAfter: new Date(Date.now() + UNSETTLED_RETRY_MS), maxAttempts: DELIVER_MAX_ATTEMPTS },
    );
  }
}

const MAX_ROW = '9223372036854775807';

/** The position just below `horizon`: past every event that can be read now, before every one still to come. */
export function settledCursor(horizon: string): events.CommitCursor {
  return { tx: (BigInt(horizon) - 1n).toString(), row: MAX_ROW };
}

function isBefore(a: events.CommitCursor, b: events.CommitCursor): boolean {
  const [at, bt] = [BigInt(a.tx), BigInt(b.tx)];
  return at < bt || (at === bt && BigInt(a.row) < BigInt(b.row));
}

// ---------------------------------------------------------------------------------------------------------------
// WebSocket subscriptions

/** What a WebSocket subscription on `/queries/{queryName}/events` delivers, checked before the upgrade. */
export interface EventStreamPlan {
  readonly organisationId: string;
  readonly createdBy: string | null;
  readonly queryName: string;
  readonly query: EventQuery;
  readonly visibility: events.Visibility;
  readonly schedule: QuerySchedule | null;
  readonly reportIfEmpty: boolean;
  readonly initialRecordTime: Date | null;
  readonly epcFormat: EpcFormat;
}

/**
 * Checks a WebSocket subscription request (REST binding: `stream=true` or the schedule parameters, mutually
 * exclusive; `reportIfEmpty`, `initialRecordTime`) and the caller's right to the named query.
 */
export async function prepareEventStream(
  db: Kysely<DB>,
  caller: Caller,
  queryName: string,
  params: Record<string, unknown>,
  epcFormat: EpcFormat,
): Promise<EventStreamPlan> {
  requirePermission(caller, 'epcis:query');
  const organisationId = organisationOf(caller);
  const stored = await getNamedQuery(db, caller, queryName);
  const visibility = await visibilityFor(db, caller);
  const single = (name: string): string | undefined => {
    const v = params[name];
    return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
  };
  const flat: Record<string, string> = {};
  for (const f of SCHEDULE_FIELDS) {
    const v = single(f);
    if (v !== undefined) flat[f] = v;
  }
  const stream = single('stream');
  if (stream !== undefined && stream !== 'true' && stream !== 'false')
    throw subscriptionProblem('stream', 'stream must be true or false', true);
  const schedule = parseSchedule(flat, 'query');
  if ((stream === 'true') === (schedule !== null))
    throw subscriptionProblem(
      'stream',
      'Give either stream=true or schedule parameters, not both and not neither',
      true,
    );
  const reportIfEmpty = single('reportIfEmpty');
  if (reportIfEmpty !== undefined && reportIfEmpty !== 'true' && reportIfEmpty !== 'false')
    throw subscriptionProblem('reportIfEmpty', 'reportIfEmpty must be true or false', true);
  return {
    organisationId,
    createdBy: createdBy(caller),
    queryName,
    query: compileQuery(stored),
    visibility,
    schedule,
    reportIfEmpty: reportIfEmpty === 'true' && schedule !== null,
    initialRecordTime: parseInitialRecordTime(single('initialRecordTime')),
    epcFormat,
  };
}

export interface EventStreamSink {
  /** Sends one EPCISQueryDocument (JSON text); false when the client cannot keep up and the stream must end. */
  send(document: string): boolean;
  close(code: number, reason: string): void;
}

/** How often a WebSocket stream looks for new events without an in-process signal (other instances' captures). */
export const STREAM_POLL_MS = 1000;

/**
 * Runs a WebSocket subscription until `signal` aborts: new matching events go out as EPCISQueryDocuments, in
 * commit order from a cursor kept for the connection. Captures in this process wake it at once; captures by other
 * instances are found by polling every STREAM_POLL_MS.
 */
export async function runEventStream(
  db: Kysely<DB>,
  plan: EventStreamPlan,
  sink: EventStreamSink,
  signal: AbortSignal,
): Promise<void> {
  const subscriptionID = `ws-${randomUUID()}`;
  let cursor: events.CommitCursor = plan.initialRecordTime
    ? { tx: '0', row: '0' }
    : settledCursor(await events.deliveryHorizon(db));
  const minRecordTime = plan.initialRecordTime ?? new Date(0);
  const compiled = plan.schedule ? compileSchedule(plan.schedule) : null;
  let wake: (() => void) | undefined;
  const unsubscribe = onEventsCaptured(() => wake?.());
  signal.addEventListener('abort', () => wake?.());
  try {
    let firstPass = plan.initialRecordTime !== null;
    while (!signal.aborted) {
      let runAt = Date.now() + STREAM_POLL_MS;
      if (compiled) {
        const next = nextScheduledTime(compiled, new Date(), SCHEDULE_UTC_OFFSET_MINUTES);
        if (!next) break;
        runAt = next.getTime();
      }
      if (!firstPass) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, runAt - Date.now()));
          wake = compiled
            ? undefined
            : () => {
                clearTimeout(timer);
                resolve();
              };
          if (signal.aborted) {
            clearTimeout(timer);
            resolve();
          }
        });
        wake = undefined;
      }
      firstPass = false;
      if (signal.aborted) break;
      if (!(await repo.namedQueryParams(db, plan.organisationId, plan.queryName))) {
        sink.close(4404, 'The named query was deleted');
        break;
      }
      if (!(await repo.subscriberEntitled(db, plan.organisationId, plan.createdBy))) {
        sink.close(4401, 'The credentials of this subscription are no longer valid');
        break;
      }
      const horizon = await events.deliveryHorizon(db);
      const settled = settledCursor(horizon);
      for (let batchNo = 0; ; batchNo++) {
        const found = await events.selectEventsAfter(
          db,
          plan.query,
          plan.visibility,
          cursor,
          horizon,
          minRecordTime,
          DELIVERY_BATCH + 1,
        );
        const batch = found.slice(0, DELIVERY_BATCH);
        if (batch.length === 0 && !(compiled && plan.reportIfEmpty && batchNo === 0)) {
          if (isBefore(cursor, settled)) cursor = settled;
          break;
        }
        const document = queryResultsDocument(batch, {
          queryName: plan.queryName,
          subscriptionID,
          format: plan.epcFormat,
        }).document;
        if (signal.aborted) return;
        if (!sink.send(JSON.stringify(document))) {
          sink.close(1013, 'The client does not read fast enough');
          return;
        }
        const last = batch[batch.length - 1];
        if (found.length <= DELIVERY_BATCH) {
          cursor = settled;
          break;
        }
        if (last) cursor = { tx: last.tx, row: last.id };
      }
    }
  } finally {
    unsubscribe();
  }
}
