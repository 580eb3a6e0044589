import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { DB } from '../db/schema.ts';
import { organisationScope } from './organisation-scope.ts';
import type { LocationTable } from './registry.tables.ts';

/** SQL for locations. */

export async function findLocation(db: Kysely<DB>, id: string) {
  return db.selectFrom('location').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertLocation(db: Kysely<DB>, row: Insertable<LocationTable>): Promise<void> {
  await db.insertInto('location').values(row).execute();
}

export async function updateLocation(db: Kysely<DB>, id: string, patch: Updateable<LocationTable>): Promise<void> {
  await db
    .updateTable('location')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** The ids from `startId` up to the root (walked in SQL so that a deep tree costs one round trip). */
export async function ancestorIds(db: Kysely<DB>, startId: string): Promise<string[]> {
  // The depth bound stops the walk even if a cycle slipped in (the service refuses them).
  const result = await sql<{ id: string }>`
    with recursive up (id, parent_id, depth) as (
      select id, parent_id, 0 from location where id = ${startId}
      union all
      select l.id, l.parent_id, up.depth + 1 from location l join up on l.id = up.parent_id where up.depth < 1000
    )
    select id from up
  `.execute(db);
  return result.rows.map((r) => r.id);
}

export const LOCATION_SORT = {
  name: 'name',
  gln: 'gln',
  kind: 'kind',
  createdAt: 'created_at',
} as const;

export async function listLocations(
  db: Kysely<DB>,
  filter: {
    /** undefined = every organisation's; otherwise these organisations' objects plus the objects `ids`. */
    organisations?: string[];
    ids?: string[];
    organisationId?: string;
    kind?: string;
    status?: string;
    parentId?: string;
    search?: string;
    sort: keyof typeof LOCATION_SORT;
    direction: 'asc' | 'desc';
    limit: number;
    offset: number;
  },
) {
  let query = db.selectFrom('location');
  if (filter.organisations !== undefined) {
    const scope = organisationScope(filter.organisations, filter.ids);
    if (scope === null) return { items: [], total: 0 };
    query = query.where(scope);
  }
  if (filter.organisationId !== undefined) query = query.where('organisation_id', '=', filter.organisationId);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.parentId !== undefined) query = query.where('parent_id', '=', filter.parentId);
  if (filter.search) query = query.where('search_text', 'like', `%${filter.search}%`);
  const [items, total] = await Promise.all([
    query
      .selectAll()
      .orderBy(LOCATION_SORT[filter.sort], filter.direction)
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}
