import { createHash } from 'node:crypto';
import { canonicalDigitalLink } from '../identifiers/epc.ts';
import { STANDARD_EVENT_FIELDS, type EpcisEvent, type ExtensionValue, type QuantityElement } from './model.ts';
import { STANDARD_NAMESPACES } from './namespaces.ts';
import { cbvUrnToWebUri, expandTerm, type VocabularyName } from './vocabulary.ts';

/**
 * CBV 2.0 §8.9 EPCIS event hash: `ni:///sha-256;<hex>?ver=CBV2.0` over the canonical pre-hash string of the event.
 * Works on the canonical model, so an event parsed from XML and the same event parsed from JSON-LD give the same
 * hash. `namespaces` resolves the `prefix:local` keys of user extensions to `{namespace}local`.
 */
export function eventHash(
  event: EpcisEvent,
  namespaces: Record<string, string> = {},
  options: EventHashOptions = {},
): string {
  const digest = createHash('sha256')
    .update(preHashString(event, namespaces, options), 'utf8')
    .digest('hex');
  return `ni:///sha-256;${digest}?ver=CBV2.0`;
}

export interface EventHashOptions {
  /**
   * Event-level user extensions to leave out, as `{namespace}local` names. Repositories that annotate events (a
   * stored hash, a capture id) declare these in a document-level `ignoreFields` list; see `ParsedDocument`.
   */
  ignoreFields?: readonly string[];
}

/** JSON-LD comments are annotations, not event content. */
const ALWAYS_IGNORED = new Set(['{http://www.w3.org/2000/01/rdf-schema#}comment']);

const SENSOR_METADATA_ORDER = [
  'time',
  'startTime',
  'endTime',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'dataProcessingMethod',
  'bizRules',
] as const;
const SENSOR_REPORT_ORDER = [
  'type',
  'exception',
  'deviceID',
  'deviceMetadata',
  'rawData',
  'dataProcessingMethod',
  'time',
  'microorganism',
  'chemicalSubstance',
  'value',
  'component',
  'stringValue',
  'booleanValue',
  'hexBinaryValue',
  'uriValue',
  'minValue',
  'maxValue',
  'meanValue',
  'sDev',
  'percRank',
  'percValue',
  'uom',
  'coordinateReferenceSystem',
] as const;
const SENSOR_VOCABULARY: Partial<Record<string, VocabularyName>> = {
  type: 'measurementType',
  exception: 'sensorAlertType',
  component: 'component',
};

type Text = string | number | boolean | undefined | null;

/** The canonical pre-hash string (CBV 2.0 §8.9.2). Exposed for diagnostics and tests. */
export function preHashString(
  event: EpcisEvent,
  namespaces: Record<string, string> = {},
  options: EventHashOptions = {},
): string {
  const ignored = options.ignoreFields ? new Set([...ALWAYS_IGNORED, ...options.ignoreFields]) : ALWAYS_IGNORED;
  const e = event as unknown as Record<string, unknown>;
  const ns = { ...STANDARD_NAMESPACES, ...namespaces };
  let out = 'eventType=' + event.type;
  out += time('eventTime', event.eventTime);
  out += pair('eventTimeZoneOffset', event.eventTimeZoneOffset);
  out += sortedJoin(asArray(event.certificationInfo).map((c) => pair('certificationInfo', c)));
  out += pair('parentID', e.parentID as Text);
  out += epcList('epcList', e.epcList);
  out += epcList('inputEPCList', e.inputEPCList);
  out += epcList('childEPCs', e.childEPCs);
  out += quantityList('quantityList', e.quantityList);
  out += quantityList('childQuantityList', e.childQuantityList);
  out += quantityList('inputQuantityList', e.inputQuantityList);
  out += epcList('outputEPCList', e.outputEPCList);
  out += quantityList('outputQuantityList', e.outputQuantityList);
  out += pair('action', e.action as Text);
  out += pair('transformationID', e.transformationID as Text);
  out += term('bizStep', event.bizStep, 'bizStep');
  out += term('disposition', event.disposition, 'disposition');
  const pd = event.persistentDisposition;
  if (pd) {
    const inner =
      sortedJoin((pd.set ?? []).map((v) => term('set', v, 'disposition'))) +
      sortedJoin((pd.unset ?? []).map((v) => term('unset', v, 'disposition')));
    if (inner) out += 'persistentDisposition' + inner;
  }
  out += location('readPoint', event.readPoint, ns);
  out += location('bizLocation', event.bizLocation, ns);
  out += sensorElements(event.sensorElementList, ns);

  // Properties the reference algorithm places after the ordered ones, sorted as whole strings: the typed lists,
  // ILMD and the event-level user extensions.
  const rest: string[] = [];
  if (event.bizTransactionList)
    pushList(
      rest,
      'bizTransactionList',
      event.bizTransactionList.map(
        (b) => term('type', b.type, 'bizTransactionType') + pair('bizTransaction', b.bizTransaction),
      ),
    );
  if (event.sourceList)
    pushList(
      rest,
      'sourceList',
      event.sourceList.map((s) => term('type', s.type, 'sourceDestinationType') + pair('source', s.source)),
    );
  if (event.destinationList)
    pushList(
      rest,
      'destinationList',
      event.destinationList.map(
        (d) => term('type', d.type, 'sourceDestinationType') + pair('destination', d.destination),
      ),
    );
  const ilmd = e.ilmd as Record<string, ExtensionValue> | undefined;
  if (ilmd && typeof ilmd === 'object') {
    const inner = extensionEntries(ilmd, ns, new Set());
    rest.push('ilmd' + inner);
  }
  const leftover = sensorLeftovers(event.sensorElementList);
  if (leftover) rest.push(leftover);
  for (const [key, value] of Object.entries(e)) {
    if (STANDARD_EVENT_FIELDS.has(key) || value === undefined || ignored.has(expandedName(key, ns))) continue;
    rest.push(...extension(key, value as ExtensionValue, ns));
  }
  return out + sortedJoin(rest);
}

function pushList(rest: string[], name: string, entries: string[]): void {
  const inner = sortedJoin(entries);
  if (inner) rest.push(name + inner);
}

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function sortedJoin(parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .sort(compareCodeUnits)
    .join('');
}

/** Python-style code point order (the reference sorts Python strings). */
function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
  }
  return a.length - b.length;
}

function pair(name: string, value: Text): string {
  if (value === undefined || value === null) return '';
  const text = canonicalValue(String(value));
  return text === '' ? '' : `${name}=${text}`;
}

function time(name: string, value: Text): string {
  if (value === undefined || value === null) return '';
  const text = String(value).trim();
  return text === '' ? '' : `${name}=${canonicalTimestamp(text)}`;
}

function term(name: string, value: string | undefined, vocabulary: VocabularyName): string {
  if (value === undefined) return '';
  const trimmed = value.trim();
  return trimmed === '' ? '' : pair(name, expandTerm(trimmed, vocabulary));
}

function epcList(name: string, list: unknown): string {
  if (!Array.isArray(list)) return '';
  const inner = sortedJoin(list.map((epc) => pair('epc', epc as Text)));
  return inner ? name + inner : '';
}

function quantityList(name: string, list: unknown): string {
  if (!Array.isArray(list)) return '';
  const inner = sortedJoin(
    (list as QuantityElement[]).map((q) => {
      const body = pair('epcClass', q.epcClass) + pair('quantity', q.quantity) + pair('uom', q.uom);
      return body ? 'quantityElement' + body : '';
    }),
  );
  return inner ? name + inner : '';
}

function location(name: string, loc: Record<string, unknown> | undefined, ns: Record<string, string>): string {
  if (!loc) return '';
  const id = pair('id', loc.id as Text);
  const ext = extensionEntries(loc as Record<string, ExtensionValue>, ns, new Set(['id']));
  return id || ext ? name + id + ext : '';
}

function sensorElements(list: unknown, ns: Record<string, string>): string {
  if (!Array.isArray(list)) return '';
  const elements = (list as Record<string, unknown>[]).map((element) => {
    let body = '';
    const meta = element.sensorMetadata as Record<string, unknown> | undefined;
    if (meta) {
      const inner =
        SENSOR_METADATA_ORDER.map((k) =>
          k.toLowerCase().includes('time') ? time(k, meta[k] as Text) : pair(k, meta[k] as Text),
        ).join('') + extensionEntries(meta as Record<string, ExtensionValue>, ns, new Set(SENSOR_METADATA_ORDER), true);
      if (inner) body += 'sensorMetadata' + inner;
    }
    const reports = asArray(element.sensorReport as Record<string, unknown>[] | undefined).map((report) => {
      const inner =
        SENSOR_REPORT_ORDER.map((k) => {
          const v = report[k];
          if (k === 'time') return time(k, v as Text);
          const vocabulary = SENSOR_VOCABULARY[k];
          if (vocabulary && typeof v === 'string') return term(k, v, vocabulary);
          return pair(k, v as Text);
        }).join('') +
        extensionEntries(report as Record<string, ExtensionValue>, ns, new Set(SENSOR_REPORT_ORDER), true);
      return inner ? 'sensorReport' + inner : '';
    });
    body += sortedJoin(reports);
    body += extensionEntries(
      element as Record<string, ExtensionValue>,
      ns,
      new Set(['sensorMetadata', 'sensorReport']),
    );
    return body ? 'sensorElement' + body : '';
  });
  const inner = sortedJoin(elements);
  return inner ? 'sensorElementList' + inner : '';
}

/**
 * Unprefixed sensor properties outside the canonical order (e.g. `bizRules` on a sensorReport): the reference
 * algorithm leaves them in place during the ordered pass and emits them with the remaining properties, under their
 * full element path.
 */
function sensorLeftovers(list: unknown): string {
  if (!Array.isArray(list)) return '';
  const metadataKeys = new Set<string>(SENSOR_METADATA_ORDER);
  const reportKeys = new Set<string>(SENSOR_REPORT_ORDER);
  const plain = (obj: Record<string, unknown>, known: Set<string>) =>
    sortedJoin(
      Object.entries(obj)
        .filter(([k, v]) => !known.has(k) && !k.includes(':') && !k.startsWith('@') && v !== undefined)
        .map(([k, v]) => pair(k, v as Text)),
    );
  const elements = (list as Record<string, unknown>[]).map((element) => {
    const meta = element.sensorMetadata as Record<string, unknown> | undefined;
    const metaRest = meta ? plain(meta, metadataKeys) : '';
    const reports = sortedJoin(
      asArray(element.sensorReport as Record<string, unknown>[] | undefined).map((r) => {
        const inner = plain(r, reportKeys);
        return inner ? 'sensorReport' + inner : '';
      }),
    );
    const body = (metaRest ? 'sensorMetadata' + metaRest : '') + reports;
    return body ? 'sensorElement' + body : '';
  });
  const inner = sortedJoin(elements);
  return inner ? 'sensorElementList' + inner : '';
}

/** The sorted pre-hash strings of the extension members of an object (keys not in `standard`). */
function extensionEntries(
  obj: Record<string, ExtensionValue>,
  ns: Record<string, string>,
  standard: Set<string>,
  prefixedOnly = false,
): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (standard.has(key) || value === undefined || key.startsWith('@')) continue;
    if (prefixedOnly && !key.includes(':')) continue;
    parts.push(...extension(key, value, ns));
  }
  return sortedJoin(parts);
}

/** `{namespace}local=value` for a user extension; nested elements recursively; a repetition gives one string each. */
function extension(key: string, value: ExtensionValue, ns: Record<string, string>): string[] {
  const name = expandedName(key, ns);
  if (Array.isArray(value)) return value.flatMap((v) => extension(key, v, ns));
  if (value !== null && typeof value === 'object') {
    // An element with attributes keeps its text under '#text': `{ns}local=text` followed by its members.
    const text = typeof value['#text'] === 'string' ? pair('', value['#text']) : '';
    return [name + text + extensionEntries(value, ns, new Set(['#text']))];
  }
  const text = canonicalValue(String(value));
  return [text === '' ? name : `${name}=${text}`];
}

function expandedName(key: string, ns: Record<string, string>): string {
  const colon = key.indexOf(':');
  if (colon > 0) {
    const uri = ns[key.slice(0, colon)];
    if (uri !== undefined) return `{${uri}}${key.slice(colon + 1)}`;
  }
  return key;
}

/** Value canonicalisation: trim, CBV URN → Web URI, number normalisation, EPC/DL → canonical Digital Link. */
export function canonicalValue(raw: string): string {
  const text = raw.trim();
  if (text === '') return '';
  const web = cbvUrnToWebUri(text);
  const numeric = canonicalNumber(web);
  if (numeric !== null) return numeric;
  return canonicalDigitalLink(web) ?? web;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A numeric text as the reference implementation prints it (CBV 2.0 §8.9 rule for numbers): parsed as a binary
 * double, integers without a fraction (`26.0` → `26`), others in shortest round-trip form (`0.050` → `0.05`).
 * Null when the text is not a number.
 */
export function canonicalNumber(text: string): string | null {
  if (!NUMBER.test(text)) return null;
  const n = Number(text);
  if (!Number.isFinite(n)) return null;
  if (Number.isInteger(n)) return BigInt(n).toString();
  const abs = Math.abs(n);
  if (abs >= 1e-4) return String(n);
  // Python prints small magnitudes as 1e-05 where JavaScript prints 0.00001.
  const [mantissa = '', exponent = ''] = n.toExponential().split('e');
  const sign = exponent.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** A date-time in UTC at millisecond precision, rounded half up (CBV 2.0 §8.9 rule for timestamps). */
export function canonicalTimestamp(text: string): string {
  const m = TIMESTAMP.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s = '0', frac = '', zone = 'Z'] = m;
  const fraction = (frac + '0000').slice(0, 4);
  let ms = Math.floor(Number(fraction) / 10);
  if (Number(fraction[3]) >= 5) ms += 1;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  const epoch =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) + ms - offsetMinutes * 60_000;
  if (!Number.isFinite(epoch)) return text;
  return new Date(epoch).toISOString();
}
