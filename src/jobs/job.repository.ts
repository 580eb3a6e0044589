import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

/** SQL of the job queue. */

export interface JobRow {
  id: string;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

export async function insertJob(
  db: Kysely<DB> | Transaction<DB>,
  row: { id: string; kind: string; payload: unknown; run_after: Date; max_attempts: number; dedupe_key: string | null },
): Promise<string> {
  const inserted = await db
    .insertInto('job')
    .values({ ...row, payload: JSON.stringify(row.payload) })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await db
    .selectFrom('job')
    .select('id')
    .where('dedupe_key', '=', row.dedupe_key)
    .executeTakeFirstOrThrow();
  return existing.id;
}

export async function queuedJobDueBy(db: Kysely<DB>, kind: string, by: Date): Promise<boolean> {
  const row = await db
    .selectFrom('job')
    .select('id')
    .where('kind', '=', kind)
    .where('status', '=', 'queued')
    .where('run_after', '<=', by)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteQueuedJobs(
  db: Kysely<DB>,
  kind: string,
  payload: Record<string, unknown>,
  exceptId: string,
): Promise<number> {
  const result = await db
    .deleteFrom('job')
    .where('kind', '=', kind)
    .where('status', '=', 'queued')
    .where('id', '<>', exceptId)
    .where(sql<boolean>`payload @> ${JSON.stringify(payload)}::jsonb`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Claims the next runnable job of the given kinds: a queued job whose time has come, or a running job whose lease
 * expired (its worker died). SKIP LOCKED lets several workers claim concurrently without waiting on each other.
 */
export async function claimJob(
  db: Kysely<DB>,
  kinds: readonly string[],
  workerId: string,
  leaseMs: number,
): Promise<JobRow | undefined> {
  if (kinds.length === 0) return undefined;
  const result = await sql<JobRow>`
    update job set status = 'running', locked_by = ${workerId},
      locked_until = now() + make_interval(secs => ${leaseMs / 1000}), attempts = attempts + 1, updated_at = now()
    where id = (
      select id from job
      where kind in (${sql.join(kinds)})
        and ((status = 'queued' and run_after <= now()) or (status = 'running' and locked_until < now()))
      order by run_after, created_at
      limit 1
      for update skip locked
    )
    returning id, kind, payload, attempts, max_attempts
  `.execute(db);
  return result.rows[0];
}

export async function extendLease(db: Kysely<DB>, id: string, workerId: string, leaseMs: number): Promise<void> {
  await sql`update job set locked_until = now() + make_interval(secs => ${leaseMs / 1000})
    where id = ${id} and locked_by = ${workerId} and status = 'running'`.execute(db);
}

export async function completeJob(db: Kysely<DB> | Transaction<DB>, id: string, workerId: string): Promise<void> {
  await db
    .updateTable('job')
    .set({
      status: 'done',
      locked_by: null,
      locked_until: null,
      finished_at: new Date(),
      updated_at: new Date(),
      last_error: null,
    })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .execute();
}

export async function failJob(
  db: Kysely<DB>,
  id: string,
  workerId: string,
  error: string,
  retryAt: Date | null,
): Promise<void> {
  await db
    .updateTable('job')
    .set(
      retryAt
        ? {
            status: 'queued',
            run_after: retryAt,
            locked_by: null,
            locked_until: null,
            last_error: error,
            updated_at: new Date(),
          }
        : {
            status: 'failed',
            locked_by: null,
            locked_until: null,
            last_error: error,
            finished_at: new Date(),
            updated_at: new Date(),
          },
    )
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .execute();
}

export async function findJob(db: Kysely<DB>, id: string) {
  return db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst();
}
