import type { ColumnType, Generated } from 'kysely';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** One edge of the lot graph (see `lot-graph.ts` for the kinds and their direction). */
export interface LotEdgeTable {
  id: Generated<string>;
  event_row: string;
  kind: string;
  from_node: string;
  to_node: string;
  quantity: number | null;
  uom: string | null;
  from_organisation_id: string | null;
  to_organisation_id: string | null;
  biz_transaction: string | null;
  owner_organisation_id: string;
  visible_to: string[];
  declared_erroneous: Generated<boolean>;
}

/** A stored event declared erroneous (EPCIS 2.0 §7.4.1.4): the trace leaves it and its edges out. */
export interface TraceErrorDeclarationTable {
  event_row: string;
  declaration_time: NullableTimestamp;
  reason: string | null;
  recorded_at: Timestamp;
}

export interface TraceTables extends RecallTables {
  lot_edge: LotEdgeTable;
  trace_error_declaration: TraceErrorDeclarationTable;
}

export interface RecallTable {
  id: string;
  organisation_id: string | null;
  opened_by: string | null;
  reason: string;
  severity: string;
  status: Generated<string>;
  mock: Generated<boolean>;
  lots: string[];
  impact: ColumnType<unknown, string, string>;
  opened_at: Timestamp;
  closed_at: NullableTimestamp;
}

export interface RecallOrganisationTable {
  recall_id: string;
  organisation_id: string;
  acknowledged_at: NullableTimestamp;
  acknowledged_by: string | null;
  note: string | null;
}

/** When a recall reached a step of its workflow (the stopwatch). */
export interface RecallStepTable {
  recall_id: string;
  step: string;
  at: Timestamp;
}

/** A lot a recall covers (recalled directly, or downstream in its impact), by GTIN and lot for the lookups. */
export interface RecallLotTable {
  recall_id: string;
  identifier: string;
  gtin: string | null;
  lot: string | null;
  direct: boolean;
}

/** What an affected organisation did with a lot it holds. */
export interface RecallActionTable {
  id: string;
  recall_id: string;
  organisation_id: string;
  lot: string;
  action: string;
  quantity: ColumnType<string, number | string, number | string>;
  uom: string;
  note: string | null;
  recorded_by: string | null;
  recorded_at: Timestamp;
}

/** The receiver's refusal of one lot of a shipping event. */
export interface ShipmentRejectionTable {
  event_row: ColumnType<string, string | number, string | number>;
  lot: string;
  organisation_id: string;
  reason: string;
  rejected_by: string | null;
  rejected_at: Timestamp;
}

export interface RecallTables {
  recall: RecallTable;
  recall_organisation: RecallOrganisationTable;
  recall_step: RecallStepTable;
  recall_lot: RecallLotTable;
  recall_action: RecallActionTable;
  shipment_rejection: ShipmentRejectionTable;
}
