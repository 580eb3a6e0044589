import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { identifierKeyParts } from '../epcis/event-index.ts';
import { requirePermission, type Caller } from '../shared/caller.ts';
import { AppError, invalid, notFound } from '../shared/errors.ts';
import { checkOutboundUrl, fetchOutbound, nextLink, OutboundUrlError } from '../shared/outbound-url.ts';
import { traceBackward, traceForward, type TraceResult } from '../trace/index.ts';
import { authorizationHeader, openCredential, sealCredential } from './connector.credentials.ts';
import { credentialFrom, remoteFailure, type CredentialInput } from './connector.service.ts';
import * as repo from './cross-node.repository.ts';

/**
 * Cross-node trace (the GDST capability-test pattern): a lot whose supplier (backward) or customer (forward) lives
 * on another EPCIS node — another province's truyxuat or any conformant system — is looked up at that node's GS1
 * Digital Link resolver for its `gs1:epcis` link, the EPCIS query behind the link is asked with the credentials
 * configured for that node, and the answer is merged into the local trace with every remote node and edge marked
 * with the node that answered. Transformations in the answer lead to further lots, asked the same way.
 */

/** Remote lots one trace asks about at most (each costs a resolver request and an EPCIS query). */
export const MAX_REMOTE_LOOKUPS = 25;
/**
 * The last answer of each node for each lot is kept, so a trace can show it (with its time) while the node is down:
 * at most this many lots per node (the most recently answered), and only answers of at most MAX_CACHED_EVENTS events.
 */
export const MAX_CACHED_ANSWERS_PER_NODE = 1000;
export const MAX_CACHED_EVENTS = 500;
const MAX_PAGES_PER_LOOKUP = 5;

export interface RemoteNodeInput {
  readonly name: string;
  readonly baseUrl: string;
  readonly companyPrefixes: readonly string[];
  readonly credential?: CredentialInput | undefined;
}

function view(row: NonNullable<Awaited<ReturnType<typeof repo.findRemoteNode>>>) {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.base_url,
    companyPrefixes: row.company_prefixes,
    credential: { kind: row.credential_kind, stored: row.credential_kind !== 'none' },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
export type RemoteNodeView = ReturnType<typeof view>;

async function checkBaseUrl(raw: string): Promise<string> {
  try {
    const url = await checkOutboundUrl(raw, { field: 'baseUrl' });
    if (url.search !== '' || url.hash !== '') throw invalid('baseUrl', 'The base URL carries no query or fragment');
    return url.toString().replace(/\/+$/, '');
  } catch (e) {
    if (e instanceof OutboundUrlError) throw invalid('baseUrl', e.message, 'federation.url.refused');
    throw e;
  }
}

function checkPrefixes(prefixes: readonly string[]): string[] {
  prefixes.forEach((p, i) => {
    if (!/^\d{4,12}$/.test(p))
      throw invalid(`companyPrefixes/${i}`, 'A GS1 company prefix is 4 to 12 digits', 'federation.node.prefix');
  });
  return [...new Set(prefixes)];
}

/** Remote nodes are the province's to configure (they carry its agreements and credentials). */
export async function createRemoteNode(
  db: Kysely<DB>,
  caller: Caller,
  input: RemoteNodeInput,
): Promise<RemoteNodeView> {
  requirePermission(caller, 'province:write');
  const baseUrl = await checkBaseUrl(input.baseUrl);
  if (await repo.findRemoteNodeByUrl(db, baseUrl)) throw new AppError('conflict', 'A node with this base URL exists');
  const sealed = await sealCredential(db, credentialFrom(input.credential));
  const id = randomUUID();
  await repo.insertRemoteNode(db, {
    id,
    name: input.name.trim(),
    base_url: baseUrl,
    company_prefixes: checkPrefixes(input.companyPrefixes),
    credential_kind: sealed.kind,
    credential_enc: sealed.sealed,
    created_by:
      caller.kind === 'user' ? `user:${caller.userId}` : caller.kind === 'apiKey' ? `apiKey:${caller.apiKeyId}` : null,
  });
  return view((await repo.findRemoteNode(db, id))!);
}

export async function listRemoteNodes(db: Kysely<DB>, caller: Caller): Promise<RemoteNodeView[]> {
  requirePermission(caller, 'province:read');
  return (await repo.listRemoteNodes(db)).map(view);
}

export async function updateRemoteNode(
  db: Kysely<DB>,
  caller: Caller,
  id: string,
  patch: Partial<RemoteNodeInput>,
): Promise<RemoteNodeView> {
  requirePermission(caller, 'province:write');
  if (!(await repo.findRemoteNode(db, id))) throw notFound('Remote node');
  const changes: Parameters<typeof repo.updateRemoteNode>[2] = {};
  if (patch.name !== undefined) changes.name = patch.name.trim();
  if (patch.baseUrl !== undefined) changes.base_url = await checkBaseUrl(patch.baseUrl);
  if (patch.companyPrefixes !== undefined) changes.company_prefixes = checkPrefixes(patch.companyPrefixes);
  if (patch.credential !== undefined) {
    const sealed = await sealCredential(db, credentialFrom(patch.credential));
    changes.credential_kind = sealed.kind;
    changes.credential_enc = sealed.sealed;
  }
  await repo.updateRemoteNode(db, id, changes);
  return view((await repo.findRemoteNode(db, id))!);
}

export async function deleteRemoteNode(db: Kysely<DB>, caller: Caller, id: string): Promise<void> {
  requirePermission(caller, 'province:write');
  if (!(await repo.deleteRemoteNode(db, id))) throw notFound('Remote node');
}

export interface AnsweringNode {
  readonly id: string;
  readonly name: string;
  readonly baseUrl: string;
}

export interface RemoteEvent {
  readonly eventID: string | null;
  readonly type: string;
  readonly action: string | null;
  readonly bizStep: string | null;
  readonly disposition: string | null;
  readonly eventTime: string | null;
  readonly bizLocation: string | null;
  readonly readPoint: string | null;
  /** How the lot appears in the event: epc, quantity, input, output, parent, child. */
  readonly role: string;
  readonly quantity: number | null;
  readonly uom: string | null;
}

export interface RemoteTraceNode {
  readonly key: string;
  readonly identifier: string;
  readonly gtin: string | null;
  readonly lot: string | null;
  readonly depth: number;
  readonly answeredBy: AnsweringNode;
  /** Null for a fresh answer; the time of the node's last known answer when it could not be asked now. */
  readonly lastKnownAt: string | null;
  readonly events: RemoteEvent[];
}

export interface RemoteTraceEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: string;
  readonly eventID: string | null;
  readonly answeredBy: AnsweringNode;
}

export interface RemoteLookup {
  readonly identifier: string;
  readonly node: AnsweringNode;
  /** answered: the node gave events; no_link: its resolver has no gs1:epcis link; failed: an error. */
  readonly status: 'answered' | 'no_link' | 'failed';
  readonly eventCount: number;
  readonly error: string | null;
  /** A failed lookup shown from the node's last known answer: when that answer was given. */
  readonly lastKnownAt: string | null;
}

export interface CrossNodeTrace {
  readonly local: TraceResult;
  readonly remote: {
    readonly nodes: RemoteTraceNode[];
    readonly edges: RemoteTraceEdge[];
    readonly lookups: RemoteLookup[];
    /** True when lots were left unasked because the trace reached MAX_REMOTE_LOOKUPS. */
    readonly truncated: boolean;
  };
}

type NodeRow = Awaited<ReturnType<typeof repo.listRemoteNodesWithCredentials>>[number];

const LIST_ROLES: readonly [string, string][] = [
  ['epcList', 'epc'],
  ['quantityList', 'quantity'],
  ['inputEPCList', 'input'],
  ['inputQuantityList', 'input'],
  ['outputEPCList', 'output'],
  ['outputQuantityList', 'output'],
  ['childEPCs', 'child'],
  ['childQuantityList', 'child'],
];

/** Every identifier an event names, with its role and quantity. */
function identifiersOf(event: Record<string, unknown>) {
  const out: { id: string; role: string; quantity: number | null; uom: string | null }[] = [];
  for (const [list, role] of LIST_ROLES) {
    const items = event[list];
    if (!Array.isArray(items)) continue;
    for (const item of items as unknown[]) {
      if (typeof item === 'string')
        out.push({ id: identifierKeyParts(item).canonical, role, quantity: null, uom: null });
      else if (item && typeof item === 'object' && typeof (item as { epcClass?: unknown }).epcClass === 'string') {
        const q = item as { epcClass: string; quantity?: unknown; uom?: unknown };
        out.push({
          id: identifierKeyParts(q.epcClass).canonical,
          role,
          quantity: typeof q.quantity === 'number' ? q.quantity : null,
          uom: typeof q.uom === 'string' ? q.uom : null,
        });
      }
    }
  }
  if (typeof event.parentID === 'string')
    out.push({ id: identifierKeyParts(event.parentID).canonical, role: 'parent', quantity: null, uom: null });
  return out;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const idOf = (v: unknown): string | null =>
  v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string' ? (v as { id: string }).id : null;

function answering(node: NodeRow): AnsweringNode {
  return { id: node.id, name: node.name, baseUrl: node.base_url };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The `gs1:epcis` link of a lot at a node's resolver, or null when it has none. */
async function epcisLinkOf(node: NodeRow, gtin: string, lot: string): Promise<string | null> {
  const url = `${node.base_url}/01/${gtin}/10/${encodeURIComponent(lot)}?linkType=gs1:epcis`;
  const response = await fetchOutbound(url, { headers: { accept: 'application/json' }, timeoutMs: 15_000 });
  if (REDIRECTS.has(response.status)) {
    const location = response.headers.location;
    if (!location) return null;
    // Resolvers pass the request's query string on to the target (GS1-Conformant Resolver); ours is not the query's.
    const target = new URL(location, url);
    target.searchParams.delete('linkType');
    return target.toString();
  }
  if (response.status === 404 || response.status === 410) return null;
  if (response.status === 200 || response.status === 300) {
    // A linkset (RFC 9264) answer: the link type as a compact or full URI.
    const doc = JSON.parse(response.body.toString('utf8')) as { linkset?: Record<string, unknown>[] };
    for (const set of doc.linkset ?? []) {
      for (const key of ['https://gs1.org/voc/epcis', 'https://ref.gs1.org/voc/epcis', 'gs1:epcis']) {
        const links = set[key];
        if (Array.isArray(links) && links[0] && typeof (links[0] as { href?: unknown }).href === 'string')
          return new URL((links[0] as { href: string }).href, url).toString();
      }
    }
    return null;
  }
  throw new Error(`The resolver answered ${response.status}`);
}

/** The events behind an EPCIS query link, with the credentials of the node serving that origin (if any). */
async function queryLink(db: Kysely<DB>, link: string, nodes: readonly NodeRow[]): Promise<Record<string, unknown>[]> {
  const origin = new URL(link).origin;
  const owner = nodes.find((n) => new URL(n.base_url).origin === origin);
  // Credentials go only to the node they were configured for; a link elsewhere is asked without them.
  const credential = owner ? await openCredential(db, owner.credential_enc) : ({ kind: 'none' } as const);
  const headers = { accept: 'application/ld+json, application/json', ...authorizationHeader(credential) };
  const events: Record<string, unknown>[] = [];
  let url: string | null = link;
  for (let page = 0; url !== null && page < MAX_PAGES_PER_LOOKUP; page++) {
    const response = await fetchOutbound(url, { headers, timeoutMs: 30_000 });
    if (response.status !== 200) throw new Error(`EPCIS query: ${remoteFailure(response.status, response.body)}`);
    const doc = JSON.parse(response.body.toString('utf8')) as {
      epcisBody?: { queryResults?: { resultsBody?: { eventList?: unknown } } };
    };
    const list = doc.epcisBody?.queryResults?.resultsBody?.eventList;
    if (!Array.isArray(list)) throw new Error('The answer is not an EPCIS query document');
    events.push(...(list as Record<string, unknown>[]));
    const next = nextLink(response.headers.link, url);
    url = next !== null && new URL(next).origin === origin ? next : null;
  }
  return events;
}

function matchingNode(nodes: readonly NodeRow[], gtin: string): NodeRow | undefined {
  const digits = gtin.padStart(14, '0').slice(1);
  return nodes.find((n) => n.company_prefixes.some((p) => digits.startsWith(p)));
}

/**
 * A backward or forward trace that continues on remote nodes: the local trace, then every frontier lot (a lot the
 * local graph leads to but knows no further in that direction) whose GTIN's company prefix a configured node serves.
 */
export async function traceAcrossNodes(
  db: Kysely<DB>,
  caller: Caller,
  identifier: string,
  direction: 'backward' | 'forward',
  options: { maxDepth?: number } = {},
): Promise<CrossNodeTrace> {
  const local =
    direction === 'backward'
      ? await traceBackward(db, caller, identifier, options)
      : await traceForward(db, caller, identifier, options);
  const nodes = await repo.listRemoteNodesWithCredentials(db);
  const remoteNodes = new Map<string, RemoteTraceNode>();
  const edges: RemoteTraceEdge[] = [];
  const lookups: RemoteLookup[] = [];
  if (nodes.length === 0) return { local, remote: { nodes: [], edges, lookups, truncated: false } };

  const continues = new Set(local.edges.map((e) => (direction === 'backward' ? e.to : e.from)));
  const queue: { id: string; depth: number }[] = local.nodes
    .filter((n) => !n.opaque && n.gtin && n.lot && !n.serial && !continues.has(n.key))
    .map((n) => ({ id: n.identifier!, depth: n.depth }));
  const asked = new Set<string>();
  const seenEdges = new Set<string>();
  let truncated = false;
  while (queue.length > 0) {
    const item = queue.shift()!;
    if (asked.has(item.id)) continue;
    const parts = identifierKeyParts(item.id);
    if (!parts.gtin || !parts.lot) continue;
    const node = matchingNode(nodes, parts.gtin);
    if (!node) continue;
    if (asked.size >= MAX_REMOTE_LOOKUPS) {
      truncated = true;
      break;
    }
    asked.add(item.id);
    const by = answering(node);
    let events: Record<string, unknown>[];
    let lastKnownAt: string | null = null;
    try {
      const link = await epcisLinkOf(node, parts.gtin, parts.lot);
      if (link === null) {
        lookups.push({
          identifier: item.id,
          node: by,
          status: 'no_link',
          eventCount: 0,
          error: null,
          lastKnownAt: null,
        });
        continue;
      }
      events = await queryLink(db, link, nodes);
    } catch (e) {
      const message = e instanceof Error ? e.message.slice(0, 300) : 'failed';
      // The node is down or refuses: show what it last answered for this lot, saying when.
      const cached = await repo.findRemoteAnswer(db, node.id, item.id);
      lastKnownAt = cached ? new Date(cached.answered_at).toISOString() : null;
      lookups.push({
        identifier: item.id,
        node: by,
        status: 'failed',
        eventCount: cached?.events.length ?? 0,
        error: message,
        lastKnownAt,
      });
      if (!cached) continue;
      events = cached.events;
    }
    if (lastKnownAt === null) {
      lookups.push({
        identifier: item.id,
        node: by,
        status: 'answered',
        eventCount: events.length,
        error: null,
        lastKnownAt: null,
      });
      if (events.length <= MAX_CACHED_EVENTS)
        await repo.saveRemoteAnswer(
          db,
          { node_id: node.id, identifier: item.id, events, answered_at: new Date() },
          MAX_CACHED_ANSWERS_PER_NODE,
        );
    }
    const remoteEvents: RemoteEvent[] = [];
    for (const event of events) {
      const ids = identifiersOf(event);
      const own = ids.find((x) => x.id === item.id);
      if (!own) continue;
      remoteEvents.push({
        eventID: str(event.eventID),
        type: str(event.type) ?? 'unknown',
        action: str(event.action),
        bizStep: str(event.bizStep),
        disposition: str(event.disposition),
        eventTime: str(event.eventTime),
        bizLocation: idOf(event.bizLocation),
        readPoint: idOf(event.readPoint),
        role: own.role,
        quantity: own.quantity,
        uom: own.uom,
      });
      // Transformations lead on: to their inputs going backward, to their outputs going forward.
      const leadsOn = direction === 'backward' ? own.role === 'output' : own.role === 'input';
      if (!leadsOn) continue;
      for (const other of ids.filter((x) => x.role === (direction === 'backward' ? 'input' : 'output'))) {
        const [from, to] = direction === 'backward' ? [other.id, item.id] : [item.id, other.id];
        const key = `${from}→${to}`;
        if (!seenEdges.has(key)) {
          seenEdges.add(key);
          edges.push({ from, to, kind: 'transformation', eventID: str(event.eventID), answeredBy: by });
        }
        queue.push({ id: other.id, depth: item.depth + 1 });
      }
    }
    remoteNodes.set(item.id, {
      key: item.id,
      identifier: item.id,
      gtin: parts.gtin,
      lot: parts.lot,
      depth: item.depth,
      answeredBy: by,
      lastKnownAt,
      events: remoteEvents,
    });
  }
  return { local, remote: { nodes: [...remoteNodes.values()], edges, lookups, truncated } };
}
