import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

/**
 * Runs `work` in the caller's transaction when `db` is one (a loader or a service that groups several writes), else
 * in a transaction of its own. Kysely refuses to open a transaction inside a transaction.
 */
export function inTransaction<T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<DB>) : db.transaction().execute(work);
}
