import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { NationalOutboxStatus, NationalRecordKind, NationalSyncOutcome } from './national.tables.ts';

/** SQL of the national platform sync: enrolments, the outbox, the sync log and the platform's state. */

type Db = Kysely<DB> | Transaction<DB>;

/** Which organisations a query covers: all of them (province) or one. */
export type OrganisationScope = { readonly all: true } | { readonly all: false; readonly organisationId: string };

export interface KindCounts {
  readonly kind: NationalRecordKind;
  readonly status: NationalOutboxStatus;
  readonly count: number;
}

export async function countByKindAndStatus(db: Db, platform: string, scope: OrganisationScope): Promise<KindCounts[]> {
  let query = db
    .selectFrom('national_outbox')
    .select(['record_kind', 'status', (eb) => eb.fn.countAll<string>().as('count')])
    .where('platform', '=', platform)
    .groupBy(['record_kind', 'status']);
  if (!scope.all) query = query.where('organisation_id', '=', scope.organisationId);
  const rows = await query.execute();
  return rows.map((r) => ({ kind: r.record_kind, status: r.status, count: Number(r.count) }));
}

export async function outboxTimes(
  db: Db,
  platform: string,
  scope: OrganisationScope,
): Promise<{ lastSentAt: Date | null; oldestPendingAt: Date | null }> {
  let query = db
    .selectFrom('national_outbox')
    .select([
      (eb) => eb.fn.max('sent_at').as('last_sent_at'),
      sql<Date | null>`min(queued_at) filter (where status = 'pending')`.as('oldest_pending_at'),
    ])
    .where('platform', '=', platform);
  if (!scope.all) query = query.where('organisation_id', '=', scope.organisationId);
  const row = await query.executeTakeFirst();
  const asDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));
  return { lastSentAt: asDate(row?.last_sent_at), oldestPendingAt: asDate(row?.oldest_pending_at) };
}

export interface SyncLogRow {
  id: string;
  outbox_id: string;
  platform: string;
  organisation_id: string;
  record_kind: NationalRecordKind;
  record_key: string;
  at: Date;
  attempt: number;
  outcome: NationalSyncOutcome;
  http_status: number | null;
  code: string | null;
  detail: string | null;
}

export async function lastProblem(db: Db, platform: string, scope: OrganisationScope): Promise<SyncLogRow | undefined> {
  let query = db
    .selectFrom('national_sync_log')
    .selectAll()
    .where('platform', '=', platform)
    .where('outcome', 'in', ['retry', 'failed'])
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1);
  if (!scope.all) query = query.where('organisation_id', '=', scope.organisationId);
  return query.executeTakeFirst();
}

export async function platformState(db: Db, platform: string) {
  return db.selectFrom('national_platform_state').selectAll().where('platform', '=', platform).executeTakeFirst();
}

export async function countEnrolled(db: Db, platform: string, scope: OrganisationScope): Promise<number> {
  let query = db
    .selectFrom('national_enrolment')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('platform', '=', platform)
    .where('enabled', '=', true);
  if (!scope.all) query = query.where('organisation_id', '=', scope.organisationId);
  const row = await query.executeTakeFirst();
  return Number(row?.count ?? 0);
}
