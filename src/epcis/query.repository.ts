import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Comparison, EpcMatcher, EpcRoleGroup, EventQuery, FieldScope, QueryFilter } from './query-params.ts';

/**
 * Compiles an EventQuery into SQL over `epcis_event` and its index tables. Every identifier filter is an EXISTS on
 * `epcis_event_epc` / `epcis_event_link` (indexed by value), document fields use SQL/JSON path predicates, and
 * visibility is always part of the WHERE clause. Paging is keyset: (sort value, id), bounded by the highest id seen
 * on the first page so that captures arriving meanwhile neither shift nor repeat pages.
 */

export interface Visibility {
  /** Null: the caller sees every event (province, system). */
  readonly organisationId: string | null;
}

export interface PageCursor {
  /** Sort value of the last event of the previous page (ISO time), or null when ordering by id. */
  readonly after: string | null;
  readonly afterId: string;
  readonly maxId: string;
  /** Events still allowed by eventCountLimit, or null. */
  readonly remaining: number | null;
}

export interface StoredEvent {
  readonly id: string;
  readonly eventId: string;
  readonly recordTime: Date;
  /** The sort column's value as PostgreSQL writes it, to the microsecond (a page token must not round it). */
  readonly sortValue: string | null;
  readonly namespaces: Record<string, string>;
  readonly document: Record<string, unknown>;
}

const ROLES: Record<EpcRoleGroup, readonly string[]> = {
  epc: ['epc', 'child'],
  parent: ['parent'],
  input: ['input'],
  output: ['output'],
  any: ['epc', 'child', 'parent', 'input', 'output'],
  epcClass: ['quantity', 'child_quantity'],
  inputClass: ['input_quantity'],
  outputClass: ['output_quantity'],
  anyClass: ['quantity', 'child_quantity', 'input_quantity', 'output_quantity'],
};

const SQL_OPS: Record<Comparison, RawBuilder<unknown>> = {
  '=': sql.raw('='),
  '>': sql.raw('>'),
  '>=': sql.raw('>='),
  '<': sql.raw('<'),
  '<=': sql.raw('<='),
};

const JSONPATH_OPS: Record<Comparison, string> = { '=': '==', '>': '>', '>=': '>=', '<': '<', '<=': '<=' };

const SCOPE_PATHS: Record<FieldScope, string> = {
  top: '$',
  inner: '$.**',
  ilmd: '$.ilmd',
  innerIlmd: '$.ilmd.**',
  errorDeclaration: '$.errorDeclaration',
  innerErrorDeclaration: '$.errorDeclaration.**',
  readPoint: '$.readPoint',
  innerReadPoint: '$.readPoint.**',
  bizLocation: '$.bizLocation',
  innerBizLocation: '$.bizLocation.**',
  sensorElement: '$.sensorElementList[*]',
  sensorMetadata: '$.sensorElementList[*].sensorMetadata',
  sensorReport: '$.sensorElementList[*].sensorReport[*]',
  innerSensorElement: '$.sensorElementList[*].**',
  innerSensorMetadata: '$.sensorElementList[*].sensorMetadata.**',
  innerSensorReport: '$.sensorElementList[*].sensorReport[*].**',
};

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function matcherSql(m: EpcMatcher): RawBuilder<SqlBool> {
  switch (m.kind) {
    case 'exact':
      return sql<SqlBool>`x.epc = ${m.value}`;
    case 'gtin':
      return m.lot === undefined
        ? sql<SqlBool>`x.gtin = ${m.gtin}`
        : sql<SqlBool>`(x.gtin = ${m.gtin} and x.lot = ${m.lot})`;
    case 'companyPrefix':
      return sql<SqlBool>`substr(x.gtin, 2, ${m.prefix.length}) = ${m.prefix}`;
  }
}

/** A JSON path predicate `<scope>."name" ? (@ op $v0 || @ op $v1 …)` with its variables. */
function jsonPathCondition(
  base: string,
  member: string | null,
  op: Comparison,
  values: readonly (string | number | boolean)[],
  uom?: string,
): RawBuilder<SqlBool> {
  const vars: Record<string, string | number | boolean> = {};
  const terms: string[] = [];
  const target = member === null ? '@' : `@."${member}"`;
  values.forEach((value, i) => {
    const name = `v${i}`;
    vars[name] = value;
    if (typeof value === 'number') {
      terms.push(`${target}.double() ${JSONPATH_OPS[op]} $${name}`);
      if (op === '=') {
        vars[`s${i}`] = String(value);
        terms.push(`${target} == $s${i}`);
      }
    } else if (typeof value === 'string' && DATE_TIME.test(value) && op !== '=') {
      terms.push(`${target}.datetime() ${JSONPATH_OPS[op]} $${name}.datetime()`);
    } else {
      terms.push(`${target} ${JSONPATH_OPS[op]} $${name}`);
    }
  });
  let predicate = terms.map((t) => `(${t})`).join(' || ');
  if (uom !== undefined) {
    vars.uom = uom;
    predicate = `(${predicate}) && @.uom == $uom`;
  }
  const path = `${base} ? (${predicate})`;
  return sql<SqlBool>`jsonb_path_exists_tz(e.document, ${path}::jsonpath, ${JSON.stringify(vars)}::jsonb)`;
}

function filterSql(f: QueryFilter): RawBuilder<SqlBool> {
  switch (f.kind) {
    case 'eventType':
      return sql<SqlBool>`e.event_type in (${sql.join(f.values)})`;
    case 'time':
      return sql<SqlBool>`${sql.ref(`e.${f.column}`)} ${SQL_OPS[f.op]} ${f.value}::timestamptz`;
    case 'column':
      return sql<SqlBool>`${sql.ref(`e.${f.column}`)} in (${sql.join(f.values)})`;
    case 'within': {
      // The location and everything under it: children in the registry (parent locations) and in the master data
      // organisations declared (EPCIS 2.0 §8.2.7.1 WD_; §7.5 children).
      const column = sql.ref(`e.${f.column}`);
      return sql<SqlBool>`exists (
        with recursive tree(id) as (
          select unnest(array[${sql.join(f.values)}]::text[])
          union
          select ch.child from tree join (
            select 'https://id.gs1.org/414/' || p.gln as parent, 'https://id.gs1.org/414/' || c.gln as child
            from location c join location p on c.parent_id = p.id
            union all
            select m.element_id, unnest(m.children) from epcis_master_data m
          ) ch on ch.parent = tree.id
        )
        select 1 from tree where ${column} = tree.id or ${column} like tree.id || '/254/%'
      )`;
    }
    case 'epc':
      return sql<SqlBool>`exists (select 1 from epcis_event_epc x where x.event_row = e.id
        and x.role in (${sql.join(ROLES[f.roles])}) and (${sql.join(f.matchers.map(matcherSql), sql` or `)}))`;
    case 'quantity':
      return sql<SqlBool>`exists (select 1 from epcis_event_epc x where x.event_row = e.id and x.is_class
        and x.quantity ${SQL_OPS[f.op]} ${f.value} and ${f.uom === null ? sql`x.uom is null` : sql`x.uom = ${f.uom}`})`;
    case 'link':
      return sql<SqlBool>`exists (select 1 from epcis_event_link l where l.event_row = e.id and l.kind = ${f.link}
        ${f.type === null ? sql`` : sql`and l.type = ${f.type}`} and l.value in (${sql.join(f.values)}))`;
    case 'exists':
      return sql<SqlBool>`jsonb_path_exists(e.document, ${f.path}::jsonpath)`;
    case 'persistentDisposition':
      return jsonPathCondition(`$.persistentDisposition.${f.which}[*]`, null, '=', f.values);
    case 'field':
      return jsonPathCondition(SCOPE_PATHS[f.scope], f.name, f.op, f.values);
    case 'fieldExists':
      return sql<SqlBool>`jsonb_path_exists(e.document, ${`${SCOPE_PATHS[f.scope]}."${f.name}"`}::jsonpath)`;
    case 'attribute': {
      // Master data declared by the organisation that owns the event describes its own locations and terms.
      const column = sql.ref(`e.${f.column}`);
      const test =
        f.values === null
          ? sql<SqlBool>`(m.attributes -> ${f.attribute}) is not null`
          : sql<SqlBool>`m.attributes ->> ${f.attribute} in (${sql.join(f.values)})`;
      return sql<SqlBool>`exists (select 1 from epcis_master_data m
        where m.element_id = ${column} and m.organisation_id = e.owner_organisation_id and ${test})`;
    }
    case 'sensor': {
      const base =
        f.target === 'report' ? '$.sensorElementList[*].sensorReport[*]' : '$.sensorElementList[*].sensorMetadata';
      const values = f.field === 'type' ? f.values.flatMap((v) => expandGs1Term(v)) : f.values;
      return jsonPathCondition(base, f.field, f.op, values, f.uom);
    }
  }
}

/** `gs1:Temperature`, `https://gs1.org/voc/Temperature` and the bare term name the same measurement type. */
function expandGs1Term(value: string | number | boolean): (string | number | boolean)[] {
  if (typeof value !== 'string') return [value];
  const term = /^(?:gs1:|https?:\/\/gs1\.org\/voc\/)(.+)$/.exec(value)?.[1];
  return term
    ? [`gs1:${term}`, `https://gs1.org/voc/${term}`, term]
    : [value, `gs1:${value}`, `https://gs1.org/voc/${value}`];
}

function visibilitySql(v: Visibility): RawBuilder<SqlBool> {
  return v.organisationId === null
    ? sql<SqlBool>`true`
    : sql<SqlBool>`e.visible_to @> array[${v.organisationId}]::text[]`;
}

/**
 * Where a query reads from. The province reads `epcis_event` directly; an organisation reads its rows of
 * `epcis_event_visibility` joined to the events, so that its indexes (organisation first, then time, record time or
 * business step) serve the filter, the order and the paging. Filters on time and business step are repeated on the
 * visibility row for the same reason.
 */
interface Source {
  readonly from: RawBuilder<unknown>;
  readonly id: RawBuilder<unknown>;
  readonly column: (name: 'event_time' | 'record_time') => RawBuilder<unknown>;
  readonly conditions: RawBuilder<SqlBool>[];
}

function sourceFor(query: EventQuery, visibility: Visibility): Source {
  const filters = query.filters.map(filterSql);
  if (visibility.organisationId === null) {
    return {
      from: sql`epcis_event e`,
      id: sql.ref('e.id'),
      column: (name) => sql.ref(`e.${name}`),
      conditions: filters,
    };
  }
  const mirrored: RawBuilder<SqlBool>[] = [];
  for (const f of query.filters) {
    if (f.kind === 'time' && f.column !== 'error_declaration_time') {
      mirrored.push(sql<SqlBool>`${sql.ref(`v.${f.column}`)} ${SQL_OPS[f.op]} ${f.value}::timestamptz`);
    } else if (f.kind === 'column' && f.column === 'biz_step') {
      mirrored.push(sql<SqlBool>`v.biz_step in (${sql.join(f.values)})`);
    }
  }
  return {
    from: sql`epcis_event_visibility v join epcis_event e on e.id = v.event_row`,
    id: sql.ref('v.event_row'),
    column: (name) => sql.ref(`v.${name}`),
    conditions: [sql<SqlBool>`v.organisation_id = ${visibility.organisationId}`, ...mirrored, ...filters],
  };
}

function whereSql(conditions: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  return conditions.length === 0 ? sql<SqlBool>`true` : sql<SqlBool>`${sql.join(conditions, sql` and `)}`;
}

function sortColumn(query: EventQuery, source: Source): RawBuilder<unknown> | null {
  if (query.orderBy === 'eventTime') return source.column('event_time');
  if (query.orderBy === 'recordTime') return source.column('record_time');
  return null;
}

/** The highest event row id: the snapshot bound of a new paged query. */
export async function currentMaxEventRow(db: Kysely<DB>): Promise<string> {
  const r = await sql<{ max: string | null }>`select max(id)::text as max from epcis_event`.execute(db);
  return r.rows[0]?.max ?? '0';
}

/** Counts matching events up to `cap` (for maxEventCount). */
export async function countEvents(
  db: Kysely<DB>,
  query: EventQuery,
  visibility: Visibility,
  maxId: string,
  cap: number,
): Promise<number> {
  const source = sourceFor(query, visibility);
  const r = await sql<{ n: number }>`select count(*)::int as n from (
      select 1 from ${source.from} where ${source.id} <= ${maxId}::bigint and ${whereSql(source.conditions)} limit ${cap}
    ) c`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** One page of matching events, `limit` long at most, after the cursor. */
export async function selectEventPage(
  db: Kysely<DB>,
  query: EventQuery,
  visibility: Visibility,
  cursor: PageCursor,
  limit: number,
): Promise<StoredEvent[]> {
  const source = sourceFor(query, visibility);
  const id = source.id;
  const column = sortColumn(query, source);
  const desc = query.orderDirection === 'DESC' && column !== null;
  const direction = sql.raw(desc ? 'desc' : 'asc');
  const cmp = sql.raw(desc ? '<' : '>');
  let keyset: RawBuilder<SqlBool>;
  if (column === null) keyset = sql<SqlBool>`${id} > ${cursor.afterId}::bigint`;
  else if (cursor.after === null) keyset = desc ? sql<SqlBool>`true` : sql<SqlBool>`${id} > ${cursor.afterId}::bigint`;
  else keyset = sql<SqlBool>`(${column}, ${id}) ${cmp} (${cursor.after}::timestamptz, ${cursor.afterId}::bigint)`;
  const order = column === null ? sql`${id} asc` : sql`${column} ${direction}, ${id} ${direction}`;
  const rows = await sql<{
    id: string;
    event_id: string;
    record_time: Date;
    sort_value: string | null;
    namespaces: Record<string, string>;
    document: Record<string, unknown>;
  }>`
    select e.id::text as id, e.event_id, e.record_time, ${column === null ? sql`null::text` : sql`${column}::text`} as sort_value, e.namespaces, e.document
    from ${source.from}
    where ${id} <= ${cursor.maxId}::bigint and ${keyset} and ${whereSql(source.conditions)}
    order by ${order}
    limit ${limit}
  `.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    recordTime: r.record_time,
    sortValue: r.sort_value,
    namespaces: r.namespaces,
    document: r.document,
  }));
}

/** The events a caller may see, as a FROM clause: all of them, or an organisation's rows of the visibility table. */
function visibleEvents(visibility: Visibility): RawBuilder<unknown> {
  return visibility.organisationId === null
    ? sql`epcis_event e`
    : sql`epcis_event_visibility v join epcis_event e on e.id = v.event_row and v.organisation_id = ${visibility.organisationId}`;
}

/** Distinct values of a column over the events the caller may see (for `/bizSteps`, `/readPoints` …). */
export async function distinctValues(
  db: Kysely<DB>,
  column: 'event_type' | 'biz_step' | 'biz_location' | 'read_point' | 'disposition',
  visibility: Visibility,
  limit: number,
  after: string | null,
): Promise<string[]> {
  const ref = sql.ref(`e.${column}`);
  const rows = await sql<{ v: string }>`
    select distinct ${ref} as v from ${visibleEvents(visibility)}
    where ${ref} is not null ${after === null ? sql`` : sql`and ${ref} > ${after}`}
    order by 1 limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.v);
}

/** Distinct identifiers (canonical form) in the events the caller may see (for `/epcs`). */
export async function distinctEpcs(
  db: Kysely<DB>,
  visibility: Visibility,
  limit: number,
  after: string | null,
): Promise<string[]> {
  const rows = await sql<{ v: string }>`
    select distinct x.epc as v from ${visibleEvents(visibility)} join epcis_event_epc x on x.event_row = e.id
    where not x.is_class ${after === null ? sql`` : sql`and x.epc > ${after}`}
    order by 1 limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.v);
}

/** One event by its eventID, if visible. */
export async function findEventById(
  db: Kysely<DB>,
  eventId: string,
  visibility: Visibility,
): Promise<StoredEvent | undefined> {
  const rows = await sql<{
    id: string;
    event_id: string;
    record_time: Date;
    namespaces: Record<string, string>;
    document: Record<string, unknown>;
  }>`
    select e.id::text as id, e.event_id, e.record_time, e.namespaces, e.document from epcis_event e
    where e.event_id = ${eventId} and ${visibilitySql(visibility)}
    order by (e.owner_organisation_id = ${visibility.organisationId ?? ''}) desc, e.id limit 1`.execute(db);
  const r = rows.rows[0];
  return (
    r && {
      id: r.id,
      eventId: r.event_id,
      recordTime: r.record_time,
      sortValue: null,
      namespaces: r.namespaces,
      document: r.document,
    }
  );
}

/** A position in commit order: the inserting transaction (xid8, as text) and the row id of the last event seen. */
export interface CommitCursor {
  readonly tx: string;
  readonly row: string;
}

export interface CommittedEvent extends StoredEvent {
  readonly tx: string;
}

/**
 * Matching events after `cursor` in commit order, for subscriptions. Only rows inserted by transactions below
 * `horizon` (see `deliveryHorizon`) are read: no later commit can then land behind the cursor, so a subscriber
 * neither misses nor repeats an event. `minRecordTime` is the subscription's initialRecordTime.
 */
export async function selectEventsAfter(
  db: Kysely<DB>,
  query: EventQuery,
  visibility: Visibility,
  cursor: CommitCursor,
  horizon: string,
  minRecordTime: Date,
  limit: number,
): Promise<CommittedEvent[]> {
  const rows = await sql<{
    id: string;
    tx: string;
    event_id: string;
    record_time: Date;
    namespaces: Record<string, string>;
    document: Record<string, unknown>;
  }>`
    select e.id::text as id, e.commit_tx::text as tx, e.event_id, e.record_time, e.namespaces, e.document
    from epcis_event e
    where (e.commit_tx, e.id) > (${cursor.tx}::xid8, ${cursor.row}::bigint)
      and e.commit_tx < ${horizon}::xid8
      and e.record_time >= ${minRecordTime}
      and ${whereSql([visibilitySql(visibility), ...query.filters.map(filterSql)])}
    order by e.commit_tx, e.id
    limit ${limit}
  `.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    tx: r.tx,
    eventId: r.event_id,
    recordTime: r.record_time,
    sortValue: null,
    namespaces: r.namespaces,
    document: r.document,
  }));
}

/**
 * The oldest transaction still running (xid8, as text): every event of a lower transaction is committed or gone
 * for good, and any later commit has a transaction at least this high. Taken before reading, it only errs on the
 * safe side.
 */
export async function deliveryHorizon(db: Kysely<DB>): Promise<string> {
  const r = await sql<{ horizon: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as horizon`.execute(db);
  return r.rows[0]!.horizon;
}

/** True when committed events at or above `horizon` exist, held back by an older transaction still running. */
export async function hasUnsettledEvents(db: Kysely<DB>, horizon: string): Promise<boolean> {
  // max() reads one entry of the (commit_tx, id) index; an EXISTS with the bound would scan the table.
  const r = await sql<{ unsettled: boolean | null }>`
    select (select max(commit_tx) from epcis_event) >= ${horizon}::xid8 as unsettled`.execute(db);
  return r.rows[0]?.unsettled ?? false;
}
