import type { IndexedEpc, IndexedLink } from '../epcis/event-index.ts';

/**
 * The lot graph derived from one event, purely: which identifiers flow into which, and which identifiers change
 * hands. A node is an identifier in the canonical form the repository indexes (a lot-level class
 * `https://id.gs1.org/01/{gtin}/10/{lot}`, a serialised item, an SSCC, or any other URI as written).
 *
 * Flow edges (the trace walks them), `from` upstream of `to`:
 * - `transformation`: every input → every output of a TransformationEvent;
 * - `aggregation`: child → parent of an AggregationEvent ADD (the child went into the container);
 * - `disaggregation`: parent → child of an AggregationEvent DELETE (the child came out of it).
 *
 * Self-edges (`from` = `to`) annotate a node without moving the walk:
 * - `commissioning`: the origin of an identifier (ObjectEvent ADD, or a TransformationEvent output without inputs);
 * - `shipment` / `receipt`: the identifier left one organisation for another / arrived, with the source and
 *   destination organisations when they are registered and the first business transaction (a despatch advice or
 *   purchase order) that pairs a shipment with its receipt.
 *
 * Because every edge depends on its own event alone, the graph is the same whatever order events arrive in, and a
 * re-captured event (same hash) adds nothing.
 */

export type EdgeKind = 'transformation' | 'aggregation' | 'disaggregation' | 'commissioning' | 'shipment' | 'receipt';

/** The edge kinds a trace walks; the others describe a node. */
export const FLOW_KINDS: readonly EdgeKind[] = ['transformation', 'aggregation', 'disaggregation'];

export interface LotEdge {
  readonly kind: EdgeKind;
  readonly fromNode: string;
  readonly toNode: string;
  readonly quantity: number | null;
  readonly uom: string | null;
  readonly fromOrganisationId: string | null;
  readonly toOrganisationId: string | null;
  readonly bizTransaction: string | null;
}

/** What edge derivation needs from an indexed event (a subset of the repository's event row). */
export interface GraphEvent {
  readonly eventType: string;
  readonly action: string | null;
  readonly bizStep: string | null;
  readonly ownerOrganisationId: string;
  readonly epcs: readonly IndexedEpc[];
  readonly links: readonly (IndexedLink & { readonly organisationId: string | null })[];
}

/** The bare CBV term of a business step written as a word, a URN or a Web URI (`shipping`, `receiving` …). */
export function bizStepTerm(bizStep: string | null): string | null {
  if (!bizStep) return null;
  const last = bizStep.split(/[:/#]/).pop() ?? bizStep;
  return last.replace(/^BizStep-/i, '').toLowerCase();
}

const SHIPPING_STEPS = new Set(['shipping', 'departing']);
const RECEIVING_STEPS = new Set(['receiving', 'arriving', 'accepting']);

function edge(
  kind: EdgeKind,
  from: string,
  to: string,
  amount: Pick<IndexedEpc, 'quantity' | 'uom'> | null,
  extra: Partial<Pick<LotEdge, 'fromOrganisationId' | 'toOrganisationId' | 'bizTransaction'>> = {},
): LotEdge {
  return {
    kind,
    fromNode: from,
    toNode: to,
    quantity: amount?.quantity ?? null,
    uom: amount?.uom ?? null,
    fromOrganisationId: extra.fromOrganisationId ?? null,
    toOrganisationId: extra.toOrganisationId ?? null,
    bizTransaction: extra.bizTransaction ?? null,
  };
}

const byRole = (event: GraphEvent, ...roles: IndexedEpc['role'][]) => event.epcs.filter((e) => roles.includes(e.role));

/** The edges one event contributes to the lot graph, without duplicates. */
export function edgesOfEvent(event: GraphEvent): LotEdge[] {
  const edges: LotEdge[] = [];
  const step = bizStepTerm(event.bizStep);
  switch (event.eventType) {
    case 'TransformationEvent': {
      const inputs = byRole(event, 'input', 'input_quantity');
      const outputs = byRole(event, 'output', 'output_quantity');
      for (const output of outputs) {
        if (inputs.length === 0) edges.push(edge('commissioning', output.epc, output.epc, output));
        for (const input of inputs) edges.push(edge('transformation', input.epc, output.epc, input));
      }
      break;
    }
    case 'AggregationEvent': {
      const parent = byRole(event, 'parent')[0];
      if (!parent) break;
      const children = byRole(event, 'child', 'child_quantity');
      if (event.action === 'ADD') for (const c of children) edges.push(edge('aggregation', c.epc, parent.epc, c));
      if (event.action === 'DELETE') for (const c of children) edges.push(edge('disaggregation', parent.epc, c.epc, c));
      break;
    }
    case 'ObjectEvent':
      if (event.action === 'ADD')
        for (const e of byRole(event, 'epc', 'quantity')) edges.push(edge('commissioning', e.epc, e.epc, e));
      break;
    default:
      break;
  }
  if (event.action !== 'DELETE') edges.push(...custodyEdges(event, step));
  return dedupe(edges);
}

/** Shipment and receipt self-edges: the identifiers an event moves, with where they came from and went to. */
function custodyEdges(event: GraphEvent, step: string | null): LotEdge[] {
  const sources = event.links.filter((l) => l.kind === 'source');
  const destinations = event.links.filter((l) => l.kind === 'destination');
  const shipping = step !== null && SHIPPING_STEPS.has(step);
  const receiving = step !== null && RECEIVING_STEPS.has(step);
  if (!shipping && !receiving) return [];
  const owningFirst = (links: typeof sources) =>
    [...links].sort(
      (a, b) => Number(b.type?.endsWith('owning_party') ?? false) - Number(a.type?.endsWith('owning_party') ?? false),
    );
  const sourceOrg = owningFirst(sources).find((l) => l.organisationId)?.organisationId ?? null;
  const destinationOrg = owningFirst(destinations).find((l) => l.organisationId)?.organisationId ?? null;
  const bizTransaction = event.links.find((l) => l.kind === 'bizTransaction')?.value ?? null;
  const moved =
    event.eventType === 'AggregationEvent'
      ? byRole(event, 'parent')
      : event.eventType === 'TransformationEvent'
        ? byRole(event, 'output', 'output_quantity')
        : byRole(event, 'epc', 'quantity');
  return moved.map((e) =>
    shipping
      ? edge('shipment', e.epc, e.epc, e, {
          fromOrganisationId: sourceOrg ?? event.ownerOrganisationId,
          toOrganisationId: destinationOrg,
          bizTransaction,
        })
      : edge('receipt', e.epc, e.epc, e, {
          fromOrganisationId: sourceOrg,
          toOrganisationId: destinationOrg ?? event.ownerOrganisationId,
          bizTransaction,
        }),
  );
}

/** One edge per (kind, from, to): the table's identity; quantities of repeated lines are added up. */
function dedupe(edges: LotEdge[]): LotEdge[] {
  const byKey = new Map<string, LotEdge>();
  for (const e of edges) {
    const key = `${e.kind}\u0000${e.fromNode}\u0000${e.toNode}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, e);
    else if (seen.quantity !== null && e.quantity !== null && seen.uom === e.uom)
      byKey.set(key, { ...seen, quantity: seen.quantity + e.quantity });
  }
  return [...byKey.values()];
}
