import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

/** SQL of the audit log. Only this file touches `audit_entry` and `audit_chain`. */

export interface EntryRow {
  seq: string;
  at: Date;
  actor_kind: string;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  actor_organisation_id: string | null;
  actor_detail: string | null;
  action: string;
  object_type: string;
  object_id: string;
  organisation_id: string | null;
  change_digest: string;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/**
 * Takes the next chain position: bumps the head's `seq` and returns it with the previous hash. The update locks the
 * head row until the transaction ends, so appends from every server on the database queue up here, one at a time.
 */
export async function claimNext(trx: Transaction<DB>): Promise<{ seq: string; prevHash: string }> {
  const row = await sql<{ seq: string; hash: string }>`
    update audit_chain set seq = seq + 1 where id = 1 returning seq::text as seq, hash
  `.execute(trx);
  const head = row.rows[0];
  if (!head) throw new Error('audit_chain head row is missing');
  return { seq: head.seq, prevHash: head.hash };
}

/** Stores an entry and moves the head's hash to it, in one statement. */
export async function appendEntry(trx: Transaction<DB>, entry: Omit<EntryRow, 'detail'> & { detail: string }) {
  await sql`
    with inserted as (
      insert into audit_entry (seq, at, actor_kind, actor_user_id, actor_api_key_id, actor_organisation_id,
        actor_detail, action, object_type, object_id, organisation_id, change_digest, detail, prev_hash, hash)
      values (${entry.seq}::bigint, ${entry.at}, ${entry.actor_kind}, ${entry.actor_user_id}, ${entry.actor_api_key_id},
        ${entry.actor_organisation_id}, ${entry.actor_detail}, ${entry.action}, ${entry.object_type},
        ${entry.object_id}, ${entry.organisation_id}, ${entry.change_digest}, ${entry.detail}::jsonb,
        ${entry.prev_hash}, ${entry.hash})
      returning seq
    )
    update audit_chain set hash = ${entry.hash} where id = 1 and seq = (select seq from inserted)
  `.execute(trx);
}

const COLUMNS = [
  sql<string>`seq::text`.as('seq'),
  'at',
  'actor_kind',
  'actor_user_id',
  'actor_api_key_id',
  'actor_organisation_id',
  'actor_detail',
  'action',
  'object_type',
  'object_id',
  'organisation_id',
  'change_digest',
  'detail',
  'prev_hash',
  'hash',
] as const;

/** Entries after `afterSeq` in chain order, at most `limit`. */
export async function entriesAfter(db: Kysely<DB>, afterSeq: string, limit: number): Promise<EntryRow[]> {
  return db
    .selectFrom('audit_entry')
    .select(COLUMNS)
    .where(sql<boolean>`seq > ${afterSeq}::bigint`)
    .orderBy(sql`audit_entry.seq`)
    .limit(limit)
    .execute();
}

export async function chainHead(db: Kysely<DB>): Promise<{ seq: string; hash: string }> {
  return db
    .selectFrom('audit_chain')
    .select([sql<string>`seq::text`.as('seq'), 'hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
}

export interface EntryFilter {
  readonly organisationId?: string | undefined;
  readonly actorOrganisationId?: string | undefined;
  readonly actorUserId?: string | undefined;
  readonly action?: string | undefined;
  readonly objectType?: string | undefined;
  readonly objectId?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly beforeSeq?: string | undefined;
  readonly limit: number;
}

/** Newest first, filtered; `beforeSeq` pages backwards. */
export async function listEntries(db: Kysely<DB>, f: EntryFilter): Promise<EntryRow[]> {
  let q = db.selectFrom('audit_entry').select(COLUMNS);
  if (f.organisationId !== undefined) q = q.where('organisation_id', '=', f.organisationId);
  if (f.actorOrganisationId !== undefined) q = q.where('actor_organisation_id', '=', f.actorOrganisationId);
  if (f.actorUserId !== undefined) q = q.where('actor_user_id', '=', f.actorUserId);
  if (f.action !== undefined) q = q.where('action', '=', f.action);
  if (f.objectType !== undefined) q = q.where('object_type', '=', f.objectType);
  if (f.objectId !== undefined) q = q.where('object_id', '=', f.objectId);
  if (f.from !== undefined) q = q.where('at', '>=', f.from);
  if (f.to !== undefined) q = q.where('at', '<', f.to);
  if (f.beforeSeq !== undefined) q = q.where(sql<boolean>`seq < ${f.beforeSeq}::bigint`);
  return q
    .orderBy(sql`audit_entry.seq`, 'desc')
    .limit(f.limit)
    .execute();
}

/** The hashes of the entries recorded in [from, to), in chain order, and the last hash recorded before `to`. */
export async function dayHashes(db: Kysely<DB>, from: Date, to: Date) {
  const rows = await db
    .selectFrom('audit_entry')
    .select([sql<string>`seq::text`.as('seq'), 'hash'])
    .where('at', '>=', from)
    .where('at', '<', to)
    .orderBy(sql`audit_entry.seq`)
    .execute();
  return rows;
}
