import type { Insertable, Kysely, Updateable } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { OrganisationTable } from './identity.tables.ts';

/** SQL for organisations. */

export type OrganisationRow = Awaited<ReturnType<typeof findOrganisation>> & object;

export async function findOrganisation(db: Kysely<DB>, id: string) {
  return db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOrganisationByTaxCode(db: Kysely<DB>, taxCode: string) {
  return db.selectFrom('organisation').selectAll().where('tax_code', '=', taxCode).executeTakeFirst();
}

export async function insertOrganisation(db: Kysely<DB>, row: Insertable<OrganisationTable>): Promise<void> {
  await db.insertInto('organisation').values(row).execute();
}

export async function updateOrganisation(
  db: Kysely<DB>,
  id: string,
  patch: Updateable<OrganisationTable>,
): Promise<void> {
  await db
    .updateTable('organisation')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export const ORGANISATION_SORT = {
  name: 'name',
  createdAt: 'created_at',
  kind: 'kind',
  status: 'status',
  taxCode: 'tax_code',
} as const;

export async function listOrganisations(
  db: Kysely<DB>,
  filter: {
    /** undefined = every organisation; otherwise these plus every active one. */
    readable?: string[];
    kind?: string;
    status?: string;
    search?: string;
    sort: keyof typeof ORGANISATION_SORT;
    direction: 'asc' | 'desc';
    limit: number;
    offset: number;
  },
) {
  let query = db.selectFrom('organisation');
  const readable = filter.readable;
  if (readable !== undefined) {
    query = query.where((eb) =>
      readable.length === 0
        ? eb('status', '=', 'active')
        : eb.or([eb('status', '=', 'active'), eb('id', 'in', readable)]),
    );
  }
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.search) query = query.where('search_text', 'like', `%${filter.search}%`);
  const [items, total] = await Promise.all([
    query
      .selectAll()
      .orderBy(ORGANISATION_SORT[filter.sort], filter.direction)
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export async function countOrganisations(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom('organisation')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
