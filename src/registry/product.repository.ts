import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { DB } from '../db/schema.ts';
import { organisationScope } from './organisation-scope.ts';
import type { CertificationTable, ProductTable } from './registry.tables.ts';

/** SQL for products, their images and certifications. */

export async function findProduct(db: Kysely<DB>, id: string) {
  return db.selectFrom('product').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findProductByGtin(db: Kysely<DB>, gtin: string) {
  return db.selectFrom('product').selectAll().where('gtin', '=', gtin).executeTakeFirst();
}

export async function insertProduct(db: Kysely<DB>, row: Insertable<ProductTable>): Promise<void> {
  await db.insertInto('product').values(row).execute();
}

export async function updateProduct(db: Kysely<DB>, id: string, patch: Updateable<ProductTable>): Promise<void> {
  await db
    .updateTable('product')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export const PRODUCT_SORT = {
  name: 'name',
  gtin: 'gtin',
  groupCode: 'group_code',
  createdAt: 'created_at',
} as const;

export async function listProducts(
  db: Kysely<DB>,
  filter: {
    /** undefined = every organisation's; otherwise these organisations' objects plus the objects `ids`. */
    organisations?: string[];
    ids?: string[];
    organisationId?: string;
    groupCode?: string;
    status?: string;
    search?: string;
    sort: keyof typeof PRODUCT_SORT;
    direction: 'asc' | 'desc';
    limit: number;
    offset: number;
  },
) {
  let query = db.selectFrom('product');
  if (filter.organisations !== undefined) {
    const scope = organisationScope(filter.organisations, filter.ids);
    if (scope === null) return { items: [], total: 0 };
    query = query.where(scope);
  }
  if (filter.organisationId !== undefined) query = query.where('organisation_id', '=', filter.organisationId);
  if (filter.groupCode !== undefined)
    query = query.where((eb) =>
      eb.or([eb('group_code', '=', filter.groupCode!), eb('group_code', 'like', `${filter.groupCode!}.%`)]),
    );
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.search) query = query.where('search_text', 'like', `%${filter.search}%`);
  const [items, total] = await Promise.all([
    query
      .selectAll()
      .orderBy(PRODUCT_SORT[filter.sort], filter.direction)
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

export async function imagesOf(db: Kysely<DB>, productIds: string[]) {
  if (productIds.length === 0) return [];
  return db
    .selectFrom('product_image')
    .innerJoin('media', 'media.id', 'product_image.media_id')
    .select([
      'product_image.product_id',
      'product_image.media_id',
      'product_image.position',
      'product_image.alt',
      'media.content_type',
      'media.byte_size',
    ])
    .where('product_image.product_id', 'in', productIds)
    .orderBy('product_image.position')
    .execute();
}

export async function attachImage(db: Kysely<DB>, productId: string, mediaId: string, alt: string | null) {
  await db
    .insertInto('product_image')
    .values((eb) => ({
      product_id: productId,
      media_id: mediaId,
      alt,
      position: eb
        .selectFrom('product_image')
        .select(sql<number>`coalesce(max(position), 0) + 1`.as('p'))
        .where('product_id', '=', productId),
    }))
    .execute();
}

export async function detachImage(db: Kysely<DB>, productId: string, mediaId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('product_image')
    .where('product_id', '=', productId)
    .where('media_id', '=', mediaId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

const CERT_COLUMNS = [
  'id',
  'organisation_id',
  'product_id',
  'kind',
  'number',
  'issuer',
  'ocop_stars',
  'document_media_id',
  'created_at',
] as const;

export async function certificationsOf(db: Kysely<DB>, productIds: string[]) {
  if (productIds.length === 0) return [];
  return db
    .selectFrom('certification')
    .select(CERT_COLUMNS)
    .select([sql<string | null>`valid_from::text`.as('valid_from'), sql<string | null>`valid_to::text`.as('valid_to')])
    .where('product_id', 'in', productIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findCertification(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('certification')
    .select(CERT_COLUMNS)
    .select([sql<string | null>`valid_from::text`.as('valid_from'), sql<string | null>`valid_to::text`.as('valid_to')])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertCertification(db: Kysely<DB>, row: Insertable<CertificationTable>): Promise<void> {
  await db.insertInto('certification').values(row).execute();
}

export async function updateCertification(db: Kysely<DB>, id: string, patch: Updateable<CertificationTable>) {
  await db.updateTable('certification').set(patch).where('id', '=', id).execute();
}

export async function deleteCertification(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('certification').where('id', '=', id).execute();
}
