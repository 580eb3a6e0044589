import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** The state of one serialized stamp: printed (issued), bound to a lot at packing, seen by a consumer, withdrawn. */
export type StampState = 'issued' | 'activated' | 'scanned' | 'void';
/** A batch's state summarises its stamps: none activated, some, all (that are not void), or all void. */
export type StampBatchState = 'issued' | 'partly_activated' | 'activated' | 'void';

/** A business's order of N serialized stamps for one product (and, once known, its lot). */
export interface StampBatchTable {
  id: string;
  organisation_id: string;
  product_id: string;
  gtin: string;
  lot: string | null;
  quantity: number;
  layout: string;
  with_verification_code: boolean;
  state: StampBatchState;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One stamp: a GTIN + serial pair printed as a GS1 Digital Link QR code; `sequence` is its place in the batch. */
export interface StampTable {
  id: Generated<string>;
  batch_id: string;
  sequence: number;
  organisation_id: string;
  gtin: string;
  serial: string;
  lot: string | null;
  /** HMAC of the scratch-off code (hex), never the code itself; null when the batch has no codes. */
  verification_code_hash: string | null;
  state: StampState;
  activated_at: NullableTimestamp;
  voided_at: NullableTimestamp;
  first_scanned_at: NullableTimestamp;
  last_scanned_at: NullableTimestamp;
  scan_count: Generated<number>;
}

/** The installation's secret for scratch-off codes: one row, generated once by the migration. */
export interface LabelSecretTable {
  id: number;
  secret: Buffer;
  created_at: Timestamp;
}

export interface LabelsTables {
  stamp_batch: StampBatchTable;
  stamp: StampTable;
  label_secret: LabelSecretTable;
}
