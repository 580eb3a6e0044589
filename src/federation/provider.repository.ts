import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

/** SQL for the solution-provider overview and the delegation scope check (read-only over registry and capture). */

type Db = Kysely<DB> | Transaction<DB>;

export async function delegationScope(db: Db, delegationId: string) {
  return db.selectFrom('delegation').select(['scope']).where('id', '=', delegationId).executeTakeFirst();
}

export async function gtinsOfProducts(db: Db, organisationId: string, productIds: readonly string[]) {
  if (productIds.length === 0) return [];
  const rows = await db
    .selectFrom('product')
    .select('gtin')
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', productIds)
    .execute();
  return rows.map((r) => r.gtin);
}

export async function glnsOfLocations(db: Db, organisationId: string, locationIds: readonly string[]) {
  if (locationIds.length === 0) return [];
  const rows = await db
    .selectFrom('location')
    .select('gln')
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', locationIds)
    .execute();
  return rows.map((r) => r.gln);
}

export async function providers(db: Db, providerId: string | undefined) {
  let q = db.selectFrom('organisation').select(['id', 'name', 'status']).where('kind', '=', 'provider');
  if (providerId !== undefined) q = q.where('id', '=', providerId);
  return q.orderBy('name').execute();
}

/** Delegations to the providers (active and ended), with the granting business's name. */
export async function delegationsTo(db: Db, providerIds: readonly string[]) {
  if (providerIds.length === 0) return [];
  return db
    .selectFrom('delegation')
    .innerJoin('organisation as business', 'business.id', 'delegation.organisation_id')
    .select([
      'delegation.id',
      'delegation.provider_organisation_id',
      'delegation.organisation_id',
      'business.name as organisation_name',
      'delegation.permissions',
      'delegation.scope',
      'delegation.valid_until',
      'delegation.created_at',
      'delegation.revoked_at',
    ])
    .where('delegation.provider_organisation_id', 'in', providerIds)
    .orderBy('business.name')
    .execute();
}

/** Per (provider, business): the last event captured through the provider and the events since `since`. */
export async function eventFeed(db: Db, providerIds: readonly string[], since: Date) {
  if (providerIds.length === 0) return [];
  return db
    .selectFrom('epcis_event')
    .select([
      'via_organisation_id',
      'owner_organisation_id',
      sql<Date>`max(record_time)`.as('last_event_at'),
      sql<number>`(count(*) filter (where record_time >= ${since}))::int`.as('recent_events'),
    ])
    .where('via_organisation_id', 'in', providerIds)
    .groupBy(['via_organisation_id', 'owner_organisation_id'])
    .execute();
}

/** Per (provider, business): capture jobs since `since` and how many failed or carried errors. */
export async function captureFeed(db: Db, providerIds: readonly string[], since: Date) {
  if (providerIds.length === 0) return [];
  return db
    .selectFrom('capture_job')
    .select([
      'via_organisation_id',
      'organisation_id',
      sql<number>`count(*)::int`.as('captures'),
      sql<number>`(count(*) filter (where status = 'failed' or jsonb_array_length(errors) > 0))::int`.as('failed'),
      sql<Date | null>`max(created_at)`.as('last_capture_at'),
    ])
    .where('via_organisation_id', 'in', providerIds)
    .where('created_at', '>=', since)
    .groupBy(['via_organisation_id', 'organisation_id'])
    .execute();
}
