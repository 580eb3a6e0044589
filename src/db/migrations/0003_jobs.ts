import { sql, type Kysely } from 'kysely';

/** The job queue: background work claimed with FOR UPDATE SKIP LOCKED, leased, retried with backoff. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table job (
      id text primary key,
      kind text not null,
      payload jsonb not null,
      status text not null default 'queued',
      run_after timestamptz not null default now(),
      attempts integer not null default 0,
      max_attempts integer not null default 5,
      locked_by text,
      locked_until timestamptz,
      last_error text,
      dedupe_key text unique,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      finished_at timestamptz
    );
    create index job_queued on job (run_after) where status = 'queued';
    create index job_running on job (locked_until) where status = 'running';
  `.execute(db);
}
