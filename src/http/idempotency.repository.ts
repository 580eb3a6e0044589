import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

/**
 * Takes the transaction-scoped lock of one key without waiting: false when another request with the same key holds
 * it (still running). Held until the transaction ends, so the stored answer is visible to whoever takes it next.
 */
export async function tryLockKey(trx: Transaction<DB>, owner: string, key: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    select pg_try_advisory_xact_lock(hashtextextended(${`idempotency:${owner}:${key}`}, 0)) as locked`.execute(trx);
  return rows[0]?.locked === true;
}

export function findStoredAnswer(db: Kysely<DB>, owner: string, key: string) {
  return db
    .selectFrom('idempotency_key')
    .select(['request_route', 'request_hash', 'response_status', 'response_body'])
    .where('owner', '=', owner)
    .where('key', '=', key)
    .executeTakeFirst();
}

export async function storeAnswer(
  trx: Transaction<DB>,
  row: { owner: string; key: string; route: string; hash: string; status: number; body: string | null },
): Promise<void> {
  await trx
    .insertInto('idempotency_key')
    .values({
      owner: row.owner,
      key: row.key,
      request_route: row.route,
      request_hash: row.hash,
      response_status: row.status,
      response_body: row.body,
    })
    .execute();
}

/** Deletes the stored answers older than `before`; returns how many. */
export async function deleteAnswersBefore(db: Kysely<DB>, before: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_key').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
