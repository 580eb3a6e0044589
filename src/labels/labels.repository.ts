import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { StampBatchState, StampBatchTable, StampState, StampTable } from './labels.tables.ts';

/** SQL for stamp batches, stamps and the installation's label secret. */

export type StampBatchRow = Selectable<StampBatchTable>;
export type StampRow = Selectable<StampTable>;

export async function findStampByKey(db: Kysely<DB>, gtin: string, serial: string): Promise<StampRow | undefined> {
  return db.selectFrom('stamp').selectAll().where('gtin', '=', gtin).where('serial', '=', serial).executeTakeFirst();
}

export async function findStampById(db: Kysely<DB>, id: string): Promise<StampRow | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  return db.selectFrom('stamp').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Adds scans to stamps in one statement: counts, first and last times, activated → scanned. */
export async function addScans(
  db: Kysely<DB>,
  scans: readonly { stampId: string; count: number; first: Date; last: Date }[],
): Promise<void> {
  if (scans.length === 0) return;
  const rows = sql.join(
    scans.map((s) => sql`(${s.stampId}::bigint, ${s.count}::integer, ${s.first}::timestamptz, ${s.last}::timestamptz)`),
  );
  await sql`
    update stamp s set
      scan_count = s.scan_count + v.n,
      first_scanned_at = least(coalesce(s.first_scanned_at, v.first_at), v.first_at),
      last_scanned_at = greatest(coalesce(s.last_scanned_at, v.last_at), v.last_at),
      state = case when s.state = 'activated' then 'scanned' else s.state end
    from (values ${rows}) as v(id, n, first_at, last_at)
    where s.id = v.id
  `.execute(db);
}

/** The installation's secret for scratch-off codes (created by migration 0012). */
export async function labelSecret(db: Kysely<DB>): Promise<Buffer> {
  const row = await db.selectFrom('label_secret').select('secret').where('id', '=', 1).executeTakeFirstOrThrow();
  return Buffer.from(row.secret);
}

export async function insertBatch(db: Kysely<DB>, row: Insertable<StampBatchTable>): Promise<void> {
  await db.insertInto('stamp_batch').values(row).execute();
}

/** Inserts stamps in chunks that stay under PostgreSQL's 65,535 bind parameters. */
export async function insertStamps(db: Kysely<DB>, rows: readonly Insertable<StampTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    await db
      .insertInto('stamp')
      .values(rows.slice(i, i + 5000))
      .execute();
  }
}

export async function findBatch(db: Kysely<DB>, id: string): Promise<StampBatchRow | undefined> {
  return db.selectFrom('stamp_batch').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks the batch row so that concurrent activations and voids of one batch run one after the other. */
export async function lockBatch(db: Kysely<DB>, id: string): Promise<StampBatchRow | undefined> {
  return db.selectFrom('stamp_batch').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function listBatches(
  db: Kysely<DB>,
  filter: {
    organisations: readonly string[] | 'all';
    productId?: string | undefined;
    lot?: string | undefined;
    state?: StampBatchState | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ items: StampBatchRow[]; total: number }> {
  let q = db.selectFrom('stamp_batch');
  if (filter.organisations !== 'all') {
    if (filter.organisations.length === 0) return { items: [], total: 0 };
    q = q.where('organisation_id', 'in', [...filter.organisations]);
  }
  if (filter.productId !== undefined) q = q.where('product_id', '=', filter.productId);
  if (filter.lot !== undefined) q = q.where('lot', '=', filter.lot);
  if (filter.state !== undefined) q = q.where('state', '=', filter.state);
  const [items, count] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).offset(filter.offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

/** Stamps per state for each batch. */
export async function countsByState(
  db: Kysely<DB>,
  batchIds: readonly string[],
): Promise<Map<string, Record<StampState, number>>> {
  const counts = new Map<string, Record<StampState, number>>();
  for (const id of batchIds) counts.set(id, { issued: 0, activated: 0, scanned: 0, void: 0 });
  if (batchIds.length === 0) return counts;
  const rows = await db
    .selectFrom('stamp')
    .select(['batch_id', 'state', (eb) => eb.fn.countAll<string>().as('n')])
    .where('batch_id', 'in', [...batchIds])
    .groupBy(['batch_id', 'state'])
    .execute();
  for (const r of rows) counts.get(r.batch_id)![r.state] = Number(r.n);
  return counts;
}

export async function listStamps(
  db: Kysely<DB>,
  batchId: string,
  filter: {
    state?: StampState | undefined;
    from?: number | undefined;
    to?: number | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ items: StampRow[]; total: number }> {
  let q = db.selectFrom('stamp').where('batch_id', '=', batchId);
  if (filter.state !== undefined) q = q.where('state', '=', filter.state);
  if (filter.from !== undefined) q = q.where('sequence', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('sequence', '<=', filter.to);
  const [items, count] = await Promise.all([
    q.selectAll().orderBy('sequence').limit(filter.limit).offset(filter.offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

/** The stamps of a sequence range in order, with only what a label or a CSV line prints. */
export async function stampsForPrint(db: Kysely<DB>, batchId: string, from: number, to: number) {
  return db
    .selectFrom('stamp')
    .select(['sequence', 'serial', 'lot', 'state', 'verification_code_hash'])
    .where('batch_id', '=', batchId)
    .where('sequence', '>=', from)
    .where('sequence', '<=', to)
    .orderBy('sequence')
    .execute();
}

/** Stamps of a sequence range that block a change: rows with their sequence, state and lot. */
export async function stampsInRange(
  db: Kysely<DB>,
  batchId: string,
  from: number,
  to: number,
  where: { states?: readonly StampState[]; otherLotThan?: string },
) {
  let q = db
    .selectFrom('stamp')
    .select(['sequence', 'state', 'lot'])
    .where('batch_id', '=', batchId)
    .where('sequence', '>=', from)
    .where('sequence', '<=', to);
  if (where.states !== undefined) q = q.where('state', 'in', [...where.states]);
  if (where.otherLotThan !== undefined) {
    const lot = where.otherLotThan;
    q = q.where('state', 'in', ['activated', 'scanned']).where((eb) => eb('lot', 'is', null).or('lot', '<>', lot));
  }
  return q.orderBy('sequence').execute();
}

/** Activates the issued stamps of a range to `lot`; returns the serials it changed. */
export async function activateRange(
  db: Kysely<DB>,
  batchId: string,
  from: number,
  to: number,
  lot: string,
  at: Date,
): Promise<string[]> {
  const rows = await db
    .updateTable('stamp')
    .set({ state: 'activated', lot, activated_at: at })
    .where('batch_id', '=', batchId)
    .where('sequence', '>=', from)
    .where('sequence', '<=', to)
    .where('state', '=', 'issued')
    .returning('serial')
    .execute();
  return rows.map((r) => r.serial);
}

/** Voids the stamps of a range that are not void yet; returns how many changed. */
export async function voidRange(db: Kysely<DB>, batchId: string, from: number, to: number, at: Date): Promise<number> {
  const result = await db
    .updateTable('stamp')
    .set({ state: 'void', voided_at: at })
    .where('batch_id', '=', batchId)
    .where('sequence', '>=', from)
    .where('sequence', '<=', to)
    .where('state', '<>', 'void')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function updateBatch(db: Kysely<DB>, id: string, patch: { state: StampBatchState }): Promise<void> {
  await db
    .updateTable('stamp_batch')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}
