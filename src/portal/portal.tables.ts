import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** A consumer's "report a problem" from the consumer page, for the brand owner and the province. */
export interface ProblemReportTable {
  id: string;
  /** The brand owner (the product's organisation). */
  organisation_id: string;
  product_id: string;
  gtin: string;
  lot: string | null;
  serial: string | null;
  message: string;
  contact: string | null;
  locale: string;
  /** A keyed hash of the sender's IP address, for the per-address rate limit (the address itself is never kept). */
  ip_hash: string;
  created_at: Timestamp;
}

export interface PortalTables {
  problem_report: ProblemReportTable;
}
