import { sql, type Kysely } from 'kysely';

/**
 * Federation, second step: connectors that subscribe by webhook to a remote EPCIS subscription (the remote's
 * subscription resource and the per-connector signature token, sealed like credentials), per-event eventID clashes
 * in the run log, a lease on each national platform so only one worker sends its outbox at a time, and the last
 * answer each remote node gave for a lot (bounded), so a cross-node trace can say what the node last answered when
 * it is down.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table connector
      add column mode text not null default 'pull' check (mode in ('pull', 'subscribe')),
      add column inbox_secret_enc text,
      add column inbox_url text,
      add column subscription_url text,
      add column subscribed_at timestamptz,
      add column subscription_error text;
    alter table connector_run drop constraint connector_run_trigger_check;
    alter table connector_run add constraint connector_run_trigger_check
      check (trigger in ('schedule', 'manual', 'webhook'));
    alter table connector_run
      add column conflicts integer not null default 0,
      add column conflict_detail jsonb not null default '[]';
    alter table national_platform_state
      add column lease_owner text,
      add column lease_until timestamptz;
    create table remote_answer (
      node_id text not null references remote_node(id) on delete cascade,
      identifier text not null,
      events jsonb not null,
      answered_at timestamptz not null,
      primary key (node_id, identifier)
    );
    create index remote_answer_age on remote_answer (node_id, answered_at desc);
  `.execute(db);
}
