import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { walkSql } from '../trace/trace.repository.ts';
import type { ComplianceResult } from './profile.ts';
import type { StandardRow } from './standards.repository.ts';

/** SQL of compliance kept current: product bindings, a lot's history, lot scores and their reports. */

type Db = Kysely<DB> | Transaction<DB>;

export interface ProductRef {
  readonly id: string;
  readonly organisationId: string;
  readonly gtin: string;
  readonly groupCode: string;
  /** The standard version the product is bound to, or null (its group's current published one applies). */
  readonly boundStandardId: string | null;
}

const productColumns = sql<ProductRef>`p.id, p.organisation_id as "organisationId", p.gtin, p.group_code as "groupCode",
  ps.standard_id as "boundStandardId"`;

export async function productById(db: Db, id: string): Promise<ProductRef | undefined> {
  const r = await sql<ProductRef>`
    select ${productColumns} from product p left join product_standard ps on ps.product_id = p.id where p.id = ${id}
  `.execute(db);
  return r.rows[0];
}

export async function productsByGtin(db: Db, gtins: readonly string[]): Promise<Map<string, ProductRef>> {
  if (gtins.length === 0) return new Map();
  const r = await sql<ProductRef>`
    select ${productColumns} from product p left join product_standard ps on ps.product_id = p.id
    where p.gtin = any(${[...new Set(gtins)]}::text[])
  `.execute(db);
  return new Map(r.rows.map((p) => [p.gtin, p]));
}

export async function standardsByIds(db: Db, ids: readonly string[]): Promise<Map<string, StandardRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('standard')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Published versions whose product groups include any of the groups. */
export async function publishedForGroups(db: Db, groups: readonly string[]): Promise<StandardRow[]> {
  if (groups.length === 0) return [];
  return db
    .selectFrom('standard')
    .selectAll()
    .where('status', '=', 'published')
    .where(sql<boolean>`product_groups && ${[...new Set(groups)]}::text[]`)
    .orderBy('profile_id')
    .execute();
}

export async function bindStandard(db: Db, productId: string, standardId: string, by: string | null): Promise<void> {
  await db
    .insertInto('product_standard')
    .values({ product_id: productId, standard_id: standardId, bound_by: by })
    .onConflict((oc) =>
      oc.column('product_id').doUpdateSet({ standard_id: standardId, bound_by: by, bound_at: new Date() }),
    )
    .execute();
}

export async function unbindStandard(db: Db, productId: string): Promise<void> {
  await db.deleteFrom('product_standard').where('product_id', '=', productId).execute();
}

export interface HistoryEvent {
  readonly eventId: string;
  readonly document: Record<string, unknown>;
  /** True when the event names the lot itself or a container it was packed into. */
  readonly self: boolean;
}

/**
 * A lot's history as its organisation sees it: every visible, non-erroneous event of any node of its backward
 * trace (the lot, the lots it was made from and their origins, the containers it travelled in), oldest first.
 */
export async function lotHistory(db: Db, lot: string, viewer: string | null, maxDepth = 50): Promise<HistoryEvent[]> {
  const walked = await walkSql(lot, 'backward', maxDepth, viewer).execute(db);
  const nodes = new Set<string>([lot]);
  const self = new Set<string>([lot]);
  for (const w of walked.rows) {
    if (!w.visible) continue;
    nodes.add(w.node);
    if (w.via === 'container') self.add(w.node);
  }
  const visible = viewer === null ? sql`true` : sql`ev.visible_to @> array[${viewer}]::text[]`;
  const rows = await sql<{ event_id: string; document: Record<string, unknown>; self: boolean }>`
    select ev.event_id, ev.document, bool_or(x.epc = any(${[...self]}::text[])) as self
    from epcis_event_epc x
    join epcis_event ev on ev.id = x.event_row
    where x.epc = any(${[...nodes]}::text[]) and ${visible}
      and ev.error_declaration_time is null
      and not exists (select 1 from trace_error_declaration d where d.event_row = ev.id)
    group by ev.id
    order by min(ev.event_time), ev.id
  `.execute(db);
  return rows.rows.map((r) => ({ eventId: r.event_id, document: r.document, self: r.self }));
}

/** Lots downstream of the given ones (made from them, bounded), the given ones included. */
export async function withDownstreamLots(db: Db, lots: readonly string[], maxDepth = 10): Promise<string[]> {
  const all = new Set(lots);
  for (const lot of lots) {
    const walked = await walkSql(lot, 'forward', maxDepth, null).execute(db);
    for (const w of walked.rows) all.add(w.node);
  }
  return [...all];
}

export interface LotComplianceRow {
  lot: string;
  gtin: string;
  product_id: string;
  organisation_id: string;
  standard_id: string;
  profile_id: string;
  version: number;
  score: number;
  errors: number;
  warnings: number;
  findings: unknown;
  event_count: number;
  evaluated_at: Date;
}

/**
 * Replaces a lot's current compliance. When the lot was last scored against another standard version, that score is
 * kept as a stored evaluation first: a new version never silently rewrites what the old one said.
 */
export async function saveLotCompliance(
  trx: Transaction<DB>,
  row: {
    lot: string;
    gtin: string;
    productId: string;
    organisationId: string;
    standardId: string;
    result: ComplianceResult;
    eventIds: readonly string[];
  },
): Promise<void> {
  await sql`
    insert into standard_evaluation (standard_id, profile_id, version, lot, organisation_id, score, errors, warnings,
      findings, event_ids, evaluated_by, evaluated_at)
    select standard_id, profile_id, version, lot, organisation_id, score, errors, warnings, findings, '{}'::text[],
      'compliance', evaluated_at
    from lot_compliance where lot = ${row.lot} and standard_id <> ${row.standardId}
  `.execute(trx);
  const values = {
    lot: row.lot,
    gtin: row.gtin,
    product_id: row.productId,
    organisation_id: row.organisationId,
    standard_id: row.standardId,
    profile_id: row.result.profileId,
    version: row.result.profileVersion,
    score: row.result.score,
    errors: row.result.errors,
    warnings: row.result.warnings,
    findings: JSON.stringify(row.result.findings),
    event_count: row.eventIds.length,
    evaluated_at: new Date(),
  };
  const { lot: _key, ...update } = values;
  await trx
    .insertInto('lot_compliance')
    .values(values)
    .onConflict((oc) => oc.column('lot').doUpdateSet(update))
    .execute();
}

export interface LotFilter {
  readonly organisationId?: string | undefined;
  readonly productId?: string | undefined;
  readonly productGroup?: string | undefined;
  readonly standardId?: string | undefined;
  readonly maxScore?: number | undefined;
}

function lotWhere(f: LotFilter) {
  const parts = [sql`true`];
  if (f.organisationId !== undefined) parts.push(sql`c.organisation_id = ${f.organisationId}`);
  if (f.productId !== undefined) parts.push(sql`c.product_id = ${f.productId}`);
  if (f.productGroup !== undefined)
    parts.push(sql`(p.group_code = ${f.productGroup} or p.group_code like ${`${f.productGroup}.%`})`);
  if (f.standardId !== undefined) parts.push(sql`c.standard_id = ${f.standardId}`);
  if (f.maxScore !== undefined) parts.push(sql`c.score <= ${f.maxScore}`);
  return sql.join(parts, sql` and `);
}

export async function listLotCompliance(
  db: Db,
  f: LotFilter & { limit: number; offset: number },
): Promise<{ items: (LotComplianceRow & { product_name: string; group_code: string })[]; total: number }> {
  const where = lotWhere(f);
  const [items, count] = await Promise.all([
    sql<LotComplianceRow & { product_name: string; group_code: string }>`
      select c.*, p.name as product_name, p.group_code
      from lot_compliance c join product p on p.id = c.product_id
      where ${where}
      order by c.score, c.evaluated_at desc, c.lot
      limit ${f.limit} offset ${f.offset}
    `.execute(db),
    sql<{ n: string }>`
      select count(*) as n from lot_compliance c join product p on p.id = c.product_id where ${where}
    `.execute(db),
  ]);
  return { items: items.rows, total: Number(count.rows[0]?.n ?? 0) };
}

export interface ReportAggregate {
  readonly lots: number;
  readonly average: number | null;
  readonly errorsFree: number;
  readonly buckets: readonly { bucket: number; lots: number }[];
  readonly standards: readonly { standard_id: string; lots: number; average: number }[];
  readonly gaps: readonly { code: string; cte: string; field: string | null; severity: string; lots: number }[];
}

/** Averages, the score distribution (buckets of 10; 100 in the last) and the most common gaps over the lots. */
export async function complianceAggregate(db: Db, f: LotFilter, topGaps = 10): Promise<ReportAggregate> {
  const where = lotWhere(f);
  const [summary, buckets, standards, gaps] = await Promise.all([
    sql<{ lots: string; average: string | null; errors_free: string }>`
      select count(*) as lots, avg(c.score) as average, count(*) filter (where c.errors = 0) as errors_free
      from lot_compliance c join product p on p.id = c.product_id where ${where}
    `.execute(db),
    sql<{ bucket: number; lots: string }>`
      select least(c.score / 10, 9) as bucket, count(*) as lots
      from lot_compliance c join product p on p.id = c.product_id where ${where}
      group by 1 order by 1
    `.execute(db),
    sql<{ standard_id: string; lots: string; average: string }>`
      select c.standard_id, count(*) as lots, avg(c.score) as average
      from lot_compliance c join product p on p.id = c.product_id where ${where}
      group by c.standard_id order by c.standard_id
    `.execute(db),
    sql<{ code: string; cte: string; field: string | null; severity: string; lots: string }>`
      select f->>'code' as code, f->>'cte' as cte, f->>'field' as field, f->>'severity' as severity,
        count(distinct c.lot) as lots
      from lot_compliance c join product p on p.id = c.product_id
      cross join lateral jsonb_array_elements(c.findings) f
      where ${where}
      group by 1, 2, 3, 4
      order by lots desc, code, cte, field
      limit ${topGaps}
    `.execute(db),
  ]);
  const s = summary.rows[0];
  return {
    lots: Number(s?.lots ?? 0),
    average: s?.average === null || s?.average === undefined ? null : Number(s.average),
    errorsFree: Number(s?.errors_free ?? 0),
    buckets: buckets.rows.map((b) => ({ bucket: Number(b.bucket), lots: Number(b.lots) })),
    standards: standards.rows.map((r) => ({
      standard_id: r.standard_id,
      lots: Number(r.lots),
      average: Number(r.average),
    })),
    gaps: gaps.rows.map((g) => ({ ...g, lots: Number(g.lots) })),
  };
}

export async function insertCaptureCompliance(
  db: Db,
  captureJobId: string,
  behaviour: 'warn' | 'reject',
  warnings: readonly object[],
): Promise<void> {
  await db
    .insertInto('capture_compliance')
    .values({ capture_job_id: captureJobId, behaviour, warnings: JSON.stringify(warnings) })
    .onConflict((oc) => oc.column('capture_job_id').doNothing())
    .execute();
}

export async function captureCompliance(
  db: Db,
  captureJobIds: readonly string[],
): Promise<Map<string, { behaviour: 'warn' | 'reject'; warnings: unknown[] }>> {
  if (captureJobIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('capture_compliance')
    .select(['capture_job_id', 'behaviour', 'warnings'])
    .where('capture_job_id', 'in', [...captureJobIds])
    .execute();
  return new Map(rows.map((r) => [r.capture_job_id, { behaviour: r.behaviour, warnings: r.warnings as unknown[] }]));
}

/** Every lot (class-level identifier with a lot number) of a GTIN that any event names. */
export async function lotsOfGtin(db: Db, gtin: string): Promise<string[]> {
  const rows = await db
    .selectFrom('epcis_event_epc')
    .select('epc')
    .distinct()
    .where('gtin', '=', gtin)
    .where('lot', 'is not', null)
    .where('serial', 'is', null)
    .execute();
  return rows.map((r) => r.epc);
}

/** Every lot of the organisation's products that any event names (for the self-assessment and the benchmark). */
export async function lotsOfOrganisation(db: Db, organisationId: string): Promise<string[]> {
  const rows = await sql<{ epc: string }>`
    select distinct x.epc from epcis_event_epc x join product p on p.gtin = x.gtin
    where p.organisation_id = ${organisationId} and x.lot is not null and x.serial is null
    order by x.epc
  `.execute(db);
  return rows.rows.map((r) => r.epc);
}

export interface SelfAssessmentCounts {
  readonly products: { id: string; gtin: string }[];
  readonly locations: { gln: string }[];
  readonly events: number;
  readonly eventsAtGln: number;
  readonly eventsWithGs1Lot: number;
  readonly shipping: number;
  readonly shippingWithDestination: number;
  readonly receiving: number;
  readonly receivingWithSource: number;
  readonly shipments: number;
  readonly shipmentsConfirmed: number;
  readonly declaredErroneous: number;
  readonly firstEventAt: Date | null;
  readonly lots: number;
  readonly lotsWithRequiredKdes: number;
  readonly lotsWithAllEvents: number;
  readonly averageScore: number | null;
}

const step = (word: string) => sql`ev.biz_step ~* ${`(^|[:/])${word}$`}`;

/** What the self-assessment counts in an organisation's records (its products, locations, events and lots). */
export async function selfAssessmentCounts(db: Db, organisationId: string): Promise<SelfAssessmentCounts> {
  const [products, locations, events, shipments, lots] = await Promise.all([
    db
      .selectFrom('product')
      .select(['id', 'gtin'])
      .where('organisation_id', '=', organisationId)
      .where('status', '<>', 'archived')
      .orderBy('gtin')
      .execute(),
    db.selectFrom('location').select('gln').where('organisation_id', '=', organisationId).execute(),
    sql<Record<string, string | Date | null>>`
      select count(*) as events,
        count(*) filter (where coalesce(ev.biz_location, ev.read_point) like 'https://id.gs1.org/414/%') as at_gln,
        count(*) filter (where exists (select 1 from epcis_event_epc x where x.event_row = ev.id and x.gtin is not null
          and (x.lot is not null or x.serial is not null))) as gs1_lot,
        count(*) filter (where ${step('shipping')}) as shipping,
        count(*) filter (where ${step('shipping')} and exists (select 1 from epcis_event_link l
          where l.event_row = ev.id and l.kind = 'destination')) as shipping_destination,
        count(*) filter (where ${step('receiving')}) as receiving,
        count(*) filter (where ${step('receiving')} and exists (select 1 from epcis_event_link l
          where l.event_row = ev.id and l.kind = 'source')) as receiving_source,
        count(*) filter (where ev.error_declaration_time is not null
          or exists (select 1 from trace_error_declaration d where d.event_row = ev.id)) as declared,
        min(ev.event_time) as first_event
      from epcis_event ev where ev.owner_organisation_id = ${organisationId}
    `.execute(db),
    sql<{ shipments: string; confirmed: string }>`
      select count(*) as shipments,
        count(*) filter (where exists (select 1 from lot_edge re where re.kind = 'receipt' and not re.declared_erroneous
          and re.from_node = s.from_node and re.owner_organisation_id = s.to_organisation_id)) as confirmed
      from lot_edge s
      where s.kind = 'shipment' and not s.declared_erroneous and s.to_organisation_id is not null
        and s.to_organisation_id <> ${organisationId}
        and (s.from_organisation_id = ${organisationId} or s.owner_organisation_id = ${organisationId})
    `.execute(db),
    sql<{ lots: string; kdes: string; complete: string; average: string | null }>`
      select count(*) as lots,
        count(*) filter (where not jsonb_path_exists(c.findings,
          '$[*] ? (@.code == "missing_kde" && @.severity == "error")')) as kdes,
        count(*) filter (where not jsonb_path_exists(c.findings,
          '$[*] ? (@.code == "missing_event" && @.severity == "error")')) as complete,
        avg(c.score) as average
      from lot_compliance c where c.organisation_id = ${organisationId}
    `.execute(db),
  ]);
  const e = events.rows[0] ?? {};
  const n = (v: unknown) => Number(v ?? 0);
  const s = shipments.rows[0];
  const l = lots.rows[0];
  const first = e.first_event;
  return {
    products,
    locations,
    events: n(e.events),
    eventsAtGln: n(e.at_gln),
    eventsWithGs1Lot: n(e.gs1_lot),
    shipping: n(e.shipping),
    shippingWithDestination: n(e.shipping_destination),
    receiving: n(e.receiving),
    receivingWithSource: n(e.receiving_source),
    shipments: n(s?.shipments),
    shipmentsConfirmed: n(s?.confirmed),
    declaredErroneous: n(e.declared),
    firstEventAt: first === null || first === undefined ? null : new Date(first),
    lots: n(l?.lots),
    lotsWithRequiredKdes: n(l?.kdes),
    lotsWithAllEvents: n(l?.complete),
    averageScore: l?.average === null || l?.average === undefined ? null : Number(l.average),
  };
}

export async function organisationName(db: Db, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('organisation').select('name').where('id', '=', id).executeTakeFirst();
  return row?.name;
}
