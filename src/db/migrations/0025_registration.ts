import { sql, type Kysely } from 'kysely';

/**
 * Self-registration: a business signs itself up (its organisation is `pending` until the province decides), and the
 * decision with its reason is kept next to the application. A rejected organisation keeps its record (status
 * `rejected`) so that the applicant can read why.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table organisation_registration (
      organisation_id text primary key references organisation (id),
      applicant_user_id text not null references app_user (id),
      submitted_at timestamptz not null default now(),
      decision text,
      reason text,
      decided_at timestamptz,
      decided_by text
    );
    create index organisation_registration_undecided on organisation_registration (submitted_at)
      where decision is null;
  `.execute(db);
}
