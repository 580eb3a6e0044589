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

export interface EpcisTables {
  epcis_named_query: EpcisNamedQueryTable;
  capture_job: CaptureJobTable;
  epcis_event: EpcisEventTable;
  epcis_event_epc: EpcisEventEpcTable;
  epcis_event_link: EpcisEventLinkTable;
}
