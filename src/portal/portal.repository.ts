import { sql, type Insertable, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { ProblemReportTable } from './portal.tables.ts';

/**
 * SQL of the public pages: a handful of indexed lookups per page (product by GTIN, its organisation, images and
 * certifications, locations by GLN) and the problem-report table.
 */

/** Organisation kinds shown as "participating businesses" (the authority and solution providers are not). */
export const BUSINESS_KINDS = ['household', 'cooperative', 'company', 'other'] as const;

export interface PublicOrganisationRow {
  id: string;
  name: string;
  name_en: string | null;
  kind: string;
  province_code: string | null;
  commune_name: string | null;
  primary_gln: string | null;
  created_at: Date;
}

/** An active organisation's public columns only (no tax code, no contacts). */
export async function findActiveOrganisation(db: Kysely<DB>, id: string): Promise<PublicOrganisationRow | undefined> {
  return db
    .selectFrom('organisation')
    .select(['id', 'name', 'name_en', 'kind', 'province_code', 'commune_name', 'primary_gln', 'created_at'])
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

export interface PublicProductRow {
  id: string;
  gtin: string;
  name: string;
  name_en: string | null;
  organisation_id: string;
  organisation_name: string;
  group_code: string;
}

const productColumns = [
  'product.id',
  'product.gtin',
  'product.name',
  'product.name_en',
  'product.organisation_id',
  'organisation.name as organisation_name',
  'product.group_code',
] as const;

/** Active products of active organisations, by organisation. */
export async function publicProductsOf(db: Kysely<DB>, organisationId: string): Promise<PublicProductRow[]> {
  return db
    .selectFrom('product')
    .innerJoin('organisation', 'organisation.id', 'product.organisation_id')
    .select(productColumns)
    .where('product.organisation_id', '=', organisationId)
    .where('product.status', '=', 'active')
    .where('organisation.status', '=', 'active')
    .orderBy('product.name')
    .limit(200)
    .execute();
}

/** Diacritic-insensitive search (`folded` comes from `foldForSearch`, LIKE wildcards escaped) over products. */
export async function searchProducts(db: Kysely<DB>, folded: string, limit: number): Promise<PublicProductRow[]> {
  return db
    .selectFrom('product')
    .innerJoin('organisation', 'organisation.id', 'product.organisation_id')
    .select(productColumns)
    .where('product.status', '=', 'active')
    .where('organisation.status', '=', 'active')
    .where((eb) =>
      eb.or([eb('product.search_text', 'like', `%${folded}%`), eb('organisation.search_text', 'like', `%${folded}%`)]),
    )
    .orderBy('product.name')
    .orderBy('product.id')
    .limit(limit)
    .execute();
}

export async function searchBusinesses(db: Kysely<DB>, folded: string, limit: number) {
  return db
    .selectFrom('organisation')
    .select(['id', 'name', 'name_en', 'kind', 'province_code', 'commune_name', 'primary_gln', 'created_at'])
    .where('status', '=', 'active')
    .where('kind', 'in', [...BUSINESS_KINDS])
    .where('search_text', 'like', `%${folded}%`)
    .orderBy('name')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function portalCounts(db: Kysely<DB>): Promise<{ products: number; organisations: number }> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('product')
        .innerJoin('organisation', 'organisation.id', 'product.organisation_id')
        .select((e) => e.fn.countAll<string>().as('n'))
        .where('product.status', '=', 'active')
        .where('organisation.status', '=', 'active')
        .as('products'),
      eb
        .selectFrom('organisation')
        .select((e) => e.fn.countAll<string>().as('n'))
        .where('status', '=', 'active')
        .where('kind', 'in', [...BUSINESS_KINDS])
        .as('organisations'),
    ])
    .executeTakeFirstOrThrow();
  return { products: Number(row.products ?? 0), organisations: Number(row.organisations ?? 0) };
}

export async function productGroupNames(db: Kysely<DB>, codes: readonly string[]) {
  if (codes.length === 0) return new Map<string, { name: string; nameEn: string }>();
  const rows = await db
    .selectFrom('product_group')
    .select(['code', 'name', 'name_en'])
    .where('code', 'in', [...new Set(codes)])
    .execute();
  return new Map(rows.map((r) => [r.code, { name: r.name, nameEn: r.name_en }]));
}

export interface PlaceRow {
  gln: string;
  name: string;
  name_en: string | null;
  kind: string;
  latitude: number | null;
  longitude: number | null;
  growing_area_code: string | null;
  packing_house_code: string | null;
  commune_name: string | null;
  organisation_id: string;
}

/** Registry locations by GLN (active ones): the places a lot's events name. */
export async function placesByGln(db: Kysely<DB>, glns: readonly string[]): Promise<Map<string, PlaceRow>> {
  if (glns.length === 0) return new Map();
  const rows = await db
    .selectFrom('location')
    .select([
      'gln',
      'name',
      'name_en',
      'kind',
      'latitude',
      'longitude',
      'growing_area_code',
      'packing_house_code',
      'commune_name',
      'organisation_id',
    ])
    .where('gln', 'in', [...new Set(glns)])
    .where('status', '=', 'active')
    .execute();
  return new Map(rows.map((r) => [r.gln, r]));
}

/** Names of active organisations by id. */
export async function organisationNames(db: Kysely<DB>, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, { name: string; nameEn: string | null }>();
  const rows = await db
    .selectFrom('organisation')
    .select(['id', 'name', 'name_en'])
    .where('id', 'in', [...new Set(ids)])
    .where('status', '=', 'active')
    .execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, nameEn: r.name_en }]));
}

export async function portalSecret(db: Kysely<DB>): Promise<Buffer> {
  const row = await db.selectFrom('portal_secret').select('secret').where('id', '=', 1).executeTakeFirstOrThrow();
  return Buffer.from(row.secret);
}

export async function insertProblemReport(db: Kysely<DB>, row: Insertable<ProblemReportTable>): Promise<void> {
  await db.insertInto('problem_report').values(row).execute();
}

/** Reports sent from one address since a moment (the rate limit; served by `problem_report_ip`). */
export async function countReportsFrom(db: Kysely<DB>, ipHash: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('problem_report')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('ip_hash', '=', ipHash)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Takes a transaction-scoped advisory lock on an address so that concurrent reports count each other. */
export async function lockAddress(trx: Kysely<DB>, ipHash: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`problem_report:${ipHash}`}))`.execute(trx);
}

export async function listProblemReports(
  db: Kysely<DB>,
  filter: { organisationId?: string; limit: number; offset: number },
) {
  let query = db.selectFrom('problem_report').innerJoin('product', 'product.id', 'problem_report.product_id');
  if (filter.organisationId !== undefined)
    query = query.where('problem_report.organisation_id', '=', filter.organisationId);
  const [items, total] = await Promise.all([
    query
      .select([
        'problem_report.id',
        'problem_report.organisation_id',
        'problem_report.product_id',
        'product.name as product_name',
        'problem_report.gtin',
        'problem_report.lot',
        'problem_report.serial',
        'problem_report.message',
        'problem_report.contact',
        'problem_report.locale',
        'problem_report.created_at',
      ])
      .orderBy('problem_report.created_at', 'desc')
      .orderBy('problem_report.id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(total.n) };
}

/** An active product of an active organisation by its 14-digit GTIN. */
export async function activeProductByGtin(db: Kysely<DB>, gtin: string) {
  return db
    .selectFrom('product')
    .innerJoin('organisation', 'organisation.id', 'product.organisation_id')
    .select(['product.id', 'product.organisation_id', 'product.name'])
    .where('product.gtin', '=', gtin)
    .where('product.status', '=', 'active')
    .where('organisation.status', '=', 'active')
    .executeTakeFirst();
}
