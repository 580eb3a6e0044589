import type { ColumnType, Generated } from 'kysely';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** One version of a standard profile: draft → published → superseded. A published document never changes. */
export interface StandardTable {
  id: string;
  profile_id: string;
  version: number;
  status: 'draft' | 'published' | 'superseded';
  title: string;
  title_en: string;
  product_groups: string[];
  document: Json<unknown>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  published_at: NullableTimestamp;
  superseded_at: NullableTimestamp;
}

/** A lot evaluated against one standard version (the version is kept: a new version never rewrites it). */
export interface StandardEvaluationTable {
  id: Generated<string>;
  standard_id: string;
  profile_id: string;
  version: number;
  lot: string | null;
  organisation_id: string | null;
  score: number;
  errors: number;
  warnings: number;
  findings: Json<unknown>;
  event_ids: string[];
  evaluated_by: string | null;
  evaluated_at: Timestamp;
}

/** A product bound to one standard version (rebinding is explicit); unbound products follow their group's. */
export interface ProductStandardTable {
  product_id: string;
  standard_id: string;
  bound_by: string | null;
  bound_at: Timestamp;
}

/** The current compliance of a lot against the standard version its product uses, refreshed as events arrive. */
export interface LotComplianceTable {
  lot: string;
  gtin: string;
  product_id: string;
  organisation_id: string;
  standard_id: string;
  profile_id: string;
  version: number;
  score: number;
  errors: number;
  warnings: number;
  findings: Json<unknown>;
  event_count: number;
  evaluated_at: Timestamp;
}

/** What a capture job was told about its events against their products' standards. */
export interface CaptureComplianceTable {
  capture_job_id: string;
  behaviour: 'warn' | 'reject';
  warnings: Json<unknown>;
  created_at: Timestamp;
}

export interface StandardsTables {
  standard: StandardTable;
  standard_evaluation: StandardEvaluationTable;
  product_standard: ProductStandardTable;
  lot_compliance: LotComplianceTable;
  capture_compliance: CaptureComplianceTable;
}
