import { sql, type Kysely } from 'kysely';

/**
 * The resolver: links per identifier level managed by businesses, withdrawn identifier levels, the scan log (no IP
 * addresses: a keyed, daily-salted hash only) and the alerts raised by the scan rules.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table resolver_link (
      id text primary key,
      organisation_id text not null references organisation(id),
      identifier text not null check (identifier like '/%'),
      primary_ai text not null,
      primary_value text not null,
      link_type text not null,
      title text not null,
      href text not null,
      hreflang text[] not null default '{}',
      context text[] not null default '{}',
      media_type text,
      is_default boolean not null default false,
      active boolean not null default true,
      created_by text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index resolver_link_key on resolver_link (primary_ai, primary_value);
    create index resolver_link_organisation on resolver_link (organisation_id);

    create table resolver_withdrawal (
      identifier text primary key check (identifier like '/%'),
      organisation_id text not null references organisation(id),
      reason text,
      withdrawn_by text,
      withdrawn_at timestamptz not null default now()
    );

    create table scan (
      id bigint generated always as identity primary key,
      scanned_at timestamptz not null,
      gtin text not null,
      lot text,
      serial text,
      region text,
      device text not null,
      ip_hash text,
      stamp_id text
    );
    create index scan_item on scan (gtin, serial, scanned_at);
    create index scan_time on scan (scanned_at);

    create table alert (
      id text primary key,
      organisation_id text not null references organisation(id),
      kind text not null,
      severity text not null check (severity in ('high', 'medium', 'low')),
      gtin text not null,
      lot text,
      serial text,
      details jsonb not null default '{}'::jsonb,
      dedupe_key text not null unique,
      created_at timestamptz not null default now(),
      acknowledged_at timestamptz,
      acknowledged_by text
    );
    create index alert_organisation on alert (organisation_id, created_at desc);
    create index alert_created on alert (created_at desc);
  `.execute(db);
}
