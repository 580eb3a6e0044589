import { sql, type Kysely, type RawBuilder, type SqlBool, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { EventRow } from '../epcis/capture.repository.ts';
import { edgesOfEvent, FLOW_KINDS } from './lot-graph.ts';

/** SQL of the lot graph: edges written at capture, the bounded recursive walks, and what a trace shows per node. */

type Db = Kysely<DB> | Transaction<DB>;

const CHUNK = 2000;

/**
 * Writes the edges of the events just inserted (hash → row id from `insertEvents`) in the capture's transaction,
 * and records error declarations: an event stored with `errorDeclaration`, or the declaration of an event stored
 * earlier (same hash, so capture kept it as a duplicate), marks that event's edges as erroneous.
 */
export async function recordLotGraph(
  trx: Transaction<DB>,
  rows: readonly EventRow[],
  inserted: ReadonlyMap<string, string>,
): Promise<void> {
  const edges: {
    row: string;
    owner: string;
    visible: string;
    e: ReturnType<typeof edgesOfEvent>[number];
    bad: boolean;
  }[] = [];
  const declared: { row: string; time: string | null; reason: string | null }[] = [];
  const laterDeclarations: EventRow[] = [];
  for (const r of rows) {
    const id = inserted.get(r.eventHash);
    if (id === undefined) {
      if (r.errorDeclarationTime !== null) laterDeclarations.push(r);
      continue;
    }
    const bad = r.errorDeclarationTime !== null;
    if (bad) declared.push({ row: id, time: r.errorDeclarationTime, reason: r.errorReason });
    for (const e of edgesOfEvent(r))
      edges.push({ row: id, owner: r.ownerOrganisationId, visible: r.visibleTo.join(','), e, bad });
  }
  for (let i = 0; i < edges.length; i += CHUNK) {
    const c = edges.slice(i, i + CHUNK);
    await sql`
      insert into lot_edge (event_row, kind, from_node, to_node, quantity, uom, from_organisation_id, to_organisation_id,
        biz_transaction, owner_organisation_id, visible_to, declared_erroneous)
      select u.event_row, u.kind, u.from_node, u.to_node, u.quantity, u.uom, u.from_org, u.to_org, u.bt, u.owner,
        string_to_array(u.visible, ','), u.bad
      from unnest(${c.map((x) => x.row)}::bigint[], ${c.map((x) => x.e.kind)}::text[], ${c.map((x) => x.e.fromNode)}::text[],
        ${c.map((x) => x.e.toNode)}::text[], ${c.map((x) => x.e.quantity)}::double precision[], ${c.map((x) => x.e.uom)}::text[],
        ${c.map((x) => x.e.fromOrganisationId)}::text[], ${c.map((x) => x.e.toOrganisationId)}::text[],
        ${c.map((x) => x.e.bizTransaction)}::text[], ${c.map((x) => x.owner)}::text[], ${c.map((x) => x.visible)}::text[],
        ${c.map((x) => x.bad)}::boolean[])
        as u(event_row, kind, from_node, to_node, quantity, uom, from_org, to_org, bt, owner, visible, bad)
      on conflict do nothing
    `.execute(trx);
  }
  for (const r of laterDeclarations) {
    const found = await sql<{ id: string }>`
      select id::text as id from epcis_event where owner_organisation_id = ${r.ownerOrganisationId} and event_hash = ${r.eventHash}
    `.execute(trx);
    for (const f of found.rows) declared.push({ row: f.id, time: r.errorDeclarationTime, reason: r.errorReason });
  }
  if (declared.length > 0) {
    await sql`
      insert into trace_error_declaration (event_row, declaration_time, reason)
      select * from unnest(${declared.map((d) => d.row)}::bigint[], ${declared.map((d) => d.time)}::timestamptz[],
        ${declared.map((d) => d.reason)}::text[])
      on conflict (event_row) do nothing
    `.execute(trx);
    await sql`update lot_edge set declared_erroneous = true where event_row = any(${declared.map((d) => d.row)}::bigint[])`.execute(
      trx,
    );
  }
}

export type Direction = 'backward' | 'forward';

/** Whose events the caller sees: null for everything (the province), else one organisation. */
export type Viewer = string | null;

function edgeVisible(viewer: Viewer, alias = 'e'): RawBuilder<SqlBool> {
  return viewer === null
    ? sql<SqlBool>`true`
    : sql<SqlBool>`${sql.ref(`${alias}.visible_to`)} @> array[${viewer}]::text[]`;
}

export interface WalkRow {
  edge_id: string | null;
  node: string;
  via: string;
  depth: number;
  visible: boolean;
  kind: string | null;
  from_node: string | null;
  to_node: string | null;
  quantity: number | null;
  uom: string | null;
  owner_organisation_id: string | null;
  event_id: string | null;
}

/**
 * The recursive walk from one node, bounded by `maxDepth` and safe against cycles: `UNION` drops a row already
 * produced, and a row is (edge, node, how it was reached, depth), so a lot that re-enters the graph is expanded at
 * most once per depth. An edge the viewer may not see is returned (so the trace can show an opaque node) but not
 * walked through.
 *
 * Backward follows flow edges against their direction (an output to its inputs, a container to its contents, an
 * unpacked item to the container it came out of) and also climbs to the containers a node was packed into
 * (`via = container`), whose own contents are not taken back in; forward follows flow edges in their direction but
 * does not come back out of a container it entered (the container's other contents are not downstream).
 */
export function walkSql(root: string, direction: Direction, maxDepth: number, viewer: Viewer): RawBuilder<WalkRow> {
  const flow = sql.join(FLOW_KINDS.map((k) => sql.lit(k)));
  const step =
    direction === 'backward'
      ? sql`
          select e.id as edge_id, e.from_node as node, e.kind as via, ${edgeVisible(viewer)} as visible
          from lot_edge e
          where e.to_node = w.node and e.kind in (${flow}) and not e.declared_erroneous
            and w.via <> 'container' and not (w.via = 'disaggregation' and e.kind = 'aggregation')
          union all
          select e.id, e.to_node, 'container', ${edgeVisible(viewer)}
          from lot_edge e
          where e.from_node = w.node and e.kind = 'aggregation' and not e.declared_erroneous`
      : sql`
          select e.id as edge_id, e.to_node as node, e.kind as via, ${edgeVisible(viewer)} as visible
          from lot_edge e
          where e.from_node = w.node and e.kind in (${flow}) and not e.declared_erroneous
            and not (w.via = 'aggregation' and e.kind = 'disaggregation')`;
  return sql<WalkRow>`
    with recursive walk(edge_id, node, via, depth, visible) as (
      select null::bigint, ${root}::text, 'root'::text, 0, true
      union
      select s.edge_id, s.node, s.via, w.depth + 1, s.visible
      from walk w cross join lateral (${step}) s
      where w.visible and w.depth < ${maxDepth}
    )
    select w.edge_id::text as edge_id, w.node, w.via, w.depth, w.visible, e.kind, e.from_node, e.to_node, e.quantity,
      e.uom, e.owner_organisation_id, case when w.visible then ev.event_id end as event_id
    from (
      select edge_id, node, via, min(depth) as depth, bool_or(visible) as visible from walk group by edge_id, node, via
    ) w
    left join lot_edge e on e.id = w.edge_id
    left join epcis_event ev on ev.id = e.event_row
    order by w.depth, w.edge_id
  `;
}

export async function walk(
  db: Db,
  root: string,
  direction: Direction,
  maxDepth: number,
  viewer: Viewer,
): Promise<WalkRow[]> {
  return (await walkSql(root, direction, maxDepth, viewer).execute(db)).rows;
}

export interface NodeEventRow {
  epc: string;
  is_class: boolean;
  event_row: string;
  event_id: string;
  event_type: string;
  action: string | null;
  biz_step: string | null;
  disposition: string | null;
  event_time: Date;
  biz_location: string | null;
  read_point: string | null;
  owner_organisation_id: string;
  role: string;
  quantity: number | null;
  uom: string | null;
  ilmd: Record<string, unknown> | null;
}

/** The events the viewer sees that mention any of the nodes, leaving out events declared erroneous. */
export async function nodeEvents(
  db: Db,
  nodes: readonly string[],
  viewer: Viewer,
  limit = 20_000,
): Promise<NodeEventRow[]> {
  if (nodes.length === 0) return [];
  const result = await sql<NodeEventRow>`
    select x.epc, x.is_class, ev.id::text as event_row, ev.event_id, ev.event_type, ev.action, ev.biz_step,
      ev.disposition, ev.event_time, ev.biz_location, ev.read_point, ev.owner_organisation_id, x.role, x.quantity, x.uom,
      ev.document->'ilmd' as ilmd
    from epcis_event_epc x
    join epcis_event ev on ev.id = x.event_row
    where x.epc = any(${nodes}::text[]) and ${edgeVisible(viewer, 'ev')}
      and ev.error_declaration_time is null
      and not exists (select 1 from trace_error_declaration d where d.event_row = ev.id)
    order by ev.event_time, ev.id
    limit ${limit}
  `.execute(db);
  return result.rows;
}

export interface AnnotationRow {
  event_row: string;
  event_id: string;
  kind: string;
  node: string;
  quantity: number | null;
  uom: string | null;
  from_organisation_id: string | null;
  to_organisation_id: string | null;
  biz_transaction: string | null;
  owner_organisation_id: string;
}

/** Commissioning, shipment and receipt edges of the nodes that the viewer sees (custody and origin). */
export async function annotations(db: Db, nodes: readonly string[], viewer: Viewer): Promise<AnnotationRow[]> {
  if (nodes.length === 0) return [];
  const result = await sql<AnnotationRow>`
    select e.event_row::text as event_row, ev.event_id, e.kind, e.from_node as node, e.quantity, e.uom,
      e.from_organisation_id, e.to_organisation_id, e.biz_transaction, e.owner_organisation_id
    from lot_edge e join epcis_event ev on ev.id = e.event_row
    where e.from_node = any(${nodes}::text[]) and e.kind in ('commissioning', 'shipment', 'receipt')
      and not e.declared_erroneous and ${edgeVisible(viewer)}
  `.execute(db);
  return result.rows;
}

export interface TransformationIoRow {
  event_row: string;
  event_id: string;
  role: string;
  epc: string;
  gtin: string | null;
  quantity: number | null;
  uom: string | null;
  owner_organisation_id: string;
}

/** Inputs and outputs of the transformation events (visible, not declared erroneous) that mention the node. */
export async function transformationsOf(db: Db, node: string, viewer: Viewer): Promise<TransformationIoRow[]> {
  const result = await sql<TransformationIoRow>`
    select ev.id::text as event_row, ev.event_id, x.role, x.epc, x.gtin, x.quantity, x.uom, ev.owner_organisation_id
    from epcis_event ev
    join epcis_event_epc x on x.event_row = ev.id
    where ev.id in (
        select m.event_row from epcis_event_epc m where m.epc = ${node}
          and m.role in ('input', 'output', 'input_quantity', 'output_quantity'))
      and ev.event_type = 'TransformationEvent' and ${edgeVisible(viewer, 'ev')}
      and ev.error_declaration_time is null
      and not exists (select 1 from trace_error_declaration d where d.event_row = ev.id)
      and x.role in ('input', 'output', 'input_quantity', 'output_quantity')
    order by ev.event_time, ev.id
  `.execute(db);
  return result.rows;
}

export async function organisationNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('organisation')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export interface ProductRow {
  gtin: string;
  name: string;
  organisation_id: string;
  net_content: string | null;
  net_content_unit: string | null;
}

export async function productsByGtin(db: Db, gtins: readonly string[]): Promise<Map<string, ProductRow>> {
  if (gtins.length === 0) return new Map();
  const rows = await db
    .selectFrom('product')
    .select(['gtin', 'name', 'organisation_id', 'net_content', 'net_content_unit'])
    .where('gtin', 'in', [...new Set(gtins)])
    .execute();
  return new Map(rows.map((r) => [r.gtin, r]));
}
