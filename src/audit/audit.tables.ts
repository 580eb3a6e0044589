import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** One entry of the hash-chained audit log; `seq` is the chain position (1, 2, …), never reused. */
export interface AuditEntryTable {
  seq: ColumnType<string, string | number, never>;
  at: Timestamp;
  actor_kind: string;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  actor_organisation_id: string | null;
  actor_detail: string | null;
  action: string;
  object_type: string;
  object_id: string;
  organisation_id: string | null;
  change_digest: string;
  detail: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

/** The chain head: one row (id 1) holding the last position and hash; locked by every append. */
export interface AuditChainTable {
  id: number;
  seq: ColumnType<string, string | number, string | number>;
  hash: string;
}

export interface AuditTables {
  audit_entry: AuditEntryTable;
  audit_chain: AuditChainTable;
}
