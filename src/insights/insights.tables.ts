import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A calendar date (PostgreSQL `date`), read as `YYYY-MM-DD` text. */
type DateText = ColumnType<string, string, string>;
type Numeric = ColumnType<string, number | string, number | string>;
type BigCount = ColumnType<string, number | string, number | string>;

/** One target of the province's plan: which measure, what value by when. */
export interface InsightPlanTargetTable {
  id: string;
  measure: string;
  title: string;
  title_en: string;
  target: Numeric;
  unit: string;
  deadline: DateText;
  sort_order: ColumnType<number, number | undefined, number>;
  updated_by: string | null;
  updated_at: Timestamp;
}

/** Events per Huế day, organisation (the product's owner), product group and capture source. */
export interface InsightEventDayTable {
  day: DateText;
  organisation_id: string;
  group_code: string;
  source: string;
  events: BigCount;
}

/** Events per Huế day, product group and source, for the province's charts (no organisation: small). */
export interface InsightEventGroupDayTable {
  day: DateText;
  group_code: string;
  source: string;
  events: BigCount;
}

/** An organisation's first and last event day, and the last day its data arrived system to system. */
export interface InsightOrganisationActivityTable {
  organisation_id: string;
  first_day: DateText;
  last_day: DateText;
  last_system_day: ColumnType<string | null, string | null | undefined, string | null>;
  events: BigCount;
}

/** Scans per Huế day, GTIN and region (province code, '' unknown), with the GTIN's owner ('' unknown). */
export interface InsightScanDayTable {
  day: DateText;
  gtin: string;
  region: string;
  organisation_id: string;
  scans: BigCount;
}

/** How far the refresh has read each log, in commit order, and when it last ran. */
export interface InsightCursorTable {
  name: string;
  tx: ColumnType<string, string | undefined, string>;
  row_id: BigCount;
  refreshed_at: NullableTimestamp;
}

/** A measure's value as the refresh found it on a Huế day: the dashboard's trend line. */
export interface InsightMeasureSnapshotTable {
  day: DateText;
  measure: string;
  value: Numeric;
}

export interface InsightSurveyTable {
  id: string;
  title: string;
  sent_by: string | null;
  sent_at: Timestamp;
  closes_on: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface InsightSurveyResponseTable {
  survey_id: string;
  organisation_id: string;
  answers: ColumnType<Record<string, unknown>, string, string>;
  submitted_by: string | null;
  submitted_at: Timestamp;
}

export interface InsightReportTable {
  id: string;
  period: string;
  period_start: DateText;
  format: string;
  locale: string;
  content: Buffer;
  generated_at: Timestamp;
}

export interface InsightsTables {
  insight_plan_target: InsightPlanTargetTable;
  insight_event_day: InsightEventDayTable;
  insight_event_group_day: InsightEventGroupDayTable;
  insight_organisation_activity: InsightOrganisationActivityTable;
  insight_scan_day: InsightScanDayTable;
  insight_cursor: InsightCursorTable;
  insight_measure_snapshot: InsightMeasureSnapshotTable;
  insight_survey: InsightSurveyTable;
  insight_survey_response: InsightSurveyResponseTable;
  insight_report: InsightReportTable;
}
