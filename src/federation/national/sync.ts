import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import * as repo from '../national.repository.ts';
import type { NationalSyncOutcome } from '../national.tables.ts';
import { INACTIVE_ORGANISATION_RECHECK_MS, retryDelayMs, type Clock } from './backoff.ts';
import { candidateRef, organisationCandidates, type OutboxCandidate } from './mapping.ts';
import type { NationalPlatform, NationalRecord, SendOutcome } from './platform.ts';

/**
 * The national sync's outbox. `collectNationalRecords` puts every record of the enrolled organisations in the
 * outbox (a new or changed record is queued; an unchanged one is left alone), `runNationalSyncPass` sends what is
 * due in dependency order. Time comes from the injected clock only, so an hour's outage is simulated in tests.
 *
 * Rules:
 * - an organisation's records go out organisation → products → chains → events, each event after its chain;
 * - a record the platform rejects is `failed` and blocks only the records that depend on it;
 * - a rate limit or an outage pauses the whole platform (nothing is lost, nothing overtakes: the same head record
 *   is tried first when the pause ends); backoff doubles from 30 s to 30 min;
 * - an organisation the platform has not activated pauses that organisation only, rechecked hourly;
 * - every send is a PUT under the platform's key, so re-sending after a lost answer updates instead of duplicating.
 */

const DETAIL_MAX = 500;
const BLOCKED_RECHECK_MS = 30 * 60_000;
const clip = (s: string | null | undefined): string | null => (s ? s.slice(0, DETAIL_MAX) : null);
/**
 * How long a worker's hold on a platform's outbox lasts without renewal (renewed before every send), unless the caller
 * names a lease (`leaseMs`). Wall-clock time, not the sync's clock: it guards against two real workers, whatever time
 * the sync simulates. It is also how long a killed worker's hold blocks the restarted one, so the job passes a lease
 * derived from the portal's timeout (see `runNationalSyncJob`).
 */
export const NATIONAL_LEASE_MS = 5 * 60_000;

export interface CollectResult {
  readonly queued: number;
  readonly invalid: number;
  readonly unchanged: number;
}

async function candidatesOf(
  db: Kysely<DB>,
  organisationId: string,
  publicUrl: string,
): Promise<OutboxCandidate[] | undefined> {
  const org = await repo.organisationSource(db, organisationId);
  if (!org) return undefined;
  const products = await repo.productSources(db, organisationId);
  const events = await repo.eventSources(
    db,
    organisationId,
    products.map((p) => p.gtin),
  );
  return organisationCandidates(org, products, events, await repo.locationNames(db, organisationId), publicUrl);
}

/**
 * Queues the records of the enrolled organisations (or of one) that are new or changed since they were last
 * queued; with `force`, every record again (a full resync). A record failing the platform's rules is queued as
 * `failed` with the reason, not sent.
 */
export async function collectNationalRecords(
  db: Kysely<DB>,
  options: { platform: string; clock: Clock; publicUrl: string; organisationId?: string; force?: boolean },
): Promise<CollectResult> {
  const enrolled = await repo.enrolledOrganisations(db, options.platform);
  const targets = enrolled.filter(
    (e) => options.organisationId === undefined || e.organisation_id === options.organisationId,
  );
  let queued = 0;
  let invalid = 0;
  let unchanged = 0;
  for (const enrolment of targets) {
    const candidates = await candidatesOf(db, enrolment.organisation_id, options.publicUrl);
    if (!candidates) continue;
    await db.transaction().execute(async (trx) => {
      const existing = await repo.outboxOf(trx, options.platform, enrolment.organisation_id);
      const ids = new Map<string, string>();
      for (const c of candidates) {
        const ref = candidateRef(c.record.kind, c.sourceId);
        const row = existing.get(ref);
        const dependsOn = c.dependsOn === null ? null : (ids.get(c.dependsOn) ?? null);
        const now = options.clock();
        const status = c.problem ? 'failed' : 'pending';
        const lastCode = c.problem?.code ?? null;
        const lastDetail = c.problem ? `field: ${c.problem.field}` : null;
        if (row) {
          ids.set(ref, row.id);
          if (!options.force && row.payload_hash === c.hash && row.depends_on === dependsOn) {
            unchanged += 1;
            continue;
          }
          await repo.requeueOutbox(trx, row.id, {
            record_key: c.record.key,
            depends_on: dependsOn,
            payload_hash: c.hash,
            status,
            queued_at: now,
            last_code: lastCode,
            last_detail: lastDetail,
          });
          if (c.problem) await logLocalProblem(trx, options.platform, row.id, enrolment.organisation_id, c, now);
        } else {
          const id = randomUUID();
          ids.set(ref, id);
          await repo.insertOutbox(trx, {
            id,
            platform: options.platform,
            organisation_id: enrolment.organisation_id,
            record_kind: c.record.kind,
            source_id: c.sourceId,
            record_key: c.record.key,
            depends_on: dependsOn,
            rank: c.rank,
            payload_hash: c.hash,
            status,
            queued_at: now,
            next_attempt_at: now,
            last_code: lastCode,
            last_detail: lastDetail,
          });
          if (c.problem) await logLocalProblem(trx, options.platform, id, enrolment.organisation_id, c, now);
        }
        if (c.problem) invalid += 1;
        else queued += 1;
      }
    });
  }
  return { queued, invalid, unchanged };
}

async function logLocalProblem(
  db: Kysely<DB>,
  platform: string,
  outboxId: string,
  organisationId: string,
  c: OutboxCandidate,
  at: Date,
): Promise<void> {
  await repo.insertLog(db, {
    outbox_id: outboxId,
    platform,
    organisation_id: organisationId,
    record_kind: c.record.kind,
    record_key: c.record.key,
    at,
    attempt: 0,
    outcome: 'failed',
    http_status: null,
    code: c.problem!.code,
    detail: `field: ${c.problem!.field}`,
  });
}

export interface PassResult {
  readonly sent: number;
  readonly failed: number;
  readonly retried: number;
  readonly waiting: number;
  /** The platform is paused until then (rate limit, outage, refused credentials). */
  readonly pausedUntil: Date | null;
  /** Records were due but the pass stopped early (pause or batch limit): run again. */
  readonly more: boolean;
  /** Another worker holds the platform's outbox: this pass sent nothing (it will send what is due). */
  readonly busy?: boolean;
}

const BUSY: PassResult = { sent: 0, failed: 0, retried: 0, waiting: 0, pausedUntil: null, more: false, busy: true };

/** Takes or renews the platform's lease for `owner` (wall-clock time). */
function holdLease(db: Kysely<DB>, platform: string, owner: string, leaseMs = NATIONAL_LEASE_MS): Promise<boolean> {
  const now = new Date();
  return repo.claimPlatformLease(db, platform, owner, now, new Date(now.getTime() + leaseMs));
}

/**
 * Sends the due records, in order, until the batch is done or the platform asks to pause. Only one worker sends a
 * platform's outbox at a time: the pass holds the platform's lease (`lease`: one its caller holds already) and renews
 * it before every send, so no record is sent twice by two workers and the order holds; a worker that finds the lease
 * taken returns `busy`, and one that loses it (it stalled past the lease) stops before its next send.
 */
export async function runNationalSyncPass(
  db: Kysely<DB>,
  options: {
    platform: NationalPlatform;
    clock: Clock;
    publicUrl: string;
    limit?: number;
    lease?: string;
    leaseMs?: number;
  },
): Promise<PassResult> {
  const owner = options.lease ?? randomUUID();
  if (!(await holdLease(db, options.platform.id, owner, options.leaseMs))) return BUSY;
  try {
    return await passUnderLease(db, options, owner);
  } finally {
    if (options.lease === undefined) await repo.releasePlatformLease(db, options.platform.id, owner);
  }
}

async function passUnderLease(
  db: Kysely<DB>,
  options: { platform: NationalPlatform; clock: Clock; publicUrl: string; limit?: number; leaseMs?: number },
  owner: string,
): Promise<PassResult> {
  const platformId = options.platform.id;
  const limit = options.limit ?? 200;
  const state = await repo.platformState(db, platformId);
  const start = options.clock();
  if (state?.paused_until && new Date(state.paused_until) > start)
    return { sent: 0, failed: 0, retried: 0, waiting: 0, pausedUntil: new Date(state.paused_until), more: false };

  const due = await repo.dueOutbox(db, platformId, start, limit);
  const statuses = await repo.statusesOf(db, [
    ...new Set(due.map((r) => r.depends_on).filter((d): d is string => d !== null)),
  ]);
  const candidatesByOrg = new Map<string, Map<string, OutboxCandidate>>();
  const pausedOrgs = new Set<string>();
  let sent = 0;
  let failed = 0;
  let retried = 0;
  let waiting = 0;

  const log = (
    row: repo.OutboxRow,
    outcome: NationalSyncOutcome,
    at: Date,
    attempt: number,
    fields: { httpStatus: number | null; code: string | null; detail: string | null },
  ) =>
    repo.insertLog(db, {
      outbox_id: row.id,
      platform: platformId,
      organisation_id: row.organisation_id,
      record_kind: row.record_kind,
      record_key: row.record_key,
      at,
      attempt,
      outcome,
      http_status: fields.httpStatus,
      code: fields.code,
      detail: clip(fields.detail),
    });

  for (const row of due) {
    if (pausedOrgs.has(row.organisation_id)) continue;
    if (row.depends_on !== null) {
      const parent = statuses.get(row.depends_on);
      if (parent !== 'sent') {
        const code = parent === 'failed' ? 'DEPENDENCY_FAILED' : 'WAITING_FOR_DEPENDENCY';
        const now = options.clock();
        // Blocked by a failed record: look again in a while; sending the parent wakes it at once.
        const next = parent === 'failed' ? new Date(now.getTime() + BLOCKED_RECHECK_MS) : row.next_attempt_at;
        await repo.updateOutbox(db, row.id, { last_code: code, last_detail: null, next_attempt_at: next });
        if (row.last_code !== code && code === 'DEPENDENCY_FAILED')
          await log(row, 'waiting', now, row.attempts, { httpStatus: null, code, detail: null });
        if (parent === 'failed') statuses.set(row.id, 'failed');
        waiting += 1;
        continue;
      }
    }

    let candidates = candidatesByOrg.get(row.organisation_id);
    if (!candidates) {
      const list = (await candidatesOf(db, row.organisation_id, options.publicUrl)) ?? [];
      candidates = new Map(list.map((c) => [candidateRef(c.record.kind, c.sourceId), c]));
      candidatesByOrg.set(row.organisation_id, candidates);
    }
    const candidate = candidates.get(candidateRef(row.record_kind, row.source_id));
    const now = options.clock();
    if (!candidate || candidate.problem) {
      // Removed from the registry, or changed into something the platform would refuse since it was queued.
      const code = candidate?.problem?.code ?? 'SOURCE_REMOVED';
      await repo.updateOutbox(db, row.id, {
        status: 'failed',
        last_code: code,
        last_detail: null,
        last_attempt_at: now,
      });
      await log(row, 'failed', now, row.attempts, { httpStatus: null, code, detail: null });
      statuses.set(row.id, 'failed');
      failed += 1;
      continue;
    }

    // Still ours? A worker that stalled past its lease leaves the rest to the one that took over.
    if (!(await holdLease(db, platformId, owner, options.leaseMs)))
      return { sent, failed, retried, waiting, pausedUntil: null, more: true, busy: true };
    const attempt = row.attempts + 1;
    const outcome = await options.platform.send(candidate.record);
    const after = options.clock();
    const result = await applyOutcome(
      db,
      platformId,
      row,
      candidate.record,
      candidate.hash,
      outcome,
      attempt,
      after,
      log,
    );
    statuses.set(row.id, result.status);
    if (result.status === 'sent') sent += 1;
    else if (result.status === 'failed') failed += 1;
    else retried += 1;
    if (result.pauseOrganisation) pausedOrgs.add(row.organisation_id);
    if (result.pausePlatformUntil)
      return { sent, failed, retried, waiting, pausedUntil: result.pausePlatformUntil, more: true };
  }
  return { sent, failed, retried, waiting, pausedUntil: null, more: due.length >= limit };
}

type Logger = (
  row: repo.OutboxRow,
  outcome: NationalSyncOutcome,
  at: Date,
  attempt: number,
  fields: { httpStatus: number | null; code: string | null; detail: string | null },
) => Promise<void>;

async function applyOutcome(
  db: Kysely<DB>,
  platform: string,
  row: repo.OutboxRow,
  record: NationalRecord,
  hash: string,
  outcome: SendOutcome,
  attempt: number,
  now: Date,
  log: Logger,
): Promise<{ status: 'sent' | 'failed' | 'pending'; pauseOrganisation?: boolean; pausePlatformUntil?: Date }> {
  switch (outcome.kind) {
    case 'accepted': {
      await db.transaction().execute(async (trx) => {
        await repo.updateOutbox(trx, row.id, {
          status: 'sent',
          attempts: attempt,
          last_attempt_at: now,
          sent_at: now,
          last_code: null,
          last_detail: null,
          last_http_status: outcome.httpStatus,
          portal_ref: outcome.ref,
          payload_hash: hash,
        });
        if (record.kind === 'organisation')
          await repo.updateEnrolment(trx, platform, row.organisation_id, {
            portal_status: outcome.status,
            ...(outcome.status === 'ACTIVE' ? { paused_until: null } : {}),
          });
        // The first stage event makes the platform issue the chain's trace code: keep it on the chain's row.
        if (record.kind === 'event' && outcome.traceCode !== null && row.depends_on !== null)
          await repo.updateOutbox(trx, row.depends_on, { portal_ref: outcome.traceCode });
        await repo.insertLog(trx, {
          outbox_id: row.id,
          platform,
          organisation_id: row.organisation_id,
          record_kind: row.record_kind,
          record_key: row.record_key,
          at: now,
          attempt,
          outcome: 'sent',
          http_status: outcome.httpStatus,
          code: null,
          detail: outcome.traceCode ?? outcome.status ?? outcome.ref,
        });
        await repo.updatePlatformState(trx, platform, { last_success_at: now, paused_until: null });
        await repo.wakeDependents(trx, row.id, now);
      });
      return { status: 'sent' };
    }
    case 'rejected': {
      const detail = outcome.field ? `${outcome.detail} (field: ${outcome.field})` : outcome.detail;
      await repo.updateOutbox(db, row.id, {
        status: 'failed',
        attempts: attempt,
        last_attempt_at: now,
        last_code: outcome.code,
        last_http_status: outcome.httpStatus,
        last_detail: clip(detail),
      });
      await log(row, 'failed', now, attempt, { httpStatus: outcome.httpStatus, code: outcome.code, detail });
      await repo.updatePlatformState(db, platform, {
        last_error_at: now,
        last_error_code: outcome.code,
        last_error_detail: clip(detail),
      });
      return { status: 'failed' };
    }
    case 'organisationInactive': {
      const until = new Date(now.getTime() + INACTIVE_ORGANISATION_RECHECK_MS);
      await repo.updateOutbox(db, row.id, {
        attempts: attempt,
        last_attempt_at: now,
        next_attempt_at: until,
        last_code: outcome.code,
        last_http_status: outcome.httpStatus,
        last_detail: clip(outcome.detail),
      });
      await repo.updateEnrolment(db, platform, row.organisation_id, { paused_until: until });
      await log(row, 'retry', now, attempt, {
        httpStatus: outcome.httpStatus,
        code: outcome.code,
        detail: outcome.detail,
      });
      return { status: 'pending', pauseOrganisation: true };
    }
    case 'rateLimited':
    case 'unavailable':
    case 'unauthorised': {
      const code =
        outcome.kind === 'rateLimited' ? 'RATE_LIMITED' : outcome.kind === 'unauthorised' ? outcome.code : outcome.code;
      const delay =
        outcome.kind === 'rateLimited'
          ? (outcome.retryAfterMs ?? 60_000)
          : outcome.kind === 'unauthorised'
            ? 15 * 60_000
            : retryDelayMs(attempt);
      const until = new Date(now.getTime() + delay);
      const detail =
        outcome.kind === 'rateLimited' ? `Retry-After ${Math.round(delay / 1000)} s` : clip(outcome.detail);
      await repo.updateOutbox(db, row.id, {
        attempts: attempt,
        last_attempt_at: now,
        next_attempt_at: until,
        last_code: code,
        last_http_status: outcome.httpStatus,
        last_detail: detail,
      });
      await log(row, 'retry', now, attempt, { httpStatus: outcome.httpStatus, code, detail });
      await repo.updatePlatformState(db, platform, {
        paused_until: until,
        last_error_at: now,
        last_error_code: code,
        last_error_detail: detail,
      });
      return { status: 'pending', pausePlatformUntil: until };
    }
  }
}

/** Collects, then runs passes until nothing more is due now or the platform pauses. For the job and for tests. */
export async function syncNational(
  db: Kysely<DB>,
  options: { platform: NationalPlatform; clock: Clock; publicUrl: string; maxPasses?: number; leaseMs?: number },
): Promise<{ collected: CollectResult; passes: PassResult[]; busy: boolean }> {
  // The lease covers collecting too: two workers never queue the same record twice or send it twice.
  const owner = randomUUID();
  if (!(await holdLease(db, options.platform.id, owner, options.leaseMs)))
    return { collected: { queued: 0, invalid: 0, unchanged: 0 }, passes: [], busy: true };
  try {
    const collected = await collectNationalRecords(db, {
      platform: options.platform.id,
      clock: options.clock,
      publicUrl: options.publicUrl,
    });
    const passes: PassResult[] = [];
    for (let i = 0; i < (options.maxPasses ?? 20); i++) {
      const pass = await runNationalSyncPass(db, { ...options, lease: owner });
      passes.push(pass);
      // Another pass after any success: records that waited on what was just sent are due now.
      if (pass.busy || pass.pausedUntil !== null || (!pass.more && pass.sent === 0)) break;
    }
    return { collected, passes, busy: passes.some((p) => p.busy === true) };
  } finally {
    await repo.releasePlatformLease(db, options.platform.id, owner);
  }
}
