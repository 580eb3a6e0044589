import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { CredentialKind } from './connector.tables.ts';

/** SQL for remote EPCIS nodes and their last answers. Only this file touches `remote_node` and `remote_answer`. */

type Db = Kysely<DB> | Transaction<DB>;

const COLUMNS = ['id', 'name', 'base_url', 'company_prefixes', 'credential_kind', 'created_at', 'updated_at'] as const;

export async function insertRemoteNode(
  db: Db,
  row: {
    id: string;
    name: string;
    base_url: string;
    company_prefixes: string[];
    credential_kind: CredentialKind;
    credential_enc: string | null;
    created_by: string | null;
  },
): Promise<void> {
  await db
    .insertInto('remote_node')
    .values({ ...row, company_prefixes: JSON.stringify(row.company_prefixes) })
    .execute();
}

export async function listRemoteNodes(db: Db) {
  return db.selectFrom('remote_node').select(COLUMNS).orderBy('name').execute();
}

/** With the sealed credential: for the service that queries the node, never for an answer. */
export async function listRemoteNodesWithCredentials(db: Db) {
  return db
    .selectFrom('remote_node')
    .select([...COLUMNS, 'credential_enc'])
    .orderBy('name')
    .execute();
}

export async function findRemoteNode(db: Db, id: string) {
  return db.selectFrom('remote_node').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function findRemoteNodeByUrl(db: Db, baseUrl: string) {
  return db.selectFrom('remote_node').select('id').where('base_url', '=', baseUrl).executeTakeFirst();
}

export async function updateRemoteNode(
  db: Db,
  id: string,
  patch: Partial<{
    name: string;
    base_url: string;
    company_prefixes: string[];
    credential_kind: CredentialKind;
    credential_enc: string | null;
  }>,
): Promise<void> {
  const { company_prefixes, ...rest } = patch;
  await db
    .updateTable('remote_node')
    .set({
      ...rest,
      ...(company_prefixes !== undefined ? { company_prefixes: JSON.stringify(company_prefixes) } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteRemoteNode(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('remote_node').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Keeps a node's answer for a lot (replacing the previous one) and trims the node's cache to its `keep` most recent
 * answers, in one statement each.
 */
export async function saveRemoteAnswer(
  db: Db,
  row: { node_id: string; identifier: string; events: readonly Record<string, unknown>[]; answered_at: Date },
  keep: number,
): Promise<void> {
  const events = JSON.stringify(row.events);
  await db
    .insertInto('remote_answer')
    .values({ ...row, events })
    .onConflict((oc) => oc.columns(['node_id', 'identifier']).doUpdateSet({ events, answered_at: row.answered_at }))
    .execute();
  await sql`
    delete from remote_answer where node_id = ${row.node_id} and identifier not in (
      select identifier from remote_answer where node_id = ${row.node_id} order by answered_at desc limit ${keep}
    )
  `.execute(db);
}

export async function findRemoteAnswer(db: Db, nodeId: string, identifier: string) {
  return db
    .selectFrom('remote_answer')
    .select(['events', 'answered_at'])
    .where('node_id', '=', nodeId)
    .where('identifier', '=', identifier)
    .executeTakeFirst();
}
