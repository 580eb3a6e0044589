import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { ConnectorConflict, ConnectorCursor, ConnectorMode, CredentialKind } from './connector.tables.ts';

/** SQL for pull connectors and their runs. Only this file touches those tables. */

type Db = Kysely<DB> | Transaction<DB>;

const CONNECTOR_COLUMNS = [
  'connector.id',
  'connector.organisation_id',
  'connector.name',
  'connector.endpoint_url',
  'connector.query',
  'connector.credential_kind',
  'connector.interval_seconds',
  'connector.per_page',
  'connector.enabled',
  'connector.cursor',
  'connector.running_since',
  'connector.last_run_at',
  'connector.last_success_at',
  'connector.last_error',
  'connector.consecutive_failures',
  'connector.mode',
  'connector.subscription_url',
  'connector.subscribed_at',
  'connector.subscription_error',
  'connector.inbox_url',
  'connector.created_at',
  'connector.updated_at',
] as const;

export async function insertConnector(
  db: Db,
  row: {
    id: string;
    organisation_id: string;
    name: string;
    endpoint_url: string;
    query: Record<string, string>;
    credential_kind: CredentialKind;
    credential_enc: string | null;
    interval_seconds: number;
    per_page: number;
    enabled: boolean;
    mode: ConnectorMode;
    created_by: string | null;
  },
): Promise<void> {
  await db
    .insertInto('connector')
    .values({ ...row, query: JSON.stringify(row.query), cursor: '{}' })
    .execute();
}

export async function listConnectors(db: Db, organisationId: string | undefined) {
  let q = db
    .selectFrom('connector')
    .innerJoin('organisation', 'organisation.id', 'connector.organisation_id')
    .select([...CONNECTOR_COLUMNS, 'organisation.name as organisation_name']);
  if (organisationId !== undefined) q = q.where('connector.organisation_id', '=', organisationId);
  return q.orderBy('connector.created_at', 'desc').execute();
}

export async function findConnector(db: Db, id: string) {
  return db
    .selectFrom('connector')
    .innerJoin('organisation', 'organisation.id', 'connector.organisation_id')
    .select([
      ...CONNECTOR_COLUMNS,
      'organisation.name as organisation_name',
      'connector.credential_enc',
      'connector.inbox_secret_enc',
    ])
    .where('connector.id', '=', id)
    .executeTakeFirst();
}

export async function updateConnector(
  db: Db,
  id: string,
  patch: Partial<{
    name: string;
    endpoint_url: string;
    query: Record<string, string>;
    credential_kind: CredentialKind;
    credential_enc: string | null;
    interval_seconds: number;
    per_page: number;
    enabled: boolean;
    cursor: ConnectorCursor;
    inbox_secret_enc: string | null;
    inbox_url: string | null;
    subscription_url: string | null;
    subscribed_at: Date | null;
    subscription_error: string | null;
  }>,
): Promise<void> {
  const { query, cursor, ...rest } = patch;
  await db
    .updateTable('connector')
    .set({
      ...rest,
      ...(query !== undefined ? { query: JSON.stringify(query) } : {}),
      ...(cursor !== undefined ? { cursor: JSON.stringify(cursor) } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteConnector(db: Db, id: string): Promise<void> {
  await db.deleteFrom('connector').where('id', '=', id).execute();
}

/**
 * Marks the connector running unless another run holds it (a run that has not finished within `staleMs` is taken
 * to have died with its process). Returns false when it is busy.
 */
export async function claimConnector(db: Db, id: string, now: Date, staleMs: number): Promise<boolean> {
  const result = await db
    .updateTable('connector')
    .set({ running_since: now })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('running_since', 'is', null), eb('running_since', '<', new Date(now.getTime() - staleMs))]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function saveCursor(db: Db, id: string, cursor: ConnectorCursor): Promise<void> {
  await db
    .updateTable('connector')
    .set({ cursor: JSON.stringify(cursor) })
    .where('id', '=', id)
    .execute();
}

/** Moves the cursor's lower bound forward to `since` (never back): what a subscription has delivered up to. */
export async function advanceSince(db: Db, id: string, since: string): Promise<void> {
  await db
    .updateTable('connector')
    .set({
      cursor: sql<string>`jsonb_set(cursor, '{since}', to_jsonb(${since}::text))`,
    })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb(sql`cursor->>'since'`, 'is', null),
        eb(sql`(cursor->>'since')::timestamptz`, '<', sql`${since}::timestamptz`),
      ]),
    )
    .execute();
}

/** The outcome of a run that does not hold the connector (a webhook delivery). */
export async function noteRun(db: Db, id: string, outcome: { ok: boolean; error: string | null; at: Date }) {
  await db
    .updateTable('connector')
    .set((eb) => ({
      last_run_at: outcome.at,
      last_error: outcome.error,
      ...(outcome.ok
        ? { last_success_at: outcome.at, consecutive_failures: 0 }
        : { consecutive_failures: eb('consecutive_failures', '+', 1) }),
    }))
    .where('id', '=', id)
    .execute();
}

export async function releaseConnector(
  db: Db,
  id: string,
  outcome: { ok: boolean; error: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('connector')
    .set((eb) => ({
      running_since: null,
      last_run_at: outcome.at,
      last_error: outcome.error,
      ...(outcome.ok
        ? { last_success_at: outcome.at, consecutive_failures: 0 }
        : { consecutive_failures: eb('consecutive_failures', '+', 1) }),
    }))
    .where('id', '=', id)
    .execute();
}

export async function insertRun(
  db: Db,
  row: { id: string; connector_id: string; trigger: 'schedule' | 'manual' | 'webhook'; resumed: boolean },
): Promise<void> {
  await db
    .insertInto('connector_run')
    .values({ ...row, status: 'running' })
    .execute();
}

export async function addToRun(
  db: Db,
  id: string,
  counts: {
    pages: number;
    fetched: number;
    stored: number;
    duplicates: number;
    conflicts?: readonly ConnectorConflict[];
    conflictCount?: number;
  },
): Promise<void> {
  const conflicts = counts.conflicts ?? [];
  await db
    .updateTable('connector_run')
    .set((eb) => ({
      pages: eb('pages', '+', counts.pages),
      fetched: eb('fetched', '+', counts.fetched),
      stored: eb('stored', '+', counts.stored),
      duplicates: eb('duplicates', '+', counts.duplicates),
      ...(conflicts.length > 0 || (counts.conflictCount ?? 0) > 0
        ? {
            conflicts: eb('conflicts', '+', counts.conflictCount ?? conflicts.length),
            // The first clashes of the run are kept by eventID; the count goes on beyond them.
            conflict_detail: sql<string>`(select coalesce(jsonb_agg(x), '[]'::jsonb) from (
              select x from jsonb_array_elements(conflict_detail || ${JSON.stringify(conflicts)}::jsonb) as x limit 100
            ) as kept)`,
          }
        : {}),
    }))
    .where('id', '=', id)
    .execute();
}

export async function finishRun(db: Db, id: string, status: 'ok' | 'failed', error: string | null): Promise<void> {
  await db.updateTable('connector_run').set({ status, error, finished_at: new Date() }).where('id', '=', id).execute();
}

export async function findRun(db: Db, id: string) {
  return db.selectFrom('connector_run').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listRuns(db: Db, connectorId: string, limit: number) {
  return db
    .selectFrom('connector_run')
    .selectAll()
    .where('connector_id', '=', connectorId)
    .orderBy('started_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Runs of the last `days` days per connector: how many and how many failed (feed health). */
export async function runHealth(db: Db, connectorIds: readonly string[], since: Date) {
  if (connectorIds.length === 0) return [];
  return db
    .selectFrom('connector_run')
    .select([
      'connector_id',
      sql<number>`count(*)::int`.as('runs'),
      sql<number>`(count(*) filter (where status = 'failed'))::int`.as('failed'),
    ])
    .where('connector_id', 'in', connectorIds)
    .where('started_at', '>=', since)
    .groupBy('connector_id')
    .execute();
}
