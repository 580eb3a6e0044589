import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { EpcisSubscriptionDeliveryTable, EpcisSubscriptionTable } from './epcis.tables.ts';
import type { CommitCursor } from './query.repository.ts';

/** SQL of EPCIS query subscriptions: the subscriptions, their delivery lease and cursor, and the delivery log. */

type Db = Kysely<DB> | Transaction<DB>;
export type SubscriptionRow = Omit<Selectable<EpcisSubscriptionTable>, 'cursor_row' | 'cursor_tx'> & {
  cursor_row: string;
  cursor_tx: string;
};
export type DeliveryRow = Selectable<EpcisSubscriptionDeliveryTable>;

/** How many log entries each subscription keeps. */
const LOG_KEPT = 200;

const COLUMNS = sql`id, organisation_id, query_name, sees_organisation_id, dest, signature_token, stream, schedule,
  report_if_empty, epc_format, initial_record_time, cursor_tx::text as cursor_tx, cursor_row::text as cursor_row,
  next_run_at, created_by, created_at, last_notified_at, last_attempt_at, failure_count, lease_owner, lease_until`;

export async function insertSubscription(
  db: Db,
  row: {
    id: string;
    organisation_id: string;
    query_name: string;
    sees_organisation_id: string | null;
    dest: string;
    signature_token: string | null;
    stream: boolean;
    schedule: Record<string, string> | null;
    report_if_empty: boolean;
    epc_format: string;
    initial_record_time: Date | null;
    cursor: CommitCursor | null;
    created_by: string | null;
  },
): Promise<SubscriptionRow> {
  const r = await sql<SubscriptionRow>`
    insert into epcis_subscription (id, organisation_id, query_name, sees_organisation_id, dest, signature_token,
      stream, schedule, report_if_empty, epc_format, initial_record_time, cursor_tx, cursor_row, created_by)
    values (${row.id}, ${row.organisation_id}, ${row.query_name}, ${row.sees_organisation_id}, ${row.dest},
      ${row.signature_token}, ${row.stream}, ${row.schedule === null ? null : JSON.stringify(row.schedule)}::jsonb,
      ${row.report_if_empty}, ${row.epc_format}, coalesce(${row.initial_record_time}::timestamptz, now()),
      ${row.cursor?.tx ?? '0'}::xid8, ${row.cursor?.row ?? '0'}::bigint, ${row.created_by})
    returning ${COLUMNS}`.execute(db);
  return r.rows[0]!;
}

export async function findSubscription(db: Db, id: string): Promise<SubscriptionRow | undefined> {
  const r = await sql<SubscriptionRow>`select ${COLUMNS} from epcis_subscription where id = ${id}`.execute(db);
  return r.rows[0];
}

export async function listSubscriptions(
  db: Db,
  organisationId: string,
  queryName: string,
  limit: number,
  afterId: string | null,
): Promise<SubscriptionRow[]> {
  const r = await sql<SubscriptionRow>`
    select ${COLUMNS} from epcis_subscription
    where organisation_id = ${organisationId} and query_name = ${queryName}
      ${afterId === null ? sql`` : sql`and id > ${afterId}`}
    order by id limit ${limit}`.execute(db);
  return r.rows;
}

export async function deleteSubscription(
  db: Db,
  organisationId: string,
  queryName: string,
  id: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('epcis_subscription')
    .where('organisation_id', '=', organisationId)
    .where('query_name', '=', queryName)
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Stream subscriptions that may see events visible to one of these organisations (or see everything). */
export async function streamSubscriptionsFor(db: Db, organisationIds: readonly string[]): Promise<string[]> {
  const rows = await db
    .selectFrom('epcis_subscription')
    .select('id')
    .where('stream', '=', true)
    .where((eb) =>
      organisationIds.length === 0
        ? eb('sees_organisation_id', 'is', null)
        : eb.or([eb('sees_organisation_id', 'is', null), eb('sees_organisation_id', 'in', organisationIds)]),
    )
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Takes the subscription's delivery lease (one deliverer at a time, across workers); returns the subscription, or
 * undefined when another worker holds an unexpired lease or the subscription is gone.
 */
export async function takeLease(
  db: Db,
  id: string,
  owner: string,
  leaseMs: number,
): Promise<SubscriptionRow | undefined> {
  const r = await sql<SubscriptionRow>`
    update epcis_subscription set lease_owner = ${owner},
      lease_until = now() + make_interval(secs => ${leaseMs / 1000})
    where id = ${id} and (lease_until is null or lease_until < now() or lease_owner = ${owner})
    returning ${COLUMNS}`.execute(db);
  return r.rows[0];
}

export async function leaseExpiry(db: Db, id: string): Promise<Date | null> {
  const r = await db.selectFrom('epcis_subscription').select('lease_until').where('id', '=', id).executeTakeFirst();
  return r?.lease_until ?? null;
}

export async function releaseLease(db: Db, id: string, owner: string): Promise<void> {
  await db
    .updateTable('epcis_subscription')
    .set({ lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Moves the cursor forward (never back) without a delivery: nothing matched below `cursor`. */
export async function moveCursor(db: Db, id: string, cursor: CommitCursor): Promise<void> {
  await sql`update epcis_subscription set cursor_tx = ${cursor.tx}::xid8, cursor_row = ${cursor.row}::bigint
    where id = ${id} and (cursor_tx, cursor_row) < (${cursor.tx}::xid8, ${cursor.row}::bigint)`.execute(db);
}

/**
 * Records one delivery attempt and, when the receiver accepted it, moves the cursor past the delivered events —
 * in the caller's transaction, so the log and the cursor never disagree.
 */
export async function recordDelivery(
  trx: Transaction<DB>,
  entry: Omit<DeliveryRow, 'id' | 'attempted_at'>,
  cursor: CommitCursor | null,
): Promise<void> {
  await trx.insertInto('epcis_subscription_delivery').values(entry).execute();
  if (entry.delivered) {
    await sql`update epcis_subscription set last_attempt_at = now(), last_notified_at = now(), failure_count = 0
      ${cursor === null ? sql`` : sql`, cursor_tx = ${cursor.tx}::xid8, cursor_row = ${cursor.row}::bigint`}
      where id = ${entry.subscription_id}`.execute(trx);
  } else {
    await sql`update epcis_subscription set last_attempt_at = now(), failure_count = failure_count + 1
      where id = ${entry.subscription_id}`.execute(trx);
  }
  await sql`delete from epcis_subscription_delivery where subscription_id = ${entry.subscription_id} and id <= (
      select id from epcis_subscription_delivery where subscription_id = ${entry.subscription_id}
      order by id desc offset ${LOG_KEPT} limit 1)`.execute(trx);
}

/**
 * Moves a schedule chain from run `at` to run `next`; false when another job moved it already (a retry, or a
 * second worker), which then must not schedule again.
 */
export async function advanceSchedule(db: Db, id: string, at: Date | null, next: Date | null): Promise<boolean> {
  const r = await sql<{ id: string }>`
    update epcis_subscription set next_run_at = ${next}
    where id = ${id} and ${at === null ? sql`next_run_at is null` : sql`next_run_at = ${at}`}
    returning id`.execute(db);
  return r.rows.length > 0;
}

export async function recentDeliveries(db: Db, subscriptionId: string, limit: number): Promise<DeliveryRow[]> {
  return db
    .selectFrom('epcis_subscription_delivery')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The stored parameters of an organisation's named query, if it still exists. */
export async function namedQueryParams(
  db: Db,
  organisationId: string,
  name: string,
): Promise<Record<string, string[]> | undefined> {
  const row = await db
    .selectFrom('epcis_named_query')
    .select('query')
    .where('organisation_id', '=', organisationId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.query;
}

/**
 * Whether whoever created a subscription may still query: its organisation is active and the API key (not revoked,
 * not expired, still holding `epcis:query`) or the user account (active) it was made with still stands.
 */
export async function subscriberEntitled(db: Db, organisationId: string, createdBy: string | null): Promise<boolean> {
  const organisation = await db
    .selectFrom('organisation')
    .select('status')
    .where('id', '=', organisationId)
    .executeTakeFirst();
  if (organisation?.status !== 'active') return false;
  const [kind, id] = (createdBy ?? '').split(':', 2);
  if (kind === 'apiKey' && id) {
    const key = await db
      .selectFrom('api_key')
      .select(['revoked_at', 'expires_at', 'permissions'])
      .where('id', '=', id)
      .executeTakeFirst();
    return (
      key !== undefined &&
      key.revoked_at === null &&
      (key.expires_at === null || key.expires_at > new Date()) &&
      key.permissions.includes('epcis:query')
    );
  }
  if (kind === 'user' && id) {
    const user = await db.selectFrom('app_user').select('status').where('id', '=', id).executeTakeFirst();
    return user?.status === 'active';
  }
  return true;
}
