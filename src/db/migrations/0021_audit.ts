import { sql, type Kysely } from 'kysely';

/**
 * The audit trail: a hash-chained log of every change to registry data, standards, recalls, stamps and captures,
 * with a single-row chain head that serialises appends across server instances; and API key rotation (the
 * previous secret stays valid until a grace deadline).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_entry (
      seq bigint primary key,
      at timestamptz not null,
      actor_kind text not null,
      actor_user_id text,
      actor_api_key_id text,
      actor_organisation_id text,
      actor_detail text,
      action text not null,
      object_type text not null,
      object_id text not null,
      organisation_id text,
      change_digest text not null,
      detail jsonb not null default '{}',
      prev_hash text not null,
      hash text not null
    );
    create index audit_entry_at on audit_entry (at);
    create index audit_entry_object on audit_entry (object_type, object_id);
    create index audit_entry_organisation on audit_entry (organisation_id, seq);
    create index audit_entry_actor_organisation on audit_entry (actor_organisation_id, seq);

    create table audit_chain (
      id integer primary key check (id = 1),
      seq bigint not null,
      hash text not null
    );
    insert into audit_chain (id, seq, hash) values (1, 0, repeat('0', 64));

    alter table api_key add column previous_secret_hash text;
    alter table api_key add column previous_valid_until timestamptz;
    alter table api_key add column rotated_at timestamptz;
  `.execute(db);
}
