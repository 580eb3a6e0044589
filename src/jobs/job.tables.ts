import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface JobTable {
  id: string;
  kind: string;
  payload: ColumnType<unknown, string, string>;
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  run_after: Timestamp;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_by: string | null;
  locked_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface JobTables {
  job: JobTable;
}
