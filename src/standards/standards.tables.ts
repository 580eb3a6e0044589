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

export interface StandardsTables {
  standard: StandardTable;
  standard_evaluation: StandardEvaluationTable;
}
