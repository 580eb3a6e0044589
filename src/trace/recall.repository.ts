import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { identifierKeyParts } from '../epcis/event-index.ts';

/** SQL of the recall workflow's lookups, actions and lot index (the recall rows themselves: recall.service.ts). */

/** Records the lots a recall covers: the recalled ones (direct) and every lot of its impact. */
export async function insertRecallLots(
  db: Kysely<DB>,
  recallId: string,
  direct: readonly string[],
  impact: readonly string[],
): Promise<void> {
  const covered = new Map<string, boolean>();
  for (const l of impact) covered.set(l, false);
  for (const l of direct) covered.set(l, true);
  if (covered.size === 0) return;
  await db
    .insertInto('recall_lot')
    .values(
      [...covered].map(([identifier, isDirect]) => {
        const { gtin, lot } = identifierKeyParts(identifier);
        return { recall_id: recallId, identifier, gtin, lot, direct: isDirect };
      }),
    )
    .onConflict((oc) => oc.columns(['recall_id', 'identifier']).doNothing())
    .execute();
}

export interface OpenRecallOfLotRow {
  gtin: string;
  lot: string;
  recall_id: string;
  reason: string;
  severity: string;
  opened_at: Date;
  mock: boolean;
}

/**
 * Open, non-mock recalls covering any of these (GTIN, lot) pairs: one statement over `recall_lot (gtin, lot)`
 * joined to the open recalls by primary key.
 */
export async function openRecallsOfLots(
  db: Kysely<DB>,
  lots: readonly { gtin: string; lot: string }[],
): Promise<OpenRecallOfLotRow[]> {
  if (lots.length === 0) return [];
  const pairs = sql.join(lots.map((l) => sql`(${l.gtin}::text, ${l.lot}::text)`));
  const result = await sql<OpenRecallOfLotRow>`
    select distinct rl.gtin, rl.lot, r.id as recall_id, r.reason, r.severity, r.opened_at, r.mock
    from recall_lot rl
    join recall r on r.id = rl.recall_id
    where rl.gtin is not null and (rl.gtin, rl.lot) in (${pairs})
      and r.status = 'open' and not r.mock
    order by r.opened_at desc, r.id
  `.execute(db);
  return result.rows;
}

export interface RecallActionRow {
  id: string;
  organisation_id: string;
  organisation_name: string;
  lot: string;
  action: string;
  quantity: string;
  uom: string;
  note: string | null;
  recorded_by: string | null;
  recorded_at: Date;
}

export async function listRecallActions(db: Kysely<DB>, recallId: string): Promise<RecallActionRow[]> {
  return db
    .selectFrom('recall_action as a')
    .innerJoin('organisation as o', 'o.id', 'a.organisation_id')
    .select([
      'a.id',
      'a.organisation_id',
      'o.name as organisation_name',
      'a.lot',
      'a.action',
      'a.quantity',
      'a.uom',
      'a.note',
      'a.recorded_by',
      'a.recorded_at',
    ])
    .where('a.recall_id', '=', recallId)
    .orderBy('a.recorded_at')
    .orderBy('a.id')
    .execute();
}

/** Locks the recall row (actions on one recall are checked against their sums one at a time). */
export async function lockRecall(db: Kysely<DB>, recallId: string): Promise<{ status: string } | undefined> {
  return db.selectFrom('recall').select('status').where('id', '=', recallId).forUpdate().executeTakeFirst();
}

export async function insertRecallAction(
  db: Kysely<DB>,
  row: {
    id: string;
    recall_id: string;
    organisation_id: string;
    lot: string;
    action: string;
    quantity: number;
    uom: string;
    note: string | null;
    recorded_by: string | null;
    recorded_at: Date;
  },
): Promise<void> {
  await db.insertInto('recall_action').values(row).execute();
}
