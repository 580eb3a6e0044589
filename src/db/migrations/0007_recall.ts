import { sql, type Kysely } from 'kysely';

/**
 * Recalls: one row per recall (the lots, reason, severity, and the impact computed when it was opened — every
 * downstream lot, organisation and location with quantities), one row per affected organisation with its
 * acknowledgement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table recall (
      id text primary key,
      organisation_id text references organisation(id),
      opened_by text,
      reason text not null,
      severity text not null check (severity in ('high', 'medium', 'low')),
      status text not null default 'open' check (status in ('open', 'closed')),
      mock boolean not null default false,
      lots text[] not null,
      impact jsonb not null,
      opened_at timestamptz not null default now(),
      closed_at timestamptz
    );
    create index recall_opened on recall (opened_at desc);

    create table recall_organisation (
      recall_id text not null references recall(id) on delete cascade,
      organisation_id text not null references organisation(id),
      acknowledged_at timestamptz,
      acknowledged_by text,
      note text,
      primary key (recall_id, organisation_id)
    );
    create index recall_organisation_org on recall_organisation (organisation_id);
  `.execute(db);
}
