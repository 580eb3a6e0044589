import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { asSystem } from '../db/scope.ts';
import { identifierKeyParts } from '../epcis/event-index.ts';
import { Gs1Error, interpretGs1 } from '../identifiers/index.ts';
import { callerOrganisation, requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import {
  balanceLot,
  balanceTransformation,
  netContentOf,
  type Finding,
  type Movement,
  type Quantity,
  type YieldRange,
} from './mass-balance.ts';
import * as repo from './trace.repository.ts';

/**
 * One step back, one step forward, whole chains: traces over the lot graph (`lot-graph.ts`), with what each node is
 * (identifier, GTIN / lot / serial, product name from the registry), its events, and the flat lists a recall needs.
 * The caller sees only the events it may see; a node reached only through another organisation's private event is
 * an opaque "held by" node, which the province (who sees everything) can open.
 */

export const DEFAULT_MAX_DEPTH = 50;
export const MAX_DEPTH_LIMIT = 200;

export interface TraceOptions {
  readonly maxDepth?: number;
}

export interface TraceEvent {
  readonly eventID: string;
  readonly type: string;
  readonly action: string | null;
  readonly bizStep: string | null;
  readonly disposition: string | null;
  readonly eventTime: string;
  readonly bizLocation: string | null;
  readonly readPoint: string | null;
  readonly role: string;
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly organisationId: string;
  /** Instance/lot master data the event gave (origin: harvest area, dates, certificates …), when it has any. */
  readonly ilmd?: Record<string, unknown>;
}

export interface TraceOrganisation {
  readonly id: string;
  readonly name: string;
}

export interface TraceNode {
  /** The identifier, or `opaque:N` for a node the caller may not see. */
  readonly key: string;
  readonly depth: number;
  readonly opaque: boolean;
  /** Opaque nodes: the organisation whose private event leads there. */
  readonly heldBy?: TraceOrganisation;
  readonly identifier?: string;
  readonly gtin?: string | null;
  readonly lot?: string | null;
  readonly serial?: string | null;
  readonly isClass?: boolean;
  readonly productName?: string | null;
  readonly container?: boolean;
  readonly organisations?: TraceOrganisation[];
  readonly events?: TraceEvent[];
}

export interface TraceEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: string;
  readonly eventID: string | null;
  readonly quantity: number | null;
  readonly uom: string | null;
}

export interface TraceResult {
  readonly direction: repo.Direction;
  readonly root: string;
  readonly maxDepth: number;
  /** True when the walk stopped at `maxDepth` with edges left to follow. */
  readonly truncated: boolean;
  readonly nodes: TraceNode[];
  readonly edges: TraceEdge[];
  /** Every lot (class-level identifier) in the trace, the organisations and locations involved. */
  readonly lots: string[];
  readonly organisations: TraceOrganisation[];
  readonly locations: string[];
  /** Distinct events over all nodes. */
  readonly eventCount: number;
}

const URI = /^[a-z][a-z0-9+.-]*:\S+$/i;

/**
 * The canonical node for what a caller typed: a Digital Link, element string, EPC URN, `gtin` + `lot`, or any other
 * URI (EPCIS allows any URI as an identifier; it is used as written).
 */
export function parseTraceIdentifier(input: {
  id?: string | undefined;
  gtin?: string | undefined;
  lot?: string | undefined;
}): string {
  const fail = (field: string, message: string) =>
    new AppError('validation', `Not an identifier: ${message}`, { fields: [{ field, message }] });
  try {
    if (input.gtin !== undefined && input.gtin !== '') {
      const text = `(01)${input.gtin.trim()}${input.lot ? `(10)${input.lot}` : ''}`;
      const interpreted = interpretGs1(text);
      return identifierKeyParts(interpreted.canonicalDigitalLink!).canonical;
    }
    const id = input.id?.trim() ?? '';
    if (id === '') throw fail('id', 'give id, or gtin and lot');
    const gs1 = /^(https?:\/\/|urn:epc:|\(|\d)/i.test(id);
    if (gs1) {
      const interpreted = interpretGs1(id);
      if (interpreted.canonicalDigitalLink === null) throw fail('id', 'this GS1 data identifies no object');
      return identifierKeyParts(interpreted.canonicalDigitalLink).canonical;
    }
    if (URI.test(id)) return id;
    throw fail('id', 'expected a Digital Link, an element string, an EPC URN or a URI');
  } catch (e) {
    if (e instanceof Gs1Error) throw fail(input.gtin ? 'gtin' : 'id', e.message);
    throw e;
  }
}

function viewerOf(caller: Caller): repo.Viewer {
  requirePermission(caller, 'epcis:query');
  if (seesEverything(caller)) return null;
  const org = callerOrganisation(caller);
  if (org === undefined) throw new AppError('forbidden', 'Tracing needs an organisation');
  return org;
}

export async function traceBackward(
  db: Kysely<DB>,
  caller: Caller,
  identifier: string,
  options: TraceOptions = {},
): Promise<TraceResult> {
  return trace(db, caller, identifier, 'backward', options);
}

export async function traceForward(
  db: Kysely<DB>,
  caller: Caller,
  identifier: string,
  options: TraceOptions = {},
): Promise<TraceResult> {
  return trace(db, caller, identifier, 'forward', options);
}

async function trace(
  db: Kysely<DB>,
  caller: Caller,
  identifier: string,
  direction: repo.Direction,
  options: TraceOptions,
): Promise<TraceResult> {
  const viewer = viewerOf(caller);
  const root = identifierKeyParts(identifier).canonical;
  const maxDepth = Math.max(1, Math.min(options.maxDepth ?? DEFAULT_MAX_DEPTH, MAX_DEPTH_LIMIT));
  // The walk crosses every organisation's edges on purpose: an edge the viewer may not see becomes an opaque
  // "held by" node (owner only) and is not walked through; the events read below stay in the caller's scope.
  const rows = await asSystem(() => repo.walk(db, root, direction, maxDepth, viewer));

  // Nodes the caller sees (reached by a visible edge, or the root) and the others, which become opaque.
  const depthOf = new Map<string, number>();
  const containers = new Set<string>();
  const hidden = new Map<string, { depth: number; owner: string }>();
  for (const r of rows) {
    if (r.visible) {
      if (!depthOf.has(r.node) || depthOf.get(r.node)! > r.depth) depthOf.set(r.node, r.depth);
      if (r.via === 'container') containers.add(r.node);
    }
  }
  for (const r of rows) {
    if (!r.visible && !depthOf.has(r.node) && !hidden.has(r.node))
      hidden.set(r.node, { depth: r.depth, owner: r.owner_organisation_id! });
  }
  for (const r of rows) if (r.visible && r.via !== 'container') containers.delete(r.node);
  // Stopped short: a node first reached at the depth bound may have edges the walk did not follow (a lot
  // re-entering the graph is reached earlier too, so a cycle alone does not count).
  const truncated = [...depthOf.values()].some((d) => d >= maxDepth);

  const visibleNodes = [...depthOf.keys()];
  const events = await repo.nodeEvents(db, visibleNodes, viewer);
  const notes = await repo.annotations(db, visibleNodes, viewer);
  if (rows.length === 1 && events.length === 0 && notes.length === 0)
    throw new AppError('not_found', 'No event you may see mentions this identifier');

  const orgIds = new Set<string>();
  for (const e of events) orgIds.add(e.owner_organisation_id);
  for (const n of notes)
    for (const o of [n.from_organisation_id, n.to_organisation_id, n.owner_organisation_id]) if (o) orgIds.add(o);
  for (const h of hidden.values()) orgIds.add(h.owner);
  const names = await repo.organisationNames(db, [...orgIds]);
  const org = (id: string): TraceOrganisation => ({ id, name: names.get(id) ?? id });

  const parts = new Map(visibleNodes.map((n) => [n, identifierKeyParts(n)]));
  const products = await repo.productsByGtin(
    db,
    [...parts.values()].map((p) => p.gtin).filter((g): g is string => g !== null),
  );

  const eventsByNode = new Map<string, TraceEvent[]>();
  const classNodes = new Set<string>();
  const nodeOrgs = new Map<string, Set<string>>();
  const locations = new Set<string>();
  const eventIds = new Set<string>();
  for (const e of events) {
    if (e.is_class) classNodes.add(e.epc);
    const list = eventsByNode.get(e.epc) ?? [];
    list.push({
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
      ...(e.ilmd ? { ilmd: e.ilmd } : {}),
    });
    eventsByNode.set(e.epc, list);
    const set = nodeOrgs.get(e.epc) ?? new Set<string>();
    set.add(e.owner_organisation_id);
    nodeOrgs.set(e.epc, set);
    if (e.biz_location) locations.add(e.biz_location);
    else if (e.read_point) locations.add(e.read_point);
    eventIds.add(e.event_row);
  }
  for (const n of notes) {
    const set = nodeOrgs.get(n.node) ?? new Set<string>();
    for (const o of [n.from_organisation_id, n.to_organisation_id]) if (o) set.add(o);
    nodeOrgs.set(n.node, set);
    if (n.quantity !== null) classNodes.add(n.node);
  }

  const opaqueKey = new Map<string, string>();
  let opaqueCount = 0;
  for (const node of hidden.keys()) opaqueKey.set(node, `opaque:${++opaqueCount}`);
  const keyOf = (node: string) => opaqueKey.get(node) ?? node;

  const nodes: TraceNode[] = [];
  for (const node of visibleNodes) {
    const p = parts.get(node)!;
    nodes.push({
      key: node,
      depth: depthOf.get(node)!,
      opaque: false,
      identifier: node,
      gtin: p.gtin,
      lot: p.lot,
      serial: p.serial,
      isClass: classNodes.has(node) || (p.gtin !== null && p.lot !== null && p.serial === null),
      productName: p.gtin ? (products.get(p.gtin)?.name ?? null) : null,
      container: containers.has(node),
      organisations: [...(nodeOrgs.get(node) ?? [])].map(org),
      events: eventsByNode.get(node) ?? [],
    });
  }
  for (const [node, h] of hidden) nodes.push({ key: keyOf(node), depth: h.depth, opaque: true, heldBy: org(h.owner) });
  nodes.sort((a, b) => a.depth - b.depth || a.key.localeCompare(b.key));

  const edges: TraceEdge[] = [];
  const seenEdge = new Set<string>();
  for (const r of rows) {
    if (r.edge_id === null || seenEdge.has(r.edge_id)) continue;
    if (!r.visible && depthOf.has(r.node)) continue; // a hidden path to a node the caller sees another way
    seenEdge.add(r.edge_id);
    edges.push({
      from: keyOf(r.from_node!),
      to: keyOf(r.to_node!),
      kind: r.kind!,
      eventID: r.visible ? r.event_id : null,
      quantity: r.visible ? r.quantity : null,
      uom: r.visible ? r.uom : null,
    });
  }

  const lots = nodes.filter((n) => !n.opaque && n.isClass).map((n) => n.identifier!);
  const organisations = [...orgIds].map(org).sort((a, b) => a.name.localeCompare(b.name));
  return {
    direction,
    root,
    maxDepth,
    truncated,
    nodes,
    edges,
    lots,
    organisations,
    locations: [...locations].sort(),
    eventCount: eventIds.size,
  };
}

export interface MassBalanceResult {
  readonly identifier: string;
  readonly lot: ReturnType<typeof balanceLot>;
  readonly transformations: (ReturnType<typeof balanceTransformation> & { eventID: string })[];
  readonly findings: Finding[];
}

/**
 * Mass balance of one lot: every transformation it went into or came out of (outputs against inputs, with the
 * expected yield range when given), and the lot's own account (produced + received against shipped + consumed,
 * each shipment against its receipt).
 */
export async function massBalance(
  db: Kysely<DB>,
  caller: Caller,
  identifier: string,
  options: { yieldRange?: YieldRange | undefined } = {},
): Promise<MassBalanceResult> {
  const viewer = viewerOf(caller);
  const node = identifierKeyParts(identifier).canonical;
  const io = await repo.transformationsOf(db, node, viewer);
  const notes = await repo.annotations(db, [node], viewer);
  if (io.length === 0 && notes.length === 0)
    throw new AppError('not_found', 'No event you may see records quantities of this identifier');
  const products = await repo.productsByGtin(
    db,
    io.map((r) => r.gtin).filter((g): g is string => g !== null),
  );
  const nodeGtin = identifierKeyParts(node).gtin;
  const nodeProduct = nodeGtin ? await repo.productsByGtin(db, [nodeGtin]) : new Map<string, repo.ProductRow>();
  const quantityOf = (epc: string, gtin: string | null, quantity: number | null, uom: string | null): Quantity => {
    const p = gtin ? (products.get(gtin) ?? nodeProduct.get(gtin)) : undefined;
    return { node: epc, quantity, uom, netContent: p ? netContentOf(p.net_content, p.net_content_unit) : undefined };
  };

  const byEvent = new Map<string, { eventID: string; inputs: Quantity[]; outputs: Quantity[] }>();
  const movements: Movement[] = [];
  for (const r of io) {
    const t = byEvent.get(r.event_row) ?? { eventID: r.event_id, inputs: [], outputs: [] };
    const q = quantityOf(r.epc, r.gtin, r.quantity, r.uom);
    if (r.role.startsWith('input')) t.inputs.push(q);
    else t.outputs.push(q);
    byEvent.set(r.event_row, t);
    if (r.epc === node)
      movements.push({
        kind: r.role.startsWith('input') ? 'consumed' : 'produced',
        quantity: q,
        holder: r.owner_organisation_id,
      });
  }
  for (const n of notes) {
    const q = quantityOf(node, nodeGtin, n.quantity, n.uom);
    const pairKey =
      n.biz_transaction ??
      (n.from_organisation_id && n.to_organisation_id ? `${n.from_organisation_id}→${n.to_organisation_id}` : null);
    if (n.kind === 'commissioning' && !byEvent.has(n.event_row))
      movements.push({ kind: 'produced', quantity: q, holder: n.owner_organisation_id });
    if (n.kind === 'shipment')
      movements.push({ kind: 'shipped', quantity: q, pairKey, holder: n.from_organisation_id });
    if (n.kind === 'receipt') movements.push({ kind: 'received', quantity: q, pairKey, holder: n.to_organisation_id });
  }
  const transformations = [...byEvent.values()].map((t) => ({
    eventID: t.eventID,
    ...balanceTransformation(t.eventID, t.inputs, t.outputs, options.yieldRange),
  }));
  const lot = balanceLot(node, movements);
  return {
    identifier: node,
    lot,
    transformations,
    findings: [...transformations.flatMap((t) => t.findings), ...lot.findings],
  };
}
