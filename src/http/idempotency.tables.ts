import type { ColumnType, Generated } from 'kysely';

/** The stored first answer to a request sent with an `Idempotency-Key` (migration 0029). */
export interface IdempotencyKeyTable {
  owner: string;
  key: string;
  request_route: string;
  request_hash: string;
  response_status: number;
  response_body: ColumnType<unknown, string | null, string | null>;
  created_at: Generated<Date>;
  completed_at: Generated<Date>;
}

export interface IdempotencyTables {
  idempotency_key: IdempotencyKeyTable;
}
