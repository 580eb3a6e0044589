import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export type CredentialKind = 'none' | 'bearer' | 'basic';
export type ConnectorMode = 'pull' | 'subscribe';

/** An event a connector could not store because this node holds another event under its eventID. */
export interface ConnectorConflict {
  readonly eventID: string;
  readonly message: string;
}

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
  /** pull: polled on a schedule; subscribe: the remote delivers to our inbox through an EPCIS subscription. */
  mode: ColumnType<ConnectorMode, ConnectorMode | undefined, ConnectorMode>;
  /** The signature token the remote signs deliveries with (sealed like a credential). */
  inbox_secret_enc: string | null;
  /** The `dest` the subscription was made with (this node's inbox for the connector). */
  inbox_url: string | null;
  /** The remote subscription resource (`…/queries/{name}/subscriptions/{id}`) while subscribed. */
  subscription_url: string | null;
  subscribed_at: NullableTimestamp;
  subscription_error: string | null;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConnectorRunTable {
  id: string;
  connector_id: string;
  trigger: 'schedule' | 'manual' | 'webhook';
  status: 'running' | 'ok' | 'failed';
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  pages: Generated<number>;
  fetched: Generated<number>;
  stored: Generated<number>;
  duplicates: Generated<number>;
  resumed: Generated<boolean>;
  error: string | null;
  conflicts: Generated<number>;
  conflict_detail: ColumnType<ConnectorConflict[], string | undefined, string>;
}

/** The last answer a remote node gave for a lot: what a trace shows when the node is down. */
export interface RemoteAnswerTable {
  node_id: string;
  identifier: string;
  events: Json<Record<string, unknown>[]>;
  answered_at: Timestamp;
}

export interface ConnectorTables {
  federation_secret: FederationSecretTable;
  remote_node: RemoteNodeTable;
  connector: ConnectorTable;
  connector_run: ConnectorRunTable;
  remote_answer: RemoteAnswerTable;
}
