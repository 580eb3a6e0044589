import type { Kysely } from 'kysely';
import { loadConfig } from '../config.ts';
import type { DB } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { recordAudit } from '../audit/index.ts';
import {
  callerOrganisation,
  hasPermission,
  requireAuthenticated,
  seesEverything,
  type Caller,
} from '../shared/caller.ts';
import type { NationalPortalConfig } from '../config.ts';
import { enqueueJob, hasQueuedJob, type JobContext } from '../jobs/job.service.ts';
import { AppError, notFound } from '../shared/errors.ts';
import { isMessageKey, t, type Locale } from '../shared/messages.ts';
import { systemClock } from './national/backoff.ts';
import { nationalPortalClient, type NationalPortalClient } from './national/portal-client.ts';
import { collectNationalRecords, syncNational } from './national/sync.ts';
import * as repo from './national.repository.ts';
import type { NationalOutboxStatus, NationalRecordKind, NationalSyncOutcome } from './national.tables.ts';

/**
 * National platform sync, the service side: health, the sync log, enrolment, retry and resync. The province sees
 * every organisation; a business sees its own records only.
 */

/** The platform this installation syncs to (the adapter interface allows others: see docs/federation.md). */
export const NATIONAL_PORTAL = 'vn-national-portal';

export const RECORD_KINDS: readonly NationalRecordKind[] = ['organisation', 'product', 'chain', 'event'];

export interface NationalKindHealth {
  readonly kind: NationalRecordKind;
  readonly pending: number;
  readonly sent: number;
  readonly failed: number;
}

export interface NationalSyncHealth {
  readonly platform: string;
  /** The portal's URL and client credentials are configured; without them nothing is sent. */
  readonly configured: boolean;
  /** Organisations enrolled for sync (the caller's own: 0 or 1). */
  readonly enrolledOrganisations: number;
  readonly kinds: NationalKindHealth[];
  readonly totals: { readonly pending: number; readonly sent: number; readonly failed: number };
  readonly lastSuccessAt: string | null;
  /** When the longest-waiting record was queued. */
  readonly oldestPendingAt: string | null;
  /** Sending is paused until then (rate limit or outage), for every organisation. */
  readonly pausedUntil: string | null;
  readonly lastError: {
    readonly at: string;
    readonly code: string | null;
    readonly httpStatus: number | null;
    readonly recordKind: NationalRecordKind;
    readonly recordKey: string;
    readonly detail: string | null;
  } | null;
}

export function scopeOf(caller: Caller): repo.OrganisationScope {
  requireAuthenticated(caller);
  if (seesEverything(caller)) return { all: true };
  const own = callerOrganisation(caller);
  if (own === undefined || !hasPermission(caller, 'registry:read'))
    throw new AppError('forbidden', 'Missing permission registry:read');
  return { all: false, organisationId: own };
}

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/**
 * Sync health for the caller: counts of pending, sent and failed records per kind, the last success, the oldest
 * pending record and the last error. The province sees every organisation, a business its own.
 */
export async function nationalSyncHealth(db: Kysely<DB>, caller: Caller): Promise<NationalSyncHealth> {
  const scope = scopeOf(caller);
  const [counts, times, problem, state, enrolled] = await Promise.all([
    repo.countByKindAndStatus(db, NATIONAL_PORTAL, scope),
    repo.outboxTimes(db, NATIONAL_PORTAL, scope),
    repo.lastProblem(db, NATIONAL_PORTAL, scope),
    repo.platformState(db, NATIONAL_PORTAL),
    repo.countEnrolled(db, NATIONAL_PORTAL, scope),
  ]);
  const kinds = RECORD_KINDS.map((kind) => {
    const of = (status: string) => counts.find((c) => c.kind === kind && c.status === status)?.count ?? 0;
    return { kind, pending: of('pending'), sent: of('sent'), failed: of('failed') };
  });
  const sum = (key: 'pending' | 'sent' | 'failed') => kinds.reduce((n, k) => n + k[key], 0);
  return {
    platform: NATIONAL_PORTAL,
    configured: loadConfig().nationalPortal !== undefined,
    enrolledOrganisations: enrolled,
    kinds,
    totals: { pending: sum('pending'), sent: sum('sent'), failed: sum('failed') },
    lastSuccessAt: iso(times.lastSentAt),
    oldestPendingAt: iso(times.oldestPendingAt),
    pausedUntil: iso(state?.paused_until),
    lastError: problem
      ? {
          at: new Date(problem.at).toISOString(),
          code: problem.code,
          httpStatus: problem.http_status,
          recordKind: problem.record_kind,
          recordKey: problem.record_key,
          detail: problem.detail,
        }
      : null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Enrolment, the log, retry and resync

function requireProvince(caller: Caller, write: boolean): void {
  requireAuthenticated(caller);
  if (!seesEverything(caller) || !hasPermission(caller, write ? 'province:write' : 'province:read'))
    throw new AppError('forbidden', 'Only the province manages the national sync');
}

function actor(caller: Caller): string | null {
  return caller.kind === 'user'
    ? `user:${caller.userId}`
    : caller.kind === 'apiKey'
      ? `apiKey:${caller.apiKeyId}`
      : null;
}

/** Wakes the sync job now (after an enrolment, a retry or a resync). */
const scheduleSoon = (db: Kysely<DB>, now: Date): Promise<void> => scheduleNationalSync(db, now, true);

export interface EnrolmentView {
  readonly organisationId: string;
  readonly organisationName: string;
  readonly taxCode: string | null;
  readonly enabled: boolean;
  readonly decidedAt: string;
  readonly portalStatus: string | null;
  readonly pausedUntil: string | null;
}

/**
 * The province enrols an organisation for sync to the national portal (its consent recorded by the province), or
 * withdraws it: a withdrawn organisation's records stay in the outbox but nothing more is sent.
 */
export async function setNationalEnrolment(
  db: Kysely<DB>,
  caller: Caller,
  organisationId: string,
  enabled: boolean,
): Promise<EnrolmentView> {
  requireProvince(caller, true);
  const org = await repo.organisationSource(db, organisationId);
  if (!org) throw notFound('Organisation');
  const now = new Date();
  // The enrolment (the organisation's consent, recorded by the province) and its audit entry commit together.
  await inTransaction(db, async (trx) => {
    await repo.upsertEnrolment(trx, {
      platform: NATIONAL_PORTAL,
      organisation_id: organisationId,
      enabled,
      decided_by: actor(caller),
      decided_at: now,
    });
    if (enabled) await scheduleSoon(trx, now);
    await recordAudit(
      trx,
      caller,
      {
        action: enabled ? 'federation.national.enrol' : 'federation.national.withdraw',
        objectType: 'organisation',
        objectId: organisationId,
        organisationId,
        change: { platform: NATIONAL_PORTAL, enabled },
      },
      now,
    );
  });
  const row = (await repo.listEnrolments(db, NATIONAL_PORTAL, { all: false, organisationId }))[0]!;
  return enrolmentView(row);
}

function enrolmentView(r: Awaited<ReturnType<typeof repo.listEnrolments>>[number]): EnrolmentView {
  return {
    organisationId: r.organisation_id,
    organisationName: r.name,
    taxCode: r.tax_code,
    enabled: r.enabled,
    decidedAt: new Date(r.decided_at).toISOString(),
    portalStatus: r.portal_status,
    pausedUntil: iso(r.paused_until),
  };
}

export async function listNationalEnrolments(db: Kysely<DB>, caller: Caller): Promise<EnrolmentView[]> {
  return (await repo.listEnrolments(db, NATIONAL_PORTAL, scopeOf(caller))).map(enrolmentView);
}

/** A sync code's explanation and the fix, in both languages (codes without an entry fall back to UNKNOWN). */
export function explainNationalCode(code: string | null, locale: Locale): { explanation: string; fix: string } | null {
  if (code === null) return null;
  const known = isMessageKey(`federation.national.${code}.explanation`) ? code : 'UNKNOWN';
  return {
    explanation: t(locale, `federation.national.${known}.explanation`, { code }),
    fix: t(locale, `federation.national.${known}.fix`, { code }),
  };
}

export interface SyncLogView {
  readonly id: string;
  readonly outboxId: string;
  readonly organisationId: string;
  readonly organisationName: string;
  readonly recordKind: NationalRecordKind;
  readonly recordKey: string;
  readonly at: string;
  readonly attempt: number;
  readonly outcome: NationalSyncOutcome;
  readonly httpStatus: number | null;
  readonly code: string | null;
  /** The platform's own words (or a reference it returned), as received. */
  readonly detail: string | null;
  readonly explanation: string | null;
  readonly fix: string | null;
}

export async function listNationalSyncLog(
  db: Kysely<DB>,
  caller: Caller,
  options: repo.LogFilter & { limit?: number; offset?: number; locale: Locale },
): Promise<{ items: SyncLogView[]; total: number; limit: number; offset: number }> {
  const scope = scopeOf(caller);
  const limit = Math.max(1, Math.min(options.limit ?? 50, 200));
  const offset = Math.max(0, options.offset ?? 0);
  const found = await repo.listLog(db, NATIONAL_PORTAL, scope, options, { limit, offset });
  return {
    items: found.rows.map((r) => {
      const explained = explainNationalCode(r.code, options.locale);
      return {
        id: String(r.id),
        outboxId: r.outbox_id,
        organisationId: r.organisation_id,
        organisationName: r.organisation_name,
        recordKind: r.record_kind,
        recordKey: r.record_key,
        at: new Date(r.at).toISOString(),
        attempt: r.attempt,
        outcome: r.outcome,
        httpStatus: r.http_status,
        code: r.code,
        detail: r.detail,
        explanation: explained?.explanation ?? null,
        fix: explained?.fix ?? null,
      };
    }),
    total: found.total,
    limit,
    offset,
  };
}

export interface OutboxRecordView {
  readonly id: string;
  readonly organisationId: string;
  readonly organisationName: string;
  readonly recordKind: NationalRecordKind;
  readonly recordKey: string;
  readonly status: NationalOutboxStatus;
  readonly attempts: number;
  readonly queuedAt: string;
  readonly nextAttemptAt: string;
  readonly lastAttemptAt: string | null;
  readonly sentAt: string | null;
  readonly code: string | null;
  readonly httpStatus: number | null;
  readonly detail: string | null;
  /** The platform's identifier, or for a chain the trace code its first event created. */
  readonly portalRef: string | null;
  readonly explanation: string | null;
  readonly fix: string | null;
}

function outboxView(r: repo.OutboxRow & { organisation_name: string }, locale: Locale): OutboxRecordView {
  const explained = explainNationalCode(r.last_code, locale);
  return {
    id: r.id,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    recordKind: r.record_kind,
    recordKey: r.record_key,
    status: r.status,
    attempts: r.attempts,
    queuedAt: new Date(r.queued_at).toISOString(),
    nextAttemptAt: new Date(r.next_attempt_at).toISOString(),
    lastAttemptAt: iso(r.last_attempt_at),
    sentAt: iso(r.sent_at),
    code: r.last_code,
    httpStatus: r.last_http_status,
    detail: r.last_detail,
    portalRef: r.portal_ref,
    explanation: explained?.explanation ?? null,
    fix: explained?.fix ?? null,
  };
}

/** The records in the outbox and their sync status (the caller's own for a business). */
export async function listNationalRecords(
  db: Kysely<DB>,
  caller: Caller,
  options: {
    status?: NationalOutboxStatus | undefined;
    recordKind?: NationalRecordKind | undefined;
    limit?: number;
    offset?: number;
    locale: Locale;
  },
): Promise<{ items: OutboxRecordView[]; total: number; limit: number; offset: number }> {
  const scope = scopeOf(caller);
  const limit = Math.max(1, Math.min(options.limit ?? 50, 200));
  const offset = Math.max(0, options.offset ?? 0);
  const found = await repo.listOutbox(db, NATIONAL_PORTAL, scope, options, { limit, offset });
  return { items: found.rows.map((r) => outboxView(r, options.locale)), total: found.total, limit, offset };
}

/**
 * The province sends one record again now: a failed one after its fix, or a sent one to refresh the portal's copy
 * (the portal's keys make it an update). Its attempts start over.
 */
export async function retryNationalRecord(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  locale: Locale,
): Promise<OutboxRecordView> {
  requireProvince(caller, true);
  const row = await repo.findOutbox(db, id);
  if (!row || row.platform !== NATIONAL_PORTAL) throw notFound('Sync record');
  const now = new Date();
  await inTransaction(db, async (trx) => {
    await repo.requeueOutbox(trx, id, {
      record_key: row.record_key,
      depends_on: row.depends_on,
      payload_hash: row.payload_hash,
      status: 'pending',
      queued_at: now,
      last_code: null,
      last_detail: null,
    });
    await repo.updateEnrolment(trx, NATIONAL_PORTAL, row.organisation_id, { paused_until: null });
    await scheduleSoon(trx, now);
    await recordAudit(
      trx,
      caller,
      {
        action: 'federation.national.retry',
        objectType: 'national_record',
        objectId: id,
        organisationId: row.organisation_id,
        change: { platform: NATIONAL_PORTAL, recordKey: row.record_key, previousStatus: row.status },
      },
      now,
    );
  });
  const found = await repo.listOutbox(
    db,
    NATIONAL_PORTAL,
    { all: false, organisationId: row.organisation_id },
    {},
    {
      limit: 100000,
      offset: 0,
    },
  );
  return outboxView(
    found.rows.find((r) => r.id === id)!,
    locale,
  );
}

/**
 * The province queues every record of one enrolled organisation (or of all) again: a full resync. Re-sending is
 * safe: every record is keyed by the portal's own key.
 */
export async function resyncNational(
  db: Kysely<DB>,
  caller: Caller,
  organisationId: string | undefined,
): Promise<{ queued: number; invalid: number }> {
  requireProvince(caller, true);
  if (organisationId !== undefined) {
    const enrolment = await repo.findEnrolment(db, NATIONAL_PORTAL, organisationId);
    if (!enrolment?.enabled) throw new AppError('conflict', 'The organisation is not enrolled for the national sync');
  }
  const now = new Date();
  const result = await collectNationalRecords(db, {
    platform: NATIONAL_PORTAL,
    clock: () => now,
    publicUrl: loadConfig().publicUrl,
    force: true,
    ...(organisationId === undefined ? {} : { organisationId }),
  });
  // The records are queued one organisation per transaction (sync.ts); the resync is recorded with what it queued.
  await inTransaction(db, async (trx) => {
    await scheduleSoon(trx, now);
    await recordAudit(
      trx,
      caller,
      {
        action: 'federation.national.resync',
        objectType: 'national_platform',
        objectId: NATIONAL_PORTAL,
        organisationId: organisationId ?? null,
        change: { platform: NATIONAL_PORTAL, organisationId: organisationId ?? null },
        detail: { queued: result.queued, invalid: result.invalid },
      },
      now,
    );
  });
  return { queued: result.queued, invalid: result.invalid };
}

// ---------------------------------------------------------------------------------------------------------------
// The background job

export const NATIONAL_SYNC_KIND = 'federation.national.sync';

let portal: { key: string; client: NationalPortalClient } | undefined;

/** The configured portal client, kept across runs so its token is reused until it is about to expire. */
function configuredPortal(config: NationalPortalConfig): NationalPortalClient {
  const key = `${config.baseUrl}\n${config.clientId}\n${config.clientSecret}\n${config.timeoutMs}`;
  if (portal?.key !== key) portal = { key, client: nationalPortalClient({ config, clock: systemClock }) };
  return portal.client;
}

/**
 * Enqueues a sync run at `at`. A run asked for soon joins a run already waiting to start by then (a dedupe key would
 * also return a run that has finished, and the request would be lost); later runs collapse per 10 s slot, so the
 * self-scheduling chain does not multiply.
 */
export async function scheduleNationalSync(db: Kysely<DB>, at: Date, soon = false): Promise<void> {
  if (soon) {
    if (await hasQueuedJob(db, NATIONAL_SYNC_KIND, at)) return;
    await enqueueJob(db, NATIONAL_SYNC_KIND, {}, { runAfter: at, maxAttempts: 3 });
    return;
  }
  const grain = 10_000;
  const slot = new Date(Math.floor(at.getTime() / grain) * grain);
  await enqueueJob(
    db,
    NATIONAL_SYNC_KIND,
    {},
    {
      runAfter: new Date(slot.getTime() + grain),
      dedupeKey: `${NATIONAL_SYNC_KIND}:next:${slot.toISOString()}`,
      maxAttempts: 3,
    },
  );
}

/** Schedules a sync run now when any organisation is enrolled (at start-up). */
export async function startNationalSync(db: Kysely<DB>): Promise<void> {
  if ((await repo.enrolledOrganisations(db, NATIONAL_PORTAL)).length > 0)
    await scheduleNationalSync(db, new Date(), true);
}

/**
 * Job: one sync run with the configured portal (nothing when it is not configured or nobody is enrolled), then
 * the next run: when the platform's pause ends or the next record is due, at the latest after the sync interval.
 */
export async function runNationalSyncJob(_payload: unknown, context: JobContext): Promise<void> {
  const config = loadConfig();
  if (config.nationalPortal === undefined) return;
  const db = context.db;
  if ((await repo.enrolledOrganisations(db, NATIONAL_PORTAL)).length === 0) return;
  const result = await syncNational(db, {
    platform: configuredPortal(config.nationalPortal),
    clock: systemClock,
    publicUrl: config.publicUrl,
    // Renewed before every send, and one send (a token request and a PUT) lasts at most two portal timeouts: a
    // lease of three lets a restarted worker take over from a killed one within a minute instead of five.
    leaseMs: 3 * config.nationalPortal.timeoutMs,
  });
  const now = Date.now();
  const interval = now + config.nationalSyncIntervalSeconds * 1000;
  const last = result.passes.at(-1);
  const due = last?.pausedUntil ?? (await repo.nextDueAt(db, NATIONAL_PORTAL));
  const next = due === null ? interval : Math.min(interval, Math.max(now + 10_000, due.getTime()));
  await scheduleNationalSync(db, new Date(next));
}
