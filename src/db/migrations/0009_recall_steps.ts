import { sql, type Kysely } from 'kysely';

/**
 * The stopwatch of a recall (mock or real): when each step of the workflow was reached — opened, impact computed,
 * spreadsheet produced, every affected organisation acknowledged, closed. One row per step, written once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table recall_step (
      recall_id text not null references recall(id) on delete cascade,
      step text not null check (step in ('opened', 'impact_computed', 'spreadsheet_produced', 'acknowledged', 'closed')),
      at timestamptz not null,
      primary key (recall_id, step)
    );
  `.execute(db);
}
