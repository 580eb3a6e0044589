import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface CaptureJobTable {
  id: string;
  organisation_id: string;
  via_organisation_id: string | null;
  captured_by: string | null;
  channel: Generated<string>;
  error_behaviour: Generated<string>;
  status: Generated<string>;
  event_count: number;
  stored_count: Generated<number>;
  duplicate_count: Generated<number>;
  errors: ColumnType<CaptureError[], string | undefined, string>;
  payload: ColumnType<unknown, string | null, string | null>;
  created_at: Timestamp;
  finished_at: NullableTimestamp;
}

/** One error of a capture job, as the EPCIS REST binding reports it. */
export interface CaptureError {
  readonly eventIndex?: number;
  readonly field?: string;
  readonly message: string;
  readonly type: string;
}

export interface EpcisEventTable {
  id: Generated<string>;
  event_id: string;
  event_hash: string;
  event_type: string;
  event_time: Timestamp;
  event_time_zone_offset: string;
  record_time: Timestamp;
  action: string | null;
  biz_step: string | null;
  disposition: string | null;
  read_point: string | null;
  biz_location: string | null;
  transformation_id: string | null;
  error_declaration_time: NullableTimestamp;
  error_reason: string | null;
  owner_organisation_id: string;
  via_organisation_id: string | null;
  visible_to: ColumnType<string[], string[], string[]>;
  capture_job_id: string | null;
  channel: Generated<string>;
  namespaces: ColumnType<Record<string, string>, string | undefined, string>;
  document: ColumnType<Record<string, unknown>, string, string>;
}

export interface EpcisEventEpcTable {
  event_row: string;
  role: string;
  epc: string;
  is_class: boolean;
  gtin: string | null;
  lot: string | null;
  serial: string | null;
  quantity: number | null;
  uom: string | null;
}

export interface EpcisEventLinkTable {
  event_row: string;
  kind: string;
  type: string | null;
  value: string;
  organisation_id: string | null;
}

export interface EpcisNamedQueryTable {
  organisation_id: string;
  name: string;
  query: ColumnType<Record<string, string[]>, string, string>;
  created_at: Timestamp;
}

/** An EPCIS query subscription delivered by webhook (`epcis_subscription`). */
export interface EpcisSubscriptionTable {
  id: string;
  organisation_id: string;
  query_name: string;
  /** The organisation whose view of the events the subscription has; null: every event (province). */
  sees_organisation_id: string | null;
  dest: string;
  signature_token: string | null;
  stream: boolean;
  schedule: ColumnType<Record<string, string> | null, string | null, string | null>;
  report_if_empty: Generated<boolean>;
  epc_format: Generated<string>;
  initial_record_time: Timestamp;
  /** The last delivered event: its inserting transaction (xid8, as text) and row id. */
  cursor_tx: Generated<string>;
  cursor_row: Generated<string>;
  /** Scheduled subscriptions: the run the schedule chain is at (only the job for this time may move it on). */
  next_run_at: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  last_notified_at: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  failure_count: Generated<number>;
  lease_owner: string | null;
  lease_until: NullableTimestamp;
}

export interface EpcisSubscriptionDeliveryTable {
  id: Generated<string>;
  subscription_id: string;
  attempted_at: Timestamp;
  trigger: string;
  attempt: number;
  event_count: number;
  first_row: string | null;
  last_row: string | null;
  delivered: boolean;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface EpcisEventVisibilityTable {
  organisation_id: string;
  event_row: string;
  event_time: Timestamp;
  record_time: Timestamp;
  biz_step: string | null;
}

export interface EpcisMasterDataTable {
  organisation_id: string;
  vocabulary_type: string;
  element_id: string;
  attributes: ColumnType<Record<string, unknown>, string, string>;
  children: ColumnType<string[], string[], string[]>;
  updated_at: Timestamp;
}

export interface EpcisTables {
  epcis_master_data: EpcisMasterDataTable;
  epcis_event_visibility: EpcisEventVisibilityTable;
  epcis_subscription: EpcisSubscriptionTable;
  epcis_subscription_delivery: EpcisSubscriptionDeliveryTable;
  epcis_named_query: EpcisNamedQueryTable;
  capture_job: CaptureJobTable;
  epcis_event: EpcisEventTable;
  epcis_event_epc: EpcisEventEpcTable;
  epcis_event_link: EpcisEventLinkTable;
}
