import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** An organisation the province has enrolled (or withdrawn) for sync to a national platform. */
export interface NationalEnrolmentTable {
  platform: string;
  organisation_id: string;
  enabled: boolean;
  decided_by: string | null;
  decided_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** The platform's answer about the organisation profile (e.g. `pending_activation`, `active`). */
  portal_status: string | null;
  /** The platform refused the organisation's records until an administrator activates it: they wait until then. */
  paused_until: NullableTimestamp;
}

export interface NationalPlatformStateTable {
  platform: string;
  paused_until: NullableTimestamp;
  last_success_at: NullableTimestamp;
  last_error_at: NullableTimestamp;
  last_error_code: string | null;
  last_error_detail: string | null;
  /** The worker sending this platform's outbox, until when (one sender at a time keeps order and sends once). */
  lease_owner: string | null;
  lease_until: NullableTimestamp;
}

export type NationalRecordKind = 'organisation' | 'product' | 'chain' | 'event';
export type NationalOutboxStatus = 'pending' | 'sent' | 'failed';

export interface NationalOutboxTable {
  id: string;
  platform: string;
  organisation_id: string;
  record_kind: NationalRecordKind;
  /** Local identity: organisation id, product id, `gtin|lot` of a chain, EPCIS event row id. */
  source_id: string;
  /** The platform's key for the record (tax code, GTIN, chain code, event id): a re-send updates, never duplicates. */
  record_key: string;
  depends_on: string | null;
  /** Dependency rank: organisation 0, product 1, chain 2, event 3. */
  rank: number;
  sequence: Generated<string>;
  payload_hash: string;
  status: Generated<NationalOutboxStatus>;
  attempts: Generated<number>;
  queued_at: Timestamp;
  next_attempt_at: Timestamp;
  last_attempt_at: NullableTimestamp;
  sent_at: NullableTimestamp;
  last_code: string | null;
  last_http_status: number | null;
  last_detail: string | null;
  portal_ref: string | null;
}

export type NationalSyncOutcome = 'sent' | 'retry' | 'failed' | 'waiting';

export interface NationalSyncLogTable {
  id: Generated<string>;
  outbox_id: string;
  platform: string;
  organisation_id: string;
  record_kind: NationalRecordKind;
  record_key: string;
  at: Timestamp;
  attempt: number;
  outcome: NationalSyncOutcome;
  http_status: number | null;
  code: string | null;
  detail: string | null;
}

export interface NationalTables {
  national_enrolment: NationalEnrolmentTable;
  national_platform_state: NationalPlatformStateTable;
  national_outbox: NationalOutboxTable;
  national_sync_log: NationalSyncLogTable;
}
