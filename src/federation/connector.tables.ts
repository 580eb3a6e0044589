import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export type CredentialKind = 'none' | 'bearer' | 'basic';

/** Where a pull connector stands: the lower bound of its next query and, mid-query, the next page to fetch. */
export interface ConnectorCursor {
  /** GE_recordTime of the current pass (ISO 8601); absent on the first pass. */
  since?: string;
  /** The next page of the current pass (absolute URL with its nextPageToken), kept across failures and restarts. */
  next?: string;
  /** The latest recordTime seen in the current pass; becomes `since` when the pass ends. */
  high?: string;
}

export interface FederationSecretTable {
  id: number;
  secret: Buffer;
  created_at: Timestamp;
}

export interface RemoteNodeTable {
  id: string;
  name: string;
  base_url: string;
  company_prefixes: Json<string[]>;
  credential_kind: CredentialKind;
  credential_enc: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConnectorTable {
  id: string;
  organisation_id: string;
  name: string;
  endpoint_url: string;
  query: Json<Record<string, string>>;
  credential_kind: CredentialKind;
  credential_enc: string | null;
  interval_seconds: number;
  per_page: Generated<number>;
  enabled: Generated<boolean>;
  cursor: Json<ConnectorCursor>;
  running_since: NullableTimestamp;
  last_run_at: NullableTimestamp;
  last_success_at: NullableTimestamp;
  last_error: string | null;
  consecutive_failures: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConnectorRunTable {
  id: string;
  connector_id: string;
  trigger: 'schedule' | 'manual';
  status: 'running' | 'ok' | 'failed';
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  pages: Generated<number>;
  fetched: Generated<number>;
  stored: Generated<number>;
  duplicates: Generated<number>;
  resumed: Generated<boolean>;
  error: string | null;
}

export interface ConnectorTables {
  federation_secret: FederationSecretTable;
  remote_node: RemoteNodeTable;
  connector: ConnectorTable;
  connector_run: ConnectorRunTable;
}
