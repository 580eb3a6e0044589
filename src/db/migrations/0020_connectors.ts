import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/**
 * Federation with other EPCIS systems: remote nodes (other truyxuat provinces or any conformant EPCIS 2.0 system)
 * that a cross-node trace may query, pull connectors that copy a remote query's events into this node, the log of
 * every connector run, and the key that encrypts the credentials of both (AES-256-GCM; made here, never exported).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table federation_secret (
      id integer primary key check (id = 1),
      secret bytea not null,
      created_at timestamptz not null default now()
    );

    create table remote_node (
      id text primary key,
      name text not null check (char_length(name) between 1 and 200),
      base_url text not null unique,
      company_prefixes jsonb not null default '[]',
      credential_kind text not null check (credential_kind in ('none', 'bearer', 'basic')),
      credential_enc text,
      created_by text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table connector (
      id text primary key,
      organisation_id text not null references organisation(id),
      name text not null check (char_length(name) between 1 and 200),
      endpoint_url text not null,
      query jsonb not null default '{}',
      credential_kind text not null check (credential_kind in ('none', 'bearer', 'basic')),
      credential_enc text,
      interval_seconds integer not null check (interval_seconds between 60 and 604800),
      per_page integer not null default 100 check (per_page between 1 and 1000),
      enabled boolean not null default true,
      cursor jsonb not null default '{}',
      running_since timestamptz,
      last_run_at timestamptz,
      last_success_at timestamptz,
      last_error text,
      consecutive_failures integer not null default 0,
      created_by text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index connector_organisation on connector (organisation_id);

    create table connector_run (
      id text primary key,
      connector_id text not null references connector(id) on delete cascade,
      trigger text not null check (trigger in ('schedule', 'manual')),
      status text not null check (status in ('running', 'ok', 'failed')),
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      pages integer not null default 0,
      fetched integer not null default 0,
      stored integer not null default 0,
      duplicates integer not null default 0,
      resumed boolean not null default false,
      error text
    );
    create index connector_run_connector on connector_run (connector_id, started_at desc);

    create index epcis_event_via_provider on epcis_event (via_organisation_id, owner_organisation_id, record_time desc)
      where via_organisation_id is not null;
    create index capture_job_via_provider on capture_job (via_organisation_id, created_at desc)
      where via_organisation_id is not null;
  `.execute(db);
  await sql`insert into federation_secret (id, secret) values (1, ${randomBytes(32)})`.execute(db);
}
