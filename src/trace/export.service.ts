import ExcelJS from 'exceljs';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { identifierKeyParts } from '../epcis/event-index.ts';
import { callerOrganisation, requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import {
  FSMA_COLUMNS,
  fsmaCsv,
  fsmaSheets,
  glnOf,
  type FsmaEventInput,
  type FsmaLink,
  type FsmaSheet,
} from './fsma-sheet.ts';
import { traceBackward, traceForward, type TraceResult } from './trace.service.ts';

/**
 * Exports of a lot's trace: the FSMA 204-style sortable spreadsheet (XLSX, one sheet per critical tracking event,
 * and CSV). The rows are the events of the backward and the forward trace of the lot, as the caller may see them
 * (the same visibility as a trace: opaque nodes carry no events and give no rows).
 */

export interface LotExport {
  readonly root: string;
  readonly sheets: FsmaSheet[];
  /** Further worksheets after the critical tracking events (a recall's actions), in the XLSX only. */
  readonly extraSheets?: readonly ExtraSheet[];
}

export interface ExtraSheet {
  readonly name: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
}

export async function lotExport(db: Kysely<DB>, caller: Caller, identifier: string): Promise<LotExport> {
  const back = await traceBackward(db, caller, identifier);
  const forward = await traceForward(db, caller, identifier);
  return { root: back.root, sheets: await sheetsOf(db, [back, forward]) };
}

export const PRODUCT_EXPORT_LIMIT = 20_000;

/**
 * The spreadsheet of a product over a time range (FSMA's "all lots of a food in a date range"): every event the
 * caller may see that mentions any lot, item or quantity of the GTIN, with `from` ≤ event time < `to`. At most
 * PRODUCT_EXPORT_LIMIT rows (earliest first); a validation error beyond, asking for a shorter range.
 */
export async function productExport(
  db: Kysely<DB>,
  caller: Caller,
  input: { gtin: string; from?: Date | undefined; to?: Date | undefined },
): Promise<LotExport> {
  requirePermission(caller, 'epcis:query');
  const viewer = seesEverything(caller) ? null : callerOrganisation(caller);
  if (viewer === undefined) throw new AppError('forbidden', 'Exports need an organisation');
  const gtin = identifierKeyParts(`https://id.gs1.org/01/${input.gtin}`).gtin ?? input.gtin;
  if (input.from && input.to && input.from >= input.to)
    throw new AppError('validation', 'from must be before to', { fields: [{ field: 'from', message: 'from ≥ to' }] });
  const rows = await sql<{
    epc: string;
    event_id: string;
    event_type: string;
    action: string | null;
    biz_step: string | null;
    disposition: string | null;
    event_time: Date | string;
    biz_location: string | null;
    read_point: string | null;
    owner_organisation_id: string;
    role: string;
    quantity: number | null;
    uom: string | null;
  }>`
    select x.epc, ev.event_id, ev.event_type, ev.action, ev.biz_step, ev.disposition, ev.event_time,
      ev.biz_location, ev.read_point, ev.owner_organisation_id, x.role, x.quantity, x.uom
    from epcis_event_epc x
    join epcis_event ev on ev.id = x.event_row
    where x.gtin = ${gtin}
      and ${viewer === null ? sql`true` : sql`ev.visible_to @> array[${viewer}]::text[]`}
      and ${input.from ? sql`ev.event_time >= ${input.from}` : sql`true`}
      and ${input.to ? sql`ev.event_time < ${input.to}` : sql`true`}
      and ev.error_declaration_time is null
      and not exists (select 1 from trace_error_declaration d where d.event_row = ev.id)
    order by ev.event_time, ev.id
    limit ${PRODUCT_EXPORT_LIMIT + 1}
  `.execute(db);
  if (rows.rows.length > PRODUCT_EXPORT_LIMIT)
    throw new AppError('validation', `More than ${PRODUCT_EXPORT_LIMIT} events: give a shorter range`, {
      fields: [{ field: 'from', message: 'range too long' }],
    });
  if (rows.rows.length === 0) throw new AppError('not_found', 'No event you may see mentions this product then');
  const product = await db.selectFrom('product').select('name').where('gtin', '=', gtin).executeTakeFirst();
  const orgs = await db
    .selectFrom('organisation')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(rows.rows.map((r) => r.owner_organisation_id))])
    .execute();
  const byEpc = new Map<string, (typeof rows.rows)[number][]>();
  for (const r of rows.rows) {
    const list = byEpc.get(r.epc) ?? [];
    list.push(r);
    byEpc.set(r.epc, list);
  }
  const trace: TraceResult = {
    direction: 'forward',
    root: `https://id.gs1.org/01/${gtin}`,
    maxDepth: 0,
    truncated: false,
    lots: [],
    edges: [],
    locations: [],
    eventCount: rows.rows.length,
    organisations: orgs,
    nodes: [...byEpc].map(([epc, events]) => {
      const p = identifierKeyParts(epc);
      return {
        key: epc,
        depth: 0,
        opaque: false,
        identifier: epc,
        gtin: p.gtin,
        lot: p.lot,
        serial: p.serial,
        productName: product?.name ?? null,
        events: events.map((e) => ({
          eventID: e.event_id,
          type: e.event_type,
          action: e.action,
          bizStep: e.biz_step,
          disposition: e.disposition,
          eventTime: new Date(e.event_time).toISOString(),
          bizLocation: e.biz_location,
          readPoint: e.read_point,
          role: e.role,
          quantity: e.quantity,
          uom: e.uom,
          organisationId: e.owner_organisation_id,
        })),
      };
    }),
  };
  return { root: trace.root, sheets: await sheetsOf(db, [trace]) };
}

/** The sheets for the events of these traces (with their links, organisation and location names). */
export async function sheetsOf(db: Kysely<DB>, traces: readonly TraceResult[]): Promise<FsmaSheet[]> {
  const pairs: { node: FsmaEventInput['node']; event: FsmaEventInput['event'] }[] = [];
  const orgs = new Map<string, string>();
  for (const trace of traces) {
    for (const o of trace.organisations) orgs.set(o.id, o.name);
    for (const n of trace.nodes) {
      if (n.opaque || !n.identifier) continue;
      const node = {
        identifier: n.identifier,
        gtin: n.gtin ?? null,
        lot: n.lot ?? null,
        serial: n.serial ?? null,
        productName: n.productName ?? null,
      };
      for (const event of n.events ?? []) pairs.push({ node, event });
    }
  }
  const links = await linksOf(
    db,
    pairs.map((p) => p.event),
  );
  const glns = new Set<string>();
  for (const p of pairs) {
    const g = glnOf(p.event.bizLocation ?? p.event.readPoint);
    if (g) glns.add(g);
  }
  const linkOrgs = [...links.values()].flat().flatMap((l) => (l.organisationId ? [l.organisationId] : []));
  const missing = linkOrgs.filter((id) => !orgs.has(id));
  if (missing.length > 0)
    for (const r of await db
      .selectFrom('organisation')
      .select(['id', 'name'])
      .where('id', 'in', [...new Set(missing)])
      .execute())
      orgs.set(r.id, r.name);
  const locations = new Map<string, string>();
  if (glns.size > 0)
    for (const r of await db
      .selectFrom('location')
      .select(['gln', 'name'])
      .where('gln', 'in', [...glns])
      .execute())
      locations.set(r.gln, r.name);
  return fsmaSheets(
    pairs.map((p) => ({ ...p, links: links.get(`${p.event.organisationId}\u0000${p.event.eventID}`) ?? [] })),
    { organisations: orgs, locations },
  );
}

/** Business transactions, sources and destinations of these events, by owner + event ID. */
async function linksOf(
  db: Kysely<DB>,
  events: readonly { eventID: string; organisationId: string }[],
): Promise<Map<string, FsmaLink[]>> {
  const out = new Map<string, FsmaLink[]>();
  if (events.length === 0) return out;
  const ids = [...new Set(events.map((e) => e.eventID))];
  const rows = await sql<{
    event_id: string;
    owner: string;
    kind: string;
    type: string | null;
    value: string;
    organisation_id: string | null;
  }>`
    select ev.event_id, ev.owner_organisation_id as owner, l.kind, l.type, l.value, l.organisation_id
    from epcis_event ev join epcis_event_link l on l.event_row = ev.id
    where ev.event_id = any(${ids}::text[]) and l.kind in ('bizTransaction', 'source', 'destination')
    order by l.kind, l.value
  `.execute(db);
  const wanted = new Set(events.map((e) => `${e.organisationId}\u0000${e.eventID}`));
  for (const r of rows.rows) {
    const key = `${r.owner}\u0000${r.event_id}`;
    if (!wanted.has(key)) continue;
    const list = out.get(key) ?? [];
    list.push({ kind: r.kind, type: r.type, value: r.value, organisationId: r.organisation_id });
    out.set(key, list);
  }
  return out;
}

/** The workbook: one worksheet per critical tracking event, header row frozen, an autofilter over every sheet. */
export async function fsmaXlsx(exported: LotExport): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'truyxuat';
  workbook.created = new Date(0);
  const sheets = exported.sheets.length > 0 ? exported.sheets : [{ cte: 'other' as const, rows: [] }];
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.cte, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow([...FSMA_COLUMNS]);
    ws.getRow(1).font = { bold: true };
    // Every cell is written as a typed value: text stays text (exceljs writes a formula only from a formula
    // object), so a lot code or a note beginning with "=" is never evaluated.
    for (const row of sheet.rows) ws.addRow([...row]);
    ws.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: Math.max(1, sheet.rows.length + 1), column: FSMA_COLUMNS.length },
    };
    ws.columns.forEach((c) => (c.width = 18));
  }
  for (const extra of exported.extraSheets ?? []) {
    const ws = workbook.addWorksheet(extra.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow([...extra.columns]);
    ws.getRow(1).font = { bold: true };
    for (const row of extra.rows) ws.addRow([...row]);
    ws.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: Math.max(1, extra.rows.length + 1), column: extra.columns.length },
    };
    ws.columns.forEach((c) => (c.width = 18));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export function fsmaCsvOf(exported: LotExport): string {
  return fsmaCsv(exported.sheets);
}
