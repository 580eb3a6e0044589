import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { CredentialKind } from './connector.tables.ts';

/** SQL for remote EPCIS nodes. Only this file touches `remote_node`. */

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
