import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** One link a business published for one identifier level (GS1-Conformant Resolver 1.2 §"link metadata"). */
export interface ResolverLinkTable {
  id: string;
  organisation_id: string;
  /** Canonical Digital Link path of the level, e.g. `/01/08936…` or `/01/08936…/10/LOT1`. */
  identifier: string;
  primary_ai: string;
  primary_value: string;
  /** CURIE of the link type, e.g. `gs1:pip`. */
  link_type: string;
  title: string;
  href: string;
  hreflang: ColumnType<string[], string[] | undefined, string[]>;
  context: ColumnType<string[], string[] | undefined, string[]>;
  media_type: string | null;
  is_default: Generated<boolean>;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** An identifier level its owner withdrew: the resolver answers 410 Gone for it and everything below it. */
export interface ResolverWithdrawalTable {
  identifier: string;
  organisation_id: string;
  reason: string | null;
  withdrawn_by: string | null;
  withdrawn_at: Timestamp;
}

/** One resolution (a scan). Never holds an IP address: only a keyed hash with a salt that rotates daily. */
export interface ScanTable {
  id: Generated<string>;
  scanned_at: Timestamp;
  gtin: string;
  lot: string | null;
  serial: string | null;
  region: string | null;
  device: string;
  ip_hash: string | null;
  stamp_id: string | null;
}

/** An anomaly raised by the scan rules, for the brand owner and the province. */
export interface AlertTable {
  id: string;
  organisation_id: string;
  kind: string;
  severity: string;
  gtin: string;
  lot: string | null;
  serial: string | null;
  details: ColumnType<Record<string, unknown>, string, string>;
  dedupe_key: string;
  created_at: Timestamp;
  acknowledged_at: NullableTimestamp;
  acknowledged_by: string | null;
}

export interface ResolverTables {
  resolver_link: ResolverLinkTable;
  resolver_withdrawal: ResolverWithdrawalTable;
  scan: ScanTable;
  alert: AlertTable;
}
