import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import * as repo from './job.repository.ts';

/**
 * Background work through a PostgreSQL table (no broker to install): jobs are claimed with FOR UPDATE SKIP LOCKED,
 * held by a lease that the worker extends while it runs, retried with exponential backoff, and taken over by
 * another worker when the lease of a dead one expires. A handler must be idempotent: after a crash it may run again.
 */

export interface JobContext {
  readonly db: Kysely<DB>;
  readonly jobId: string;
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Marks the job done inside the handler's own transaction, so the work and its completion commit together. */
  complete(trx: Transaction<DB>): Promise<void>;
}

export type JobHandler = (payload: unknown, context: JobContext) => Promise<void>;

/** Whether a job of this kind waits in the queue to run no later than `by` (a request for a run may join it). */
export function hasQueuedJob(db: Kysely<DB>, kind: string, by: Date): Promise<boolean> {
  return repo.queuedJobDueBy(db, kind, by);
}

/**
 * For handlers that redo the whole of their work on every run: drops the other queued jobs of the same kind whose
 * payload contains `payload`. A queued job is visible only once the transaction that queued it has committed, so
 * what it would have seen is seen by the run that drops it.
 */
export function discardQueuedDuplicates(
  db: Kysely<DB>,
  kind: string,
  payload: Record<string, unknown>,
  runningJobId: string,
): Promise<number> {
  return repo.deleteQueuedJobs(db, kind, payload, runningJobId);
}

/** A failure that retrying cannot fix: the job fails at once. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

export interface EnqueueOptions {
  readonly runAfter?: Date;
  readonly maxAttempts?: number;
  /** A second enqueue with the same key returns the first job instead of adding one. */
  readonly dedupeKey?: string;
}

export async function enqueueJob(
  db: Kysely<DB> | Transaction<DB>,
  kind: string,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<string> {
  return repo.insertJob(db, {
    id: randomUUID(),
    kind,
    payload,
    run_after: options.runAfter ?? new Date(),
    max_attempts: options.maxAttempts ?? 5,
    dedupe_key: options.dedupeKey ?? null,
  });
}

export interface WorkerOptions {
  readonly handlers: Readonly<Record<string, JobHandler>>;
  readonly leaseMs?: number;
  readonly idleMs?: number;
  readonly concurrency?: number;
  readonly onError?: (error: unknown, job: { id: string; kind: string }) => void;
  /** Backoff before retry n (1-based); default 2^n seconds, capped at 10 minutes. */
  readonly backoffMs?: (attempt: number) => number;
}

export interface Worker {
  readonly id: string;
  /** Runs one claimed job if any is ready; resolves true when it ran one. For tests and the CLI. */
  runOnce(): Promise<boolean>;
  /** Wakes the loop now (after an enqueue in the same process). */
  nudge(): void;
  stop(): Promise<void>;
}

const defaultBackoff = (attempt: number): number => Math.min(600_000, 1000 * 2 ** attempt);

/**
 * How long a claimed job stays with its worker without a heartbeat: after a crash, the time before another worker
 * (or the restarted process) takes it over. TRUYXUAT_JOB_LEASE_SECONDS, default 60.
 */
function defaultLeaseMs(): number {
  const seconds = Number(process.env.TRUYXUAT_JOB_LEASE_SECONDS);
  return Number.isFinite(seconds) && seconds >= 1 ? seconds * 1000 : 60_000;
}

export function startWorker(db: Kysely<DB>, options: WorkerOptions, autoStart = true): Worker {
  const id = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? defaultLeaseMs();
  const idleMs = options.idleMs ?? 500;
  const kinds = Object.keys(options.handlers);
  const backoff = options.backoffMs ?? defaultBackoff;
  let stopped = false;
  let wake: (() => void) | undefined;
  const loops: Promise<void>[] = [];

  async function runOnce(): Promise<boolean> {
    const job = await repo.claimJob(db, kinds, id, leaseMs);
    if (!job) return false;
    const handler = options.handlers[job.kind]!;
    let completedInHandler = false;
    const heartbeat = setInterval(() => {
      repo.extendLease(db, job.id, id, leaseMs).catch(() => undefined);
    }, leaseMs / 3);
    try {
      await handler(job.payload, {
        db,
        jobId: job.id,
        attempt: job.attempts,
        maxAttempts: job.max_attempts,
        complete: async (trx) => {
          await repo.completeJob(trx, job.id, id);
          completedInHandler = true;
        },
      });
      if (!completedInHandler) await repo.completeJob(db, job.id, id);
    } catch (error) {
      options.onError?.(error, job);
      const permanent = error instanceof PermanentJobError;
      const retryAt =
        !permanent && job.attempts < job.max_attempts ? new Date(Date.now() + backoff(job.attempts)) : null;
      const message = error instanceof Error ? error.message : String(error);
      await repo.failJob(db, job.id, id, message.slice(0, 2000), retryAt);
    } finally {
      clearInterval(heartbeat);
    }
    return true;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let ran = false;
      try {
        ran = await runOnce();
      } catch (error) {
        options.onError?.(error, { id: '', kind: '' });
      }
      if (!ran && !stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, idleMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  }

  if (autoStart) for (let i = 0; i < (options.concurrency ?? 1); i++) loops.push(loop());

  return {
    id,
    runOnce,
    nudge: () => wake?.(),
    stop: async () => {
      stopped = true;
      wake?.();
      await Promise.all(loops);
    },
  };
}

export async function getJob(db: Kysely<DB>, id: string) {
  return repo.findJob(db, id);
}
