import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/**
 * Reads for the insights dashboard and the refresh that keeps its counters. The event log and the scan log are
 * read only by the refresh, in commit order (inserting transaction, row id) below the oldest running transaction, so
 * no later commit lands behind the cursor; every dashboard query reads the small daily counters instead.
 */

/** The capture source of an event: recorded channels as they are; older rows from a provider or an integration. */
const SOURCE_SQL = sql<string>`case
  when b.channel in ('web', 'offline', 'import', 'provider', 'connector', 'demo') then b.channel
  when b.via_organisation_id is not null then 'provider'
  else 'api' end`;

/** A Huế calendar day (UTC+7) of a timestamp. */
const hueDay = (column: string) => sql<string>`((${sql.ref(column)} + interval '7 hours')::date)`;

/** Adds the next `limit` committed events to the counters; returns how many it read. */
export async function refreshEventBatch(db: Kysely<DB>, limit: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const r = await sql<{ n: string }>`
      with cur as (select tx, row_id from insight_cursor where name = 'events' for update),
      horizon as (select pg_snapshot_xmin(pg_current_snapshot()) as h),
      batch as (
        select e.id, e.commit_tx, e.event_time, e.owner_organisation_id, e.channel, e.via_organisation_id
        from epcis_event e, cur, horizon
        where (e.commit_tx, e.id) > (cur.tx, cur.row_id) and e.commit_tx < horizon.h
        order by e.commit_tx, e.id
        limit ${limit}
      ),
      rows as (
        select ${hueDay('b.event_time')} as day,
          coalesce(p.organisation_id, b.owner_organisation_id) as organisation_id,
          coalesce(p.group_code, '') as group_code,
          ${SOURCE_SQL} as source
        from batch b
        left join lateral (
          select x.gtin from epcis_event_epc x where x.event_row = b.id and x.gtin is not null limit 1
        ) g on true
        left join product p on p.gtin = g.gtin
      ),
      by_org as (
        insert into insight_event_day (day, organisation_id, group_code, source, events)
        select day, organisation_id, group_code, source, count(*) from rows group by 1, 2, 3, 4
        on conflict (day, organisation_id, group_code, source)
          do update set events = insight_event_day.events + excluded.events
        returning 1
      ),
      by_group as (
        insert into insight_event_group_day (day, group_code, source, events)
        select day, group_code, source, count(*) from rows group by 1, 2, 3
        on conflict (day, group_code, source) do update set events = insight_event_group_day.events + excluded.events
        returning 1
      ),
      activity as (
        insert into insight_organisation_activity (organisation_id, first_day, last_day, last_system_day, events)
        select organisation_id, min(day), max(day),
          max(day) filter (where source in ('api', 'provider', 'connector')), count(*)
        from rows group by 1
        on conflict (organisation_id) do update set
          first_day = least(insight_organisation_activity.first_day, excluded.first_day),
          last_day = greatest(insight_organisation_activity.last_day, excluded.last_day),
          last_system_day = greatest(insight_organisation_activity.last_system_day, excluded.last_system_day),
          events = insight_organisation_activity.events + excluded.events
        returning 1
      ),
      last as (select commit_tx, id from batch order by commit_tx desc, id desc limit 1),
      moved as (
        update insight_cursor c set tx = last.commit_tx, row_id = last.id
        from last where c.name = 'events'
        returning 1
      )
      select (select count(*) from batch)::text as n,
        (select count(*) from by_org) + (select count(*) from by_group) + (select count(*) from activity)
          + (select count(*) from moved) as written
    `.execute(trx);
    return Number(r.rows[0]?.n ?? 0);
  });
}

/** Adds the next `limit` committed scans to the counters; returns how many it read. */
export async function refreshScanBatch(db: Kysely<DB>, limit: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const r = await sql<{ n: string }>`
      with cur as (select tx, row_id from insight_cursor where name = 'scans' for update),
      horizon as (select pg_snapshot_xmin(pg_current_snapshot()) as h),
      batch as (
        select s.id, s.commit_tx, s.scanned_at, s.gtin, s.region
        from scan s, cur, horizon
        where (s.commit_tx, s.id) > (cur.tx, cur.row_id) and s.commit_tx < horizon.h
        order by s.commit_tx, s.id
        limit ${limit}
      ),
      counted as (
        insert into insight_scan_day (day, gtin, region, organisation_id, scans)
        select ${hueDay('b.scanned_at')}, b.gtin, coalesce(b.region, ''), coalesce(min(p.organisation_id), ''), count(*)
        from batch b left join product p on p.gtin = b.gtin
        group by 1, 2, 3
        on conflict (day, gtin, region) do update set scans = insight_scan_day.scans + excluded.scans
        returning 1
      ),
      last as (select commit_tx, id from batch order by commit_tx desc, id desc limit 1),
      moved as (
        update insight_cursor c set tx = last.commit_tx, row_id = last.id
        from last where c.name = 'scans'
        returning 1
      )
      select (select count(*) from batch)::text as n,
        (select count(*) from counted) + (select count(*) from moved) as written
    `.execute(trx);
    return Number(r.rows[0]?.n ?? 0);
  });
}

export async function markRefreshed(db: Kysely<DB>, at: Date): Promise<void> {
  await db.updateTable('insight_cursor').set({ refreshed_at: at }).execute();
}

/** When the counters were last brought up to date (the older of the two logs), null before the first refresh. */
export async function freshness(db: Kysely<DB>): Promise<Date | null> {
  const rows = await db.selectFrom('insight_cursor').select(['refreshed_at']).execute();
  if (rows.length === 0 || rows.some((r) => r.refreshed_at === null)) return null;
  return new Date(Math.min(...rows.map((r) => r.refreshed_at!.getTime())));
}

/** Producers and traders: every active organisation that is not the authority nor a solution provider. */
export async function registeredOrganisations(db: Kysely<DB>, organisationId?: string) {
  let q = db
    .selectFrom('organisation')
    .select(['id', 'name', 'kind', 'gs1_company_prefix', 'commune_name', 'uses_barcodes'])
    .where('status', '=', 'active')
    .where('kind', 'not in', ['authority', 'provider']);
  if (organisationId) q = q.where('id', '=', organisationId);
  return q.orderBy('name').execute();
}

export async function trainedOrganisationIds(db: Kysely<DB>): Promise<Set<string>> {
  const rows = await db.selectFrom('training_attendance').select('organisation_id').distinct().execute();
  return new Set(rows.map((r) => r.organisation_id));
}

export async function organisationActivity(db: Kysely<DB>) {
  const rows = await db
    .selectFrom('insight_organisation_activity')
    .select([
      'organisation_id',
      sql<string>`last_day::text`.as('last_day'),
      sql<string | null>`last_system_day::text`.as('last_system_day'),
      'events',
    ])
    .execute();
  return rows.map((r) => ({
    organisationId: r.organisation_id,
    lastDay: r.last_day,
    lastSystemDay: r.last_system_day,
    events: Number(r.events),
  }));
}

export async function publishedStandards(db: Kysely<DB>) {
  return db
    .selectFrom('standard')
    .select(['profile_id', 'title', 'title_en', 'product_groups', 'published_at'])
    .where('status', '=', 'published')
    .orderBy('profile_id')
    .execute();
}

export async function productGroups(db: Kysely<DB>) {
  return db
    .selectFrom('product_group')
    .select(['code', 'name', 'name_en', 'parent_code'])
    .where('active', '=', true)
    .orderBy('sort_order')
    .orderBy('code')
    .execute();
}

/**
 * Products with a QR code in use and with stamps, per organisation. A product's QR is in use when its business
 * published a resolver link for it, ordered stamps for it, or consumers have scanned its code (every registered
 * product resolves, but only these show the code reached the packaging).
 */
export async function productCoverage(db: Kysely<DB>, organisationId?: string) {
  const r = await sql<{ products: string; with_qr: string; with_stamps: string; stamps: string; activated: string }>`
    select
      (select count(*) from product p where p.status = 'active' ${orgFilter('p', organisationId)}) as products,
      (select count(*) from product p where p.status = 'active' ${orgFilter('p', organisationId)}
        and (exists (select 1 from resolver_link l where l.primary_ai = '01' and l.primary_value = p.gtin
            and l.active)
          or exists (select 1 from stamp_batch b where b.product_id = p.id)
          or exists (select 1 from scan s where s.gtin = p.gtin))) as with_qr,
      (select count(*) from product p where p.status = 'active' ${orgFilter('p', organisationId)}
        and exists (select 1 from stamp_batch b where b.product_id = p.id)) as with_stamps,
      (select coalesce(sum(quantity), 0) from stamp_batch b where true ${orgFilter('b', organisationId)}) as stamps,
      (select count(*) from stamp s where s.state in ('activated', 'scanned') ${orgFilter('s', organisationId)})
        as activated
  `.execute(db);
  const row = r.rows[0]!;
  return {
    products: Number(row.products),
    withQr: Number(row.with_qr),
    withStamps: Number(row.with_stamps),
    stampsIssued: Number(row.stamps),
    stampsActivated: Number(row.activated),
  };
}

function orgFilter(alias: string, organisationId: string | undefined) {
  return organisationId ? sql`and ${sql.ref(`${alias}.organisation_id`)} = ${organisationId}` : sql``;
}

/** Events per ISO week (Monday, Huế days) by product group and source since `fromDay`. */
export async function eventsByWeek(db: Kysely<DB>, fromDay: string, organisationId?: string) {
  const rows = organisationId
    ? await sql<{ week: string; group_code: string; source: string; events: string }>`
        select date_trunc('week', day)::date::text as week, group_code, source, sum(events)::text as events
        from insight_event_day where organisation_id = ${organisationId} and day >= ${fromDay}::date
        group by 1, 2, 3 order by 1`.execute(db)
    : await sql<{ week: string; group_code: string; source: string; events: string }>`
        select date_trunc('week', day)::date::text as week, group_code, source, sum(events)::text as events
        from insight_event_group_day where day >= ${fromDay}::date
        group by 1, 2, 3 order by 1`.execute(db);
  return rows.rows.map((r) => ({ week: r.week, groupCode: r.group_code, source: r.source, events: Number(r.events) }));
}

export async function scansByDay(db: Kysely<DB>, fromDay: string, organisationId?: string) {
  const r = await sql<{ day: string; scans: string }>`
    select day::text as day, sum(scans)::text as scans from insight_scan_day
    where day >= ${fromDay}::date ${organisationId ? sql`and organisation_id = ${organisationId}` : sql``}
    group by 1 order by 1`.execute(db);
  return r.rows.map((x) => ({ day: x.day, scans: Number(x.scans) }));
}

export async function scansByProduct(db: Kysely<DB>, fromDay: string, limit: number, organisationId?: string) {
  const r = await sql<{ gtin: string; name: string | null; scans: string }>`
    select s.gtin, p.name, s.scans::text as scans from (
      select gtin, sum(scans) as scans from insight_scan_day
      where day >= ${fromDay}::date ${organisationId ? sql`and organisation_id = ${organisationId}` : sql``}
      group by 1 order by 2 desc limit ${limit}
    ) s left join product p on p.gtin = s.gtin order by s.scans desc, s.gtin`.execute(db);
  return r.rows.map((x) => ({ gtin: x.gtin, name: x.name, scans: Number(x.scans) }));
}

export async function scansByRegion(db: Kysely<DB>, fromDay: string, organisationId?: string) {
  const r = await sql<{ region: string; scans: string }>`
    select region, sum(scans)::text as scans from insight_scan_day
    where day >= ${fromDay}::date ${organisationId ? sql`and organisation_id = ${organisationId}` : sql``}
    group by 1 order by 2 desc`.execute(db);
  return r.rows.map((x) => ({ region: x.region, scans: Number(x.scans) }));
}

/** Scans since `fromDay` by the commune of the product owner's organisation (scans carry a province, not a place). */
export async function scansByOwnerCommune(db: Kysely<DB>, fromDay: string) {
  const r = await sql<{ commune: string | null; scans: string }>`
    select o.commune_name as commune, sum(s.scans)::text as scans
    from (select organisation_id, sum(scans) as scans from insight_scan_day where day >= ${fromDay}::date
          group by 1) s
    join organisation o on o.id = s.organisation_id
    group by 1`.execute(db);
  return r.rows.map((x) => ({ commune: x.commune, scans: Number(x.scans) }));
}

/** Active locations by commune: producing places (farms, factories…) and growing areas. */
export async function locationsByCommune(db: Kysely<DB>) {
  const r = await sql<{ commune: string | null; locations: string; growing: string }>`
    select commune_name as commune, count(*)::text as locations,
      count(*) filter (where growing_area_code is not null)::text as growing
    from location where status = 'active' group by 1`.execute(db);
  return r.rows.map((x) => ({ commune: x.commune, locations: Number(x.locations), growingAreas: Number(x.growing) }));
}

export async function alertCounts(db: Kysely<DB>, since: Date, organisationId?: string) {
  const r = await sql<{ kind: string; total: string; open: string }>`
    select kind, count(*)::text as total, count(*) filter (where acknowledged_at is null)::text as open
    from alert where created_at >= ${since} ${organisationId ? sql`and organisation_id = ${organisationId}` : sql``}
    group by 1 order by 1`.execute(db);
  return r.rows.map((x) => ({ kind: x.kind, total: Number(x.total), open: Number(x.open) }));
}

export async function recallFigures(db: Kysely<DB>, since: Date, organisationId?: string) {
  const r = await sql<{
    id: string;
    mock: boolean;
    status: string;
    opened_at: Date;
    closed_at: Date | null;
    impact_ms: string | null;
    acknowledged_ms: string | null;
  }>`
    select r.id, r.mock, r.status, r.opened_at, r.closed_at,
      (select extract(epoch from (s.at - r.opened_at)) * 1000 from recall_step s
        where s.recall_id = r.id and s.step = 'impact_computed')::text as impact_ms,
      (select extract(epoch from (s.at - r.opened_at)) * 1000 from recall_step s
        where s.recall_id = r.id and s.step = 'acknowledged')::text as acknowledged_ms
    from recall r where r.opened_at >= ${since}
      ${organisationId ? sql`and r.organisation_id = ${organisationId}` : sql``}
    order by r.opened_at desc limit 500`.execute(db);
  return r.rows.map((x) => ({
    id: x.id,
    mock: x.mock,
    status: x.status,
    openedAt: x.opened_at,
    impactMs: x.impact_ms === null ? null : Number(x.impact_ms),
    acknowledgedMs: x.acknowledged_ms === null ? null : Number(x.acknowledged_ms),
  }));
}

/** Current lot compliance by product group (average score, lots with errors). */
export async function complianceByGroup(db: Kysely<DB>, organisationId?: string) {
  const r = await sql<{ group_code: string; lots: string; average: string | null; with_errors: string }>`
    select p.group_code, count(*)::text as lots, round(avg(c.score)::numeric, 1)::text as average,
      count(*) filter (where c.errors > 0)::text as with_errors
    from lot_compliance c join product p on p.id = c.product_id
    ${organisationId ? sql`where c.organisation_id = ${organisationId}` : sql``}
    group by 1 order by 1`.execute(db);
  return r.rows.map((x) => ({
    groupCode: x.group_code,
    lots: Number(x.lots),
    averageScore: x.average === null ? null : Number(x.average),
    lotsWithErrors: Number(x.with_errors),
  }));
}
