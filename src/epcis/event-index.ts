import { canonicalDigitalLink, digitalLinkToElements, epcUrnToElements } from '../identifiers/epc.ts';

/**
 * What the repository indexes about one event, derived purely from its canonical JSON form: every identifier with
 * its role and GS1 key parts, and every business-transaction / source / destination / corrective-event link.
 * Queries (`MATCH_*`, `EQ_bizTransaction_*`, `EQ_source_*` …) and the trace read these rows.
 */

export type EpcRole =
  | 'epc'
  | 'parent'
  | 'child'
  | 'input'
  | 'output'
  | 'quantity'
  | 'child_quantity'
  | 'input_quantity'
  | 'output_quantity';

export interface IndexedEpc {
  readonly role: EpcRole;
  /** The constrained canonical Digital Link for GS1 keys, else the identifier as written. */
  readonly epc: string;
  readonly isClass: boolean;
  readonly gtin: string | null;
  readonly lot: string | null;
  readonly serial: string | null;
  readonly quantity: number | null;
  readonly uom: string | null;
}

export type LinkKind = 'bizTransaction' | 'source' | 'destination' | 'correctiveEventID';

export interface IndexedLink {
  readonly kind: LinkKind;
  readonly type: string | null;
  readonly value: string;
}

export interface KeyParts {
  readonly canonical: string;
  readonly gtin: string | null;
  readonly lot: string | null;
  readonly serial: string | null;
  /** Other GS1 keys (SSCC, GLN, GRAI …) as `ai` → value. */
  readonly key: { ai: string; value: string } | null;
}

/**
 * Canonical form and GS1 key parts of any identifier an event may carry (EPC URN, Digital Link, other URI). The
 * answer is shared (frozen): one capture asks about each identifier several times (event row, standards check,
 * recall follow-up, delegation scope), and locations and parties repeat across events.
 */
export function identifierKeyParts(value: string): KeyParts {
  const known = keyPartsMemo.get(value);
  if (known !== undefined) return known;
  const parts = Object.freeze(computeKeyParts(value));
  if (keyPartsMemo.size >= KEY_PARTS_MEMO_LIMIT) keyPartsMemo.clear();
  keyPartsMemo.set(value, parts);
  return parts;
}

const KEY_PARTS_MEMO_LIMIT = 50_000;
const keyPartsMemo = new Map<string, KeyParts>();

type Elements = readonly (readonly [ai: string, value: string])[];

/**
 * The GS1 element strings of an EPC URN or Digital Link URI (null for anything else or an invalid one), shared with
 * validation so that an identifier is parsed once between checking and indexing it. Do not modify the answer.
 */
export function gs1Elements(value: string): Elements | null {
  let known = elementsMemo.get(value);
  if (known === undefined) {
    known = value.startsWith('urn:epc:')
      ? epcUrnToElements(value)
      : /^https?:\/\//i.test(value)
        ? digitalLinkToElements(value)
        : null;
    if (elementsMemo.size >= KEY_PARTS_MEMO_LIMIT) elementsMemo.clear();
    elementsMemo.set(value, known);
  }
  return known;
}

const elementsMemo = new Map<string, Elements | null>();

function elementValue(elements: Elements, ai: string): string | null {
  for (const [a, v] of elements) if (a === ai) return v;
  return null;
}

function computeKeyParts(value: string): KeyParts {
  const elements = gs1Elements(value);
  const canonical = canonicalDigitalLink(value) ?? value;
  if (!elements || elements.length === 0) return { canonical, gtin: null, lot: null, serial: null, key: null };
  const [primaryAi, primaryValue] = elements[0]!;
  return {
    canonical,
    gtin: elementValue(elements, '01'),
    lot: elementValue(elements, '10'),
    serial: elementValue(elements, '21'),
    key: Object.freeze({ ai: primaryAi, value: primaryValue }),
  };
}

/** The 13-digit GLN behind a location or party identifier (sgln, pgln, DL 414/417), or null. */
export function glnOf(value: string): string | null {
  const parts = identifierKeyParts(value);
  return parts.key && (parts.key.ai === '414' || parts.key.ai === '417') ? parts.key.value : null;
}

type Json = Record<string, unknown>;

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asString = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function epcRow(
  role: EpcRole,
  value: string,
  isClass: boolean,
  quantity: number | null,
  uom: string | null,
): IndexedEpc {
  const parts = identifierKeyParts(value);
  return { role, epc: parts.canonical, isClass, gtin: parts.gtin, lot: parts.lot, serial: parts.serial, quantity, uom };
}

// Module-level helpers, not closures per call: this runs for every identifier of every captured event, several
// times per capture (and a closure made per call costs more than its work here).
function pushInstances(rows: IndexedEpc[], event: Json, field: string, role: EpcRole): void {
  const list = event[field];
  if (!Array.isArray(list)) return;
  for (const v of list) {
    const s = asString(v);
    if (s) rows.push(epcRow(role, s, false, null, null));
  }
}

function pushClasses(rows: IndexedEpc[], event: Json, field: string, role: EpcRole): void {
  const list = event[field];
  if (!Array.isArray(list)) return;
  for (const v of list) {
    if (typeof v !== 'object' || v === null) continue;
    const q = v as Json;
    const epcClass = asString(q.epcClass);
    if (!epcClass) continue;
    const quantity = typeof q.quantity === 'number' ? q.quantity : q.quantity !== undefined ? Number(q.quantity) : null;
    rows.push(epcRow(role, epcClass, true, Number.isFinite(quantity) ? quantity : null, asString(q.uom)));
  }
}

/** Every identifier the event mentions, with its role. */
export function indexEpcs(event: Json): IndexedEpc[] {
  const rows: IndexedEpc[] = [];
  pushInstances(rows, event, 'epcList', 'epc');
  const parent = asString(event.parentID);
  if (parent) rows.push(epcRow('parent', parent, false, null, null));
  pushInstances(rows, event, 'childEPCs', 'child');
  pushInstances(rows, event, 'inputEPCList', 'input');
  pushInstances(rows, event, 'outputEPCList', 'output');
  pushClasses(rows, event, 'quantityList', 'quantity');
  pushClasses(rows, event, 'childQuantityList', 'child_quantity');
  pushClasses(rows, event, 'inputQuantityList', 'input_quantity');
  pushClasses(rows, event, 'outputQuantityList', 'output_quantity');
  return rows;
}

/**
 * Business transactions, sources, destinations (values in canonical form, as queries compare them) and the
 * corrective events named by an error declaration.
 */
export function indexLinks(event: Json): IndexedLink[] {
  const links: IndexedLink[] = [];
  for (const v of asArray(event.bizTransactionList)) {
    const b = v as Json;
    const value = asString(b?.bizTransaction);
    if (value)
      links.push({ kind: 'bizTransaction', type: asString(b.type), value: identifierKeyParts(value).canonical });
  }
  for (const v of asArray(event.sourceList)) {
    const s = v as Json;
    const value = asString(s?.source);
    if (value) links.push({ kind: 'source', type: asString(s.type), value: identifierKeyParts(value).canonical });
  }
  for (const v of asArray(event.destinationList)) {
    const d = v as Json;
    const value = asString(d?.destination);
    if (value) links.push({ kind: 'destination', type: asString(d.type), value: identifierKeyParts(value).canonical });
  }
  const declaration = event.errorDeclaration as Json | undefined;
  for (const v of asArray(declaration?.correctiveEventIDs)) {
    const s = asString(v);
    if (s) links.push({ kind: 'correctiveEventID', type: null, value: s });
  }
  return links;
}
