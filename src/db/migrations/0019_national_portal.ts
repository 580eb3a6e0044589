import { sql, type Kysely } from 'kysely';

/**
 * National platform sync (first platform: the National Traceability Portal). Which organisations the province has
 * enrolled, the outbox of records to send (one row per organisation, product, production chain and stage event,
 * keyed by the portal's own key so a re-send is an update), the per-record sync log, and the platform's state
 * (paused after a rate limit or an outage, last success, last error).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table national_enrolment (
      platform text not null,
      organisation_id text not null references organisation(id),
      enabled boolean not null,
      decided_by text,
      decided_at timestamptz not null default now(),
      portal_status text,
      paused_until timestamptz,
      primary key (platform, organisation_id)
    );

    create table national_platform_state (
      platform text primary key,
      paused_until timestamptz,
      last_success_at timestamptz,
      last_error_at timestamptz,
      last_error_code text,
      last_error_detail text
    );

    create table national_outbox (
      id text primary key,
      platform text not null,
      organisation_id text not null references organisation(id),
      record_kind text not null check (record_kind in ('organisation', 'product', 'chain', 'event')),
      source_id text not null,
      record_key text not null,
      depends_on text references national_outbox(id),
      rank integer not null,
      sequence bigint generated always as identity,
      payload_hash text not null,
      status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
      attempts integer not null default 0,
      queued_at timestamptz not null,
      next_attempt_at timestamptz not null,
      last_attempt_at timestamptz,
      sent_at timestamptz,
      last_code text,
      last_http_status integer,
      last_detail text,
      portal_ref text,
      unique (platform, record_kind, source_id)
    );
    create index national_outbox_pending on national_outbox (platform, organisation_id, rank, sequence)
      where status = 'pending';
    create index national_outbox_org on national_outbox (organisation_id, record_kind, status);
    create index national_outbox_depends on national_outbox (depends_on) where depends_on is not null;

    create table national_sync_log (
      id bigint generated always as identity primary key,
      outbox_id text not null references national_outbox(id) on delete cascade,
      platform text not null,
      organisation_id text not null,
      record_kind text not null,
      record_key text not null,
      at timestamptz not null,
      attempt integer not null,
      outcome text not null check (outcome in ('sent', 'retry', 'failed', 'waiting')),
      http_status integer,
      code text,
      detail text
    );
    create index national_sync_log_at on national_sync_log (at desc, id desc);
    create index national_sync_log_org on national_sync_log (organisation_id, at desc, id desc);
    create index national_sync_log_outbox on national_sync_log (outbox_id, id desc);
  `.execute(db);
}
