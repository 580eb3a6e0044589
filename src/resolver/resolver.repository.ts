import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AlertTable, ResolverLinkTable, ScanTable } from './resolver.tables.ts';

/**
 * SQL of the resolver: its own tables (links, withdrawals, scans, alerts) and the read-only facts it needs from the
 * registry, the event index and the lot graph (products by GTIN, locations by GLN, lots seen in events, shipments).
 * Resolution reads by primary key and index only: it sits on the consumer scan path.
 */

type Db = Kysely<DB>;

// ---- facts for resolution ----

export interface ProductFacts {
  readonly id: string;
  readonly organisationId: string;
  readonly name: string;
  readonly nameEn: string | null;
  readonly status: string;
  readonly organisationStatus: string;
  readonly organisationProvince: string | null;
  readonly shelfLifeDays: number | null;
  readonly certifications: number;
}

export async function productFacts(db: Db, gtin: string): Promise<ProductFacts | undefined> {
  const row = await db
    .selectFrom('product as p')
    .innerJoin('organisation as o', 'o.id', 'p.organisation_id')
    .select([
      'p.id',
      'p.organisation_id',
      'p.name',
      'p.name_en',
      'p.status',
      'p.shelf_life_days',
      'o.status as organisation_status',
      'o.province_code',
      (eb) =>
        eb
          .selectFrom('certification as c')
          .select((c) => c.fn.countAll<string>().as('n'))
          .whereRef('c.product_id', '=', 'p.id')
          .as('certifications'),
    ])
    .where('p.gtin', '=', gtin)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    organisationId: row.organisation_id,
    name: row.name,
    nameEn: row.name_en,
    status: row.status,
    organisationStatus: row.organisation_status,
    organisationProvince: row.province_code,
    shelfLifeDays: row.shelf_life_days,
    certifications: Number(row.certifications ?? 0),
  };
}

export async function productOwners(db: Db, gtins: readonly string[]) {
  if (gtins.length === 0) return [];
  return db
    .selectFrom('product')
    .select(['gtin', 'organisation_id', 'shelf_life_days', 'name'])
    .where('gtin', 'in', [...gtins])
    .execute();
}

export async function locationFacts(db: Db, gln: string) {
  return db
    .selectFrom('location as l')
    .innerJoin('organisation as o', 'o.id', 'l.organisation_id')
    .select(['l.id', 'l.organisation_id', 'l.name', 'l.status', 'o.status as organisation_status'])
    .where('l.gln', '=', gln)
    .executeTakeFirst();
}

/** Whether events mention this lot of this GTIN (the lot level exists). */
export async function lotInEvents(db: Db, gtin: string, lot: string): Promise<boolean> {
  const row = await db
    .selectFrom('epcis_event_epc')
    .select(sql<number>`1`.as('one'))
    .where('gtin', '=', gtin)
    .where('lot', '=', lot)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether events mention this serialised item (by its canonical Digital Link). */
export async function itemInEvents(db: Db, canonicalItem: string): Promise<boolean> {
  const row = await db
    .selectFrom('epcis_event_epc')
    .select(sql<number>`1`.as('one'))
    .where('epc', '=', canonicalItem)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

// ---- links ----

export type LinkRow = Awaited<ReturnType<typeof findLink>> & {};

export async function linksOfKey(db: Db, primaryAi: string, primaryValue: string, activeOnly: boolean) {
  let query = db
    .selectFrom('resolver_link')
    .selectAll()
    .where('primary_ai', '=', primaryAi)
    .where('primary_value', '=', primaryValue);
  if (activeOnly) query = query.where('active', '=', true);
  return query.orderBy('created_at').orderBy('id').execute();
}

export async function findLink(db: Db, id: string) {
  return db.selectFrom('resolver_link').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertLink(db: Db, row: Insertable<ResolverLinkTable>): Promise<void> {
  await db.insertInto('resolver_link').values(row).execute();
}

export async function updateLink(db: Db, id: string, patch: Updateable<ResolverLinkTable>): Promise<void> {
  await db
    .updateTable('resolver_link')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function deleteLink(db: Db, id: string): Promise<void> {
  await db.deleteFrom('resolver_link').where('id', '=', id).execute();
}

/** Another link at the same level declared default (the one being written excepted). */
export async function clearDefaults(db: Db, identifier: string, exceptId: string): Promise<void> {
  await db
    .updateTable('resolver_link')
    .set({ is_default: false, updated_at: new Date() })
    .where('identifier', '=', identifier)
    .where('id', '!=', exceptId)
    .where('is_default', '=', true)
    .execute();
}

export async function listLinks(
  db: Db,
  filter: {
    organisations?: readonly string[];
    identifier?: string;
    primaryAi?: string;
    primaryValue?: string;
    limit: number;
    offset: number;
  },
) {
  let query = db.selectFrom('resolver_link');
  if (filter.organisations !== undefined) {
    if (filter.organisations.length === 0) return { items: [], total: 0 };
    query = query.where('organisation_id', 'in', [...filter.organisations]);
  }
  if (filter.identifier !== undefined) query = query.where('identifier', '=', filter.identifier);
  if (filter.primaryAi !== undefined) query = query.where('primary_ai', '=', filter.primaryAi);
  if (filter.primaryValue !== undefined) query = query.where('primary_value', '=', filter.primaryValue);
  const [items, total] = await Promise.all([
    query
      .selectAll()
      .orderBy('identifier')
      .orderBy('created_at')
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

// ---- withdrawals ----

/** Withdrawals of a primary key's levels (the key itself and every level below it). */
export async function withdrawalsOfKey(db: Db, keyPath: string) {
  return db
    .selectFrom('resolver_withdrawal')
    .selectAll()
    .where((eb) => eb.or([eb('identifier', '=', keyPath), sql<boolean>`starts_with(identifier, ${`${keyPath}/`})`]))
    .execute();
}

export async function findWithdrawal(db: Db, identifier: string) {
  return db.selectFrom('resolver_withdrawal').selectAll().where('identifier', '=', identifier).executeTakeFirst();
}

export async function insertWithdrawal(
  db: Db,
  row: { identifier: string; organisation_id: string; reason: string | null; withdrawn_by: string | null },
): Promise<void> {
  await db.insertInto('resolver_withdrawal').values(row).execute();
}

export async function deleteWithdrawal(db: Db, identifier: string): Promise<void> {
  await db.deleteFrom('resolver_withdrawal').where('identifier', '=', identifier).execute();
}

export async function listWithdrawals(db: Db, organisations: readonly string[] | undefined) {
  let query = db.selectFrom('resolver_withdrawal').selectAll();
  if (organisations !== undefined) {
    if (organisations.length === 0) return [];
    query = query.where('organisation_id', 'in', [...organisations]);
  }
  return query.orderBy('withdrawn_at', 'desc').limit(1000).execute();
}

// ---- scans ----

/** One multi-row insert; returns the ids given, in order. */
export async function insertScans(db: Db, rows: readonly Insertable<ScanTable>[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto('scan')
    .values([...rows])
    .returning('id')
    .execute();
  return inserted.map((r) => String(r.id));
}

export async function scansBetween(db: Db, first: string, last: string) {
  return db.selectFrom('scan').selectAll().where('id', '>=', first).where('id', '<=', last).orderBy('id').execute();
}

/** Scans of one serialised item between two instants (inclusive), oldest first. */
export async function scansOfItem(db: Db, gtin: string, serial: string, from: Date, to: Date) {
  return db
    .selectFrom('scan')
    .select(['id', 'scanned_at', 'region'])
    .where('gtin', '=', gtin)
    .where('serial', '=', serial)
    .where('scanned_at', '>=', from)
    .where('scanned_at', '<=', to)
    .orderBy('scanned_at')
    .execute();
}

export async function scanSummaryOfItem(db: Db, gtin: string, serial: string, since: Date) {
  return db
    .selectFrom('scan')
    .select(['region'])
    .where('gtin', '=', gtin)
    .where('serial', '=', serial)
    .where('scanned_at', '>=', since)
    .execute();
}

// ---- lot facts for the rules ----

/** Province codes of the organisations that hold or received the lot (owner, shipment destinations, receivers). */
export async function lotRegions(db: Db, lotNode: string): Promise<string[]> {
  const rows = await db
    .selectFrom('lot_edge as e')
    .innerJoin('organisation as o', (join) =>
      join.on((eb) =>
        eb.or([
          eb('o.id', '=', eb.ref('e.to_organisation_id')),
          eb('o.id', '=', eb.ref('e.from_organisation_id')),
          eb('o.id', '=', eb.ref('e.owner_organisation_id')),
        ]),
      ),
    )
    .select('o.province_code')
    .distinct()
    .where('e.from_node', '=', lotNode)
    .where('e.kind', 'in', ['shipment', 'receipt'])
    .where('e.declared_erroneous', '=', false)
    .execute();
  return rows.map((r) => r.province_code).filter((p): p is string => p !== null);
}

/** When and with what ILMD the lot was made (its commissioning or transformation-output events, earliest first). */
export async function lotOrigin(db: Db, lotNode: string) {
  return db
    .selectFrom('lot_edge as e')
    .innerJoin('epcis_event as ev', 'ev.id', 'e.event_row')
    .select(['ev.event_time', sql<Record<string, unknown> | null>`ev.document->'ilmd'`.as('ilmd')])
    .where('e.to_node', '=', lotNode)
    .where('e.kind', '=', 'commissioning')
    .where('e.declared_erroneous', '=', false)
    .orderBy('ev.event_time')
    .limit(1)
    .executeTakeFirst();
}

// ---- alerts ----

/** Inserts the alerts whose dedupe key is new; returns those inserted. */
export async function insertAlerts(db: Db, rows: readonly Insertable<AlertTable>[]) {
  if (rows.length === 0) return [];
  return db
    .insertInto('alert')
    .values([...rows])
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returningAll()
    .execute();
}

export const ALERT_SORT = { createdAt: 'created_at', kind: 'kind', severity: 'severity' } as const;

export async function listAlerts(
  db: Db,
  filter: {
    organisations?: readonly string[];
    kind?: string;
    severity?: string;
    gtin?: string;
    lot?: string;
    serial?: string;
    acknowledged?: boolean;
    since?: Date;
    until?: Date;
    limit: number;
    offset: number;
  },
) {
  let query = db.selectFrom('alert');
  if (filter.organisations !== undefined) {
    if (filter.organisations.length === 0) return { items: [], total: 0 };
    query = query.where('organisation_id', 'in', [...filter.organisations]);
  }
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.severity !== undefined) query = query.where('severity', '=', filter.severity);
  if (filter.gtin !== undefined) query = query.where('gtin', '=', filter.gtin);
  if (filter.lot !== undefined) query = query.where('lot', '=', filter.lot);
  if (filter.serial !== undefined) query = query.where('serial', '=', filter.serial);
  if (filter.acknowledged !== undefined)
    query = query.where('acknowledged_at', filter.acknowledged ? 'is not' : 'is', null);
  if (filter.since !== undefined) query = query.where('created_at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('created_at', '<', filter.until);
  const [items, total] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).offset(filter.offset).execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export async function findAlert(db: Db, id: string) {
  return db.selectFrom('alert').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function acknowledgeAlert(db: Db, id: string, by: string, at: Date) {
  await db
    .updateTable('alert')
    .set({ acknowledged_at: at, acknowledged_by: by })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .execute();
}
