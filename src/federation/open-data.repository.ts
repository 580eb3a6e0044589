import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** SQL of the open-data export: public columns of active, participating organisations and their active products. */

/** Organisation kinds published as participating businesses (the authority and solution providers are not). */
const BUSINESS_KINDS = ['household', 'cooperative', 'company', 'other'];

export async function publicOrganisations(db: Kysely<DB>) {
  return db
    .selectFrom('organisation')
    .select([
      'id',
      'name',
      'name_en',
      'kind',
      'gs1_company_prefix',
      'primary_gln',
      'province_code',
      'commune_code',
      'commune_name',
      'created_at',
    ])
    .where('status', '=', 'active')
    .where('kind', 'in', BUSINESS_KINDS)
    .orderBy('name')
    .orderBy('id')
    .execute();
}

export async function publicProducts(db: Kysely<DB>) {
  return db
    .selectFrom('product')
    .innerJoin('organisation', 'organisation.id', 'product.organisation_id')
    .select([
      'product.id',
      'product.gtin',
      'product.name',
      'product.name_en',
      'product.group_code',
      'product.organisation_id',
      'organisation.name as organisation_name',
    ])
    .where('product.status', '=', 'active')
    .where('organisation.status', '=', 'active')
    .where('organisation.kind', 'in', BUSINESS_KINDS)
    .orderBy('product.gtin')
    .execute();
}
