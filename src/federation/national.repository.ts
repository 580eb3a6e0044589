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

// ---------------------------------------------------------------------------------------------------------------
// What is sent: read from the registry and the EPCIS repository (read-only; this capability never writes them).

export async function organisationSource(db: Db, organisationId: string) {
  return db
    .selectFrom('organisation')
    .select([
      'id',
      'name',
      'name_en',
      'tax_code',
      'primary_gln',
      'address',
      'province_code',
      'contact_name',
      'contact_email',
      'contact_phone',
      'status',
    ])
    .where('id', '=', organisationId)
    .executeTakeFirst();
}

export async function productSources(db: Db, organisationId: string) {
  const products = await db
    .selectFrom('product')
    .select(['id', 'gtin', 'name', 'name_en', 'brand', 'net_content', 'net_content_unit', 'description'])
    .where('organisation_id', '=', organisationId)
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  if (products.length === 0) return [];
  const images = await db
    .selectFrom('product_image')
    .select(['product_id', 'media_id'])
    .where(
      'product_id',
      'in',
      products.map((p) => p.id),
    )
    .orderBy('product_id')
    .orderBy('position')
    .execute();
  return products.map((p) => ({
    ...p,
    imageIds: images.filter((i) => i.product_id === p.id).map((i) => i.media_id),
  }));
}

/** The organisation's own events that name a lot of one of the given GTINs (error declarations left out). */
export async function eventSources(db: Db, organisationId: string, gtins: readonly string[]) {
  if (gtins.length === 0) return [];
  const rows = await db
    .selectFrom('epcis_event as e')
    .innerJoin('epcis_event_epc as p', 'p.event_row', 'e.id')
    .select([
      'e.id as row_id',
      'e.event_id',
      'e.event_type',
      'e.event_time',
      'e.event_time_zone_offset',
      'e.biz_step',
      'e.biz_location',
      'e.read_point',
      'p.gtin',
      'p.lot',
      'p.quantity',
      'p.uom',
    ])
    .where('e.owner_organisation_id', '=', organisationId)
    .where('e.error_declaration_time', 'is', null)
    .where('p.lot', 'is not', null)
    .where('p.gtin', 'in', [...new Set(gtins.flatMap((g) => [g, g.padStart(14, '0')]))])
    .orderBy('e.event_time')
    .orderBy('e.id')
    .execute();
  const seen = new Set<string>();
  const out = [];
  for (const r of rows) {
    const key = `${r.row_id}|${r.gtin}|${r.lot}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      rowId: String(r.row_id),
      eventId: r.event_id,
      eventType: r.event_type,
      eventTime: new Date(r.event_time),
      timeZoneOffset: r.event_time_zone_offset,
      bizStep: r.biz_step,
      bizLocation: r.biz_location,
      readPoint: r.read_point,
      gtin: r.gtin!,
      lot: r.lot!,
      quantity: r.quantity === null ? null : Number(r.quantity),
      uom: r.uom,
    });
  }
  return out;
}

export async function locationNames(db: Db, organisationId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('location')
    .select(['gln', 'name'])
    .where('organisation_id', '=', organisationId)
    .execute();
  return new Map(rows.map((r) => [r.gln, r.name]));
}

// ---------------------------------------------------------------------------------------------------------------
// Enrolment

export async function enrolledOrganisations(db: Db, platform: string) {
  return db
    .selectFrom('national_enrolment')
    .selectAll()
    .where('platform', '=', platform)
    .where('enabled', '=', true)
    .orderBy('organisation_id')
    .execute();
}

export async function findEnrolment(db: Db, platform: string, organisationId: string) {
  return db
    .selectFrom('national_enrolment')
    .selectAll()
    .where('platform', '=', platform)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
}

export async function upsertEnrolment(
  db: Db,
  row: { platform: string; organisation_id: string; enabled: boolean; decided_by: string | null; decided_at: Date },
): Promise<void> {
  await db
    .insertInto('national_enrolment')
    .values({ ...row, portal_status: null, paused_until: null })
    .onConflict((oc) =>
      oc.columns(['platform', 'organisation_id']).doUpdateSet({
        enabled: row.enabled,
        decided_by: row.decided_by,
        decided_at: row.decided_at,
        paused_until: null,
      }),
    )
    .execute();
}

export async function updateEnrolment(
  db: Db,
  platform: string,
  organisationId: string,
  set: { portal_status?: string | null; paused_until?: Date | null },
): Promise<void> {
  await db
    .updateTable('national_enrolment')
    .set(set)
    .where('platform', '=', platform)
    .where('organisation_id', '=', organisationId)
    .execute();
}

export async function listEnrolments(db: Db, platform: string, scope: OrganisationScope) {
  let query = db
    .selectFrom('national_enrolment as n')
    .innerJoin('organisation as o', 'o.id', 'n.organisation_id')
    .select([
      'n.organisation_id',
      'o.name',
      'o.tax_code',
      'n.enabled',
      'n.decided_at',
      'n.portal_status',
      'n.paused_until',
    ])
    .where('n.platform', '=', platform)
    .orderBy('o.name');
  if (!scope.all) query = query.where('n.organisation_id', '=', scope.organisationId);
  return query.execute();
}

// ---------------------------------------------------------------------------------------------------------------
// The outbox

export interface OutboxRow {
  id: string;
  platform: string;
  organisation_id: string;
  record_kind: NationalRecordKind;
  source_id: string;
  record_key: string;
  depends_on: string | null;
  rank: number;
  sequence: string;
  payload_hash: string;
  status: NationalOutboxStatus;
  attempts: number;
  queued_at: Date;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  sent_at: Date | null;
  last_code: string | null;
  last_http_status: number | null;
  last_detail: string | null;
  portal_ref: string | null;
}

/** The organisation's outbox rows, keyed `kind:sourceId`. */
export async function outboxOf(db: Db, platform: string, organisationId: string): Promise<Map<string, OutboxRow>> {
  const rows = await db
    .selectFrom('national_outbox')
    .selectAll()
    .where('platform', '=', platform)
    .where('organisation_id', '=', organisationId)
    .execute();
  return new Map(rows.map((r) => [`${r.record_kind}:${r.source_id}`, r]));
}

export async function insertOutbox(
  db: Db,
  row: {
    id: string;
    platform: string;
    organisation_id: string;
    record_kind: NationalRecordKind;
    source_id: string;
    record_key: string;
    depends_on: string | null;
    rank: number;
    payload_hash: string;
    status: NationalOutboxStatus;
    queued_at: Date;
    next_attempt_at: Date;
    last_code: string | null;
    last_detail: string | null;
  },
): Promise<void> {
  await db.insertInto('national_outbox').values(row).execute();
}

/** Queues a known record again (changed, fixed, or a resync): its attempts start over. */
export async function requeueOutbox(
  db: Db,
  id: string,
  set: {
    record_key: string;
    depends_on: string | null;
    payload_hash: string;
    status: NationalOutboxStatus;
    queued_at: Date;
    last_code: string | null;
    last_detail: string | null;
  },
): Promise<void> {
  await db
    .updateTable('national_outbox')
    .set({ ...set, attempts: 0, next_attempt_at: set.queued_at, last_http_status: null })
    .where('id', '=', id)
    .execute();
}

export async function updateOutbox(
  db: Db,
  id: string,
  set: Partial<
    Pick<
      OutboxRow,
      | 'status'
      | 'attempts'
      | 'next_attempt_at'
      | 'last_attempt_at'
      | 'sent_at'
      | 'last_code'
      | 'last_http_status'
      | 'last_detail'
      | 'portal_ref'
      | 'payload_hash'
    >
  >,
): Promise<void> {
  await db.updateTable('national_outbox').set(set).where('id', '=', id).execute();
}

/**
 * The next records to send, in order: due, pending, of enrolled organisations that are not paused, by
 * organisation, then dependency rank, then queue order.
 */
export async function dueOutbox(db: Db, platform: string, now: Date, limit: number): Promise<OutboxRow[]> {
  const rows = await db
    .selectFrom('national_outbox as o')
    .innerJoin('national_enrolment as n', (j) =>
      j.onRef('n.organisation_id', '=', 'o.organisation_id').onRef('n.platform', '=', 'o.platform'),
    )
    .selectAll('o')
    .where('o.platform', '=', platform)
    .where('o.status', '=', 'pending')
    .where('o.next_attempt_at', '<=', now)
    .where('n.enabled', '=', true)
    .where((eb) => eb.or([eb('n.paused_until', 'is', null), eb('n.paused_until', '<=', now)]))
    .orderBy('o.organisation_id')
    .orderBy('o.rank')
    .orderBy('o.sequence')
    .limit(limit)
    .execute();
  return rows;
}

export async function statusesOf(db: Db, ids: readonly string[]): Promise<Map<string, NationalOutboxStatus>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('national_outbox').select(['id', 'status']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.status]));
}

export async function findOutbox(db: Db, id: string): Promise<OutboxRow | undefined> {
  return await db.selectFrom('national_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function nextDueAt(db: Db, platform: string): Promise<Date | null> {
  const row = await db
    .selectFrom('national_outbox as o')
    .innerJoin('national_enrolment as n', (j) =>
      j.onRef('n.organisation_id', '=', 'o.organisation_id').onRef('n.platform', '=', 'o.platform'),
    )
    .select((eb) =>
      eb.fn.min(sql<Date>`greatest(o.next_attempt_at, coalesce(n.paused_until, o.next_attempt_at))`).as('at'),
    )
    .where('o.platform', '=', platform)
    .where('o.status', '=', 'pending')
    .where('n.enabled', '=', true)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// The log and the platform's state

export async function insertLog(
  db: Db,
  row: {
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
  },
): Promise<void> {
  await db.insertInto('national_sync_log').values(row).execute();
}

export interface LogFilter {
  readonly organisationId?: string | undefined;
  readonly recordKind?: NationalRecordKind | undefined;
  readonly outcome?: NationalSyncOutcome | undefined;
  readonly outboxId?: string | undefined;
  readonly code?: string | undefined;
}

export async function listLog(
  db: Db,
  platform: string,
  scope: OrganisationScope,
  filter: LogFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: (SyncLogRow & { organisation_name: string })[]; total: number }> {
  let query = db
    .selectFrom('national_sync_log as l')
    .innerJoin('organisation as o', 'o.id', 'l.organisation_id')
    .where('l.platform', '=', platform);
  if (!scope.all) query = query.where('l.organisation_id', '=', scope.organisationId);
  if (filter.organisationId) query = query.where('l.organisation_id', '=', filter.organisationId);
  if (filter.recordKind) query = query.where('l.record_kind', '=', filter.recordKind);
  if (filter.outcome) query = query.where('l.outcome', '=', filter.outcome);
  if (filter.outboxId) query = query.where('l.outbox_id', '=', filter.outboxId);
  if (filter.code) query = query.where('l.code', '=', filter.code);
  const [rows, total] = await Promise.all([
    query
      .selectAll('l')
      .select('o.name as organisation_name')
      .orderBy('l.at', 'desc')
      .orderBy('l.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst(),
  ]);
  return { rows: rows, total: Number(total?.n ?? 0) };
}

export async function listOutbox(
  db: Db,
  platform: string,
  scope: OrganisationScope,
  filter: { status?: NationalOutboxStatus | undefined; recordKind?: NationalRecordKind | undefined },
  page: { limit: number; offset: number },
): Promise<{ rows: (OutboxRow & { organisation_name: string })[]; total: number }> {
  let query = db
    .selectFrom('national_outbox as x')
    .innerJoin('organisation as o', 'o.id', 'x.organisation_id')
    .where('x.platform', '=', platform);
  if (!scope.all) query = query.where('x.organisation_id', '=', scope.organisationId);
  if (filter.status) query = query.where('x.status', '=', filter.status);
  if (filter.recordKind) query = query.where('x.record_kind', '=', filter.recordKind);
  const [rows, total] = await Promise.all([
    query
      .selectAll('x')
      .select('o.name as organisation_name')
      .orderBy('x.organisation_id')
      .orderBy('x.rank')
      .orderBy('x.sequence')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst(),
  ]);
  return { rows: rows, total: Number(total?.n ?? 0) };
}

export async function updatePlatformState(
  db: Db,
  platform: string,
  set: {
    paused_until?: Date | null;
    last_success_at?: Date;
    last_error_at?: Date;
    last_error_code?: string | null;
    last_error_detail?: string | null;
  },
): Promise<void> {
  await db
    .insertInto('national_platform_state')
    .values({ platform, ...set })
    .onConflict((oc) => oc.column('platform').doUpdateSet(set))
    .execute();
}

/**
 * Takes (or renews) the platform's sending lease for `owner` until `until`: granted when nobody holds it, the holder
 * is `owner`, or the holder's lease ran out (its worker died). One statement, so two workers never both get it.
 */
export async function claimPlatformLease(
  db: Db,
  platform: string,
  owner: string,
  now: Date,
  until: Date,
): Promise<boolean> {
  const row = await db
    .insertInto('national_platform_state')
    .values({ platform, lease_owner: owner, lease_until: until })
    .onConflict((oc) =>
      oc
        .column('platform')
        .doUpdateSet({ lease_owner: owner, lease_until: until })
        .where((eb) =>
          eb.or([
            eb('national_platform_state.lease_owner', 'is', null),
            eb('national_platform_state.lease_owner', '=', owner),
            eb('national_platform_state.lease_until', '<', now),
          ]),
        ),
    )
    .returning('platform')
    .executeTakeFirst();
  return row !== undefined;
}

export async function releasePlatformLease(db: Db, platform: string, owner: string): Promise<void> {
  await db
    .updateTable('national_platform_state')
    .set({ lease_owner: null, lease_until: null })
    .where('platform', '=', platform)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Records waiting on this one are due now (it was just sent). */
export async function wakeDependents(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('national_outbox')
    .set({ next_attempt_at: now })
    .where('depends_on', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '>', now)
    .execute();
}
