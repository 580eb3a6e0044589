import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { enqueueJob, getJob, PermanentJobError, startWorker } from '../src/jobs/job.service.ts';
import { openTestDatabase } from './helpers/database.ts';

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database?.close());

describe('job queue', () => {
  it('runs a job once and marks it done', async () => {
    const seen: unknown[] = [];
    const id = await enqueueJob(database.db, 'test.once', { n: 1 });
    const worker = startWorker(database.db, { handlers: { 'test.once': async (p) => void seen.push(p) } }, false);
    expect(await worker.runOnce()).toBe(true);
    expect(await worker.runOnce()).toBe(false);
    expect(seen).toEqual([{ n: 1 }]);
    expect((await getJob(database.db, id))?.status).toBe('done');
  });

  it('retries a failing job with backoff, then fails it after max attempts', async () => {
    let calls = 0;
    const id = await enqueueJob(database.db, 'test.flaky', {}, { maxAttempts: 2 });
    const worker = startWorker(
      database.db,
      {
        handlers: {
          'test.flaky': async () =>
            void (
              calls++,
              (() => {
                throw new Error('boom');
              })()
            ),
        },
        backoffMs: () => 0,
      },
      false,
    );
    await worker.runOnce();
    let job = await getJob(database.db, id);
    expect(job).toMatchObject({ status: 'queued', attempts: 1, last_error: 'boom' });
    await worker.runOnce();
    job = await getJob(database.db, id);
    expect(job).toMatchObject({ status: 'failed', attempts: 2 });
    expect(calls).toBe(2);
  });

  it('fails a permanent error at once', async () => {
    const id = await enqueueJob(database.db, 'test.permanent', {});
    const worker = startWorker(
      database.db,
      {
        handlers: {
          'test.permanent': async () => {
            throw new PermanentJobError('bad input');
          },
        },
      },
      false,
    );
    await worker.runOnce();
    expect(await getJob(database.db, id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'bad input' });
  });

  it('hands the job of a dead worker to another when its lease expires', async () => {
    const id = await enqueueJob(database.db, 'test.lease', {});
    // A worker claims the job and dies: simulate by claiming and never finishing, with an expired lease.
    await sql`update job set status = 'running', locked_by = 'dead-worker', locked_until = now() - interval '1 second', attempts = 1 where id = ${id}`.execute(
      database.db,
    );
    let ran = 0;
    const worker = startWorker(database.db, { handlers: { 'test.lease': async () => void ran++ } }, false);
    expect(await worker.runOnce()).toBe(true);
    expect(ran).toBe(1);
    expect(await getJob(database.db, id)).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('does not take a job whose lease is still held', async () => {
    const id = await enqueueJob(database.db, 'test.held', {});
    await sql`update job set status = 'running', locked_by = 'alive', locked_until = now() + interval '1 hour' where id = ${id}`.execute(
      database.db,
    );
    const worker = startWorker(database.db, { handlers: { 'test.held': async () => undefined } }, false);
    expect(await worker.runOnce()).toBe(false);
  });

  it('deduplicates by key', async () => {
    const a = await enqueueJob(database.db, 'test.dedupe', { x: 1 }, { dedupeKey: 'k1' });
    const b = await enqueueJob(database.db, 'test.dedupe', { x: 2 }, { dedupeKey: 'k1' });
    expect(b).toBe(a);
  });

  it('commits the work and the completion together when the handler completes in its transaction', async () => {
    await sql`create table if not exists job_probe (id text primary key)`.execute(database.db);
    const id = await enqueueJob(database.db, 'test.tx', { key: 'p1' });
    const worker = startWorker(
      database.db,
      {
        handlers: {
          'test.tx': async (payload, ctx) => {
            await ctx.db.transaction().execute(async (trx) => {
              await sql`insert into job_probe (id) values (${(payload as { key: string }).key})`.execute(trx);
              await ctx.complete(trx);
            });
          },
        },
      },
      false,
    );
    await worker.runOnce();
    expect((await getJob(database.db, id))?.status).toBe('done');
    const rows = await sql<{ id: string }>`select id from job_probe`.execute(database.db);
    expect(rows.rows).toEqual([{ id: 'p1' }]);
  });

  it('lets several workers drain a queue without running any job twice', async () => {
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => enqueueJob(database.db, 'test.many', { i })));
    const runs = new Map<number, number>();
    const handler = async (p: unknown) => {
      const i = (p as { i: number }).i;
      runs.set(i, (runs.get(i) ?? 0) + 1);
    };
    const workers = [0, 1, 2].map(() => startWorker(database.db, { handlers: { 'test.many': handler }, idleMs: 20 }));
    for (let i = 0; i < 200 && runs.size < 40; i++) await new Promise((r) => setTimeout(r, 25));
    await Promise.all(workers.map((w) => w.stop()));
    expect(runs.size).toBe(40);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    const done = await database.db
      .selectFrom('job')
      .select('id')
      .where('id', 'in', ids)
      .where('status', '=', 'done')
      .execute();
    expect(done.length).toBe(40);
  });
});
