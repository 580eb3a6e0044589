import { sql, type Kysely } from 'kysely';

/**
 * The first answer to a request sent with an `Idempotency-Key` header (IETF httpapi Idempotency-Key draft), kept so
 * that a retry with the same key and the same request gets it again instead of creating a second object. A row is
 * written in the same transaction as the change it answers, so a stored answer exists exactly when the change does.
 * Keys are the client's, unique per owner (the caller's organisation, else the user or API key); rows older than
 * 24 hours are pruned by the `idempotency.prune` job.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table idempotency_key (
      owner text not null,
      key text not null,
      -- The method and the route's pattern with its parameters: "POST /api/recalls/:id/actions {id}".
      request_route text not null,
      -- SHA-256 of the route line and the request body as received: the same key with another request is refused.
      request_hash text not null,
      response_status integer not null,
      response_body jsonb,
      created_at timestamptz not null default now(),
      completed_at timestamptz not null default now(),
      primary key (owner, key)
    );
    create index idempotency_key_created on idempotency_key (created_at);
  `.execute(db);
}
