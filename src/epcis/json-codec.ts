import { EpcisValidationError } from './errors.ts';
import type { EpcisDocument, EpcisEvent, MasterData, ParsedDocument } from './model.ts';
import { STANDARD_NAMESPACES } from './namespaces.ts';
import { toModelTerm, type VocabularyName } from './vocabulary.ts';

/** The JSON-LD context URLs that mean the EPCIS 2.0 context (served from the bundled copy, never fetched). */
export const EPCIS_CONTEXT_URLS = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  'https://ref.gs1.org/standards/epcis/epcis-context.jsonld',
  'https://gs1.github.io/EPCIS/epcis-context.jsonld',
] as const;

/**
 * `JSON.parse` after a linear pre-scan that refuses nesting deeper than `maxDepth` (V8's recursive parser would
 * otherwise spend stack and memory on hostile input). A leading UTF-8 BOM is tolerated.
 */
export function parseJsonBounded(text: string, maxDepth = 64): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth)
        throw new EpcisValidationError([
          { field: 'json', message: `JSON nested deeper than ${maxDepth} levels`, kind: 'security' },
        ]);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  try {
    return JSON.parse(body) as unknown;
  } catch (e) {
    throw new EpcisValidationError([{ field: 'json', message: (e as Error).message, kind: 'syntax' }]);
  }
}

/** prefix → namespace URI declared in a JSON-LD `@context` (string-valued terms that are not keywords). */
export function contextNamespaces(context: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (c: unknown) => {
    if (Array.isArray(c)) c.forEach(visit);
    else if (c && typeof c === 'object') {
      for (const [k, v] of Object.entries(c as Record<string, unknown>)) {
        if (!k.startsWith('@') && typeof v === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(v)) out[k] = v;
      }
    }
  };
  visit(context);
  return out;
}

function normaliseTerm(obj: Record<string, unknown>, key: string, vocabulary: VocabularyName): void {
  const v = obj[key];
  if (typeof v === 'string') obj[key] = toModelTerm(v, vocabulary);
}

/**
 * Puts a JSON-LD event into the canonical model in place: standard CBV values written as Web URIs or CURIEs become
 * bare words. Everything else is already in model shape.
 */
export function normaliseJsonEvent(event: Record<string, unknown>): EpcisEvent {
  normaliseTerm(event, 'bizStep', 'bizStep');
  normaliseTerm(event, 'disposition', 'disposition');
  const pd = event.persistentDisposition as Record<string, unknown> | undefined;
  if (pd && typeof pd === 'object') {
    for (const k of ['set', 'unset'])
      if (Array.isArray(pd[k]))
        pd[k] = (pd[k] as unknown[]).map((v) => (typeof v === 'string' ? toModelTerm(v, 'disposition') : v));
  }
  const lists: [string, VocabularyName][] = [
    ['bizTransactionList', 'bizTransactionType'],
    ['sourceList', 'sourceDestinationType'],
    ['destinationList', 'sourceDestinationType'],
  ];
  for (const [list, vocabulary] of lists) {
    const entries = event[list];
    if (Array.isArray(entries))
      for (const entry of entries)
        if (entry && typeof entry === 'object') normaliseTerm(entry as Record<string, unknown>, 'type', vocabulary);
  }
  const declaration = event.errorDeclaration as Record<string, unknown> | undefined;
  if (declaration && typeof declaration === 'object') normaliseTerm(declaration, 'reason', 'errorReason');
  const sensors = event.sensorElementList;
  if (Array.isArray(sensors)) {
    for (const element of sensors as Record<string, unknown>[]) {
      const reports = element?.sensorReport;
      if (!Array.isArray(reports)) continue;
      for (const r of reports as Record<string, unknown>[]) {
        if (!r || typeof r !== 'object') continue;
        normaliseTerm(r, 'type', 'measurementType');
        normaliseTerm(r, 'exception', 'sensorAlertType');
        normaliseTerm(r, 'component', 'component');
      }
    }
  }
  return event as unknown as EpcisEvent;
}

/** The events of an EPCISDocument or EPCISQueryDocument in JSON-LD form (empty when it has none). */
export function jsonEventList(doc: Record<string, unknown>): unknown[] | undefined {
  const body = doc.epcisBody as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return undefined;
  if (Array.isArray(body.eventList)) return body.eventList as unknown[];
  const results = body.queryResults as Record<string, unknown> | undefined;
  const resultsBody = results?.resultsBody as Record<string, unknown> | undefined;
  if (Array.isArray(resultsBody?.eventList)) return resultsBody.eventList as unknown[];
  return undefined;
}

/** Reads an already schema-checked JSON-LD document into the canonical model. */
export function readJsonDocument(doc: Record<string, unknown>): ParsedDocument {
  const events = (jsonEventList(doc) ?? []).map((e) => normaliseJsonEvent(e as Record<string, unknown>));
  const header = doc.epcisHeader as Record<string, unknown> | undefined;
  const masterData = header?.epcisMasterData as MasterData | undefined;
  const namespaces = contextNamespaces(doc['@context']);
  for (const e of events) {
    const ctx = (e as Record<string, unknown>)['@context'];
    if (ctx !== undefined) Object.assign(namespaces, contextNamespaces(ctx));
  }
  const hashIgnoreFields: string[] = [];
  const body = doc.epcisBody as Record<string, unknown> | undefined;
  const holders = [
    doc,
    body,
    body?.queryResults,
    (body?.queryResults as Record<string, unknown> | undefined)?.resultsBody,
  ];
  const declared = holders.flatMap((h) => (h && typeof h === 'object' ? Object.entries(h) : []));
  for (const [key, value] of declared) {
    if (!key.endsWith(':ignoreFields') || !Array.isArray(value)) continue;
    for (const name of value) {
      if (typeof name !== 'string') continue;
      const colon = name.indexOf(':');
      const uri =
        colon > 0 ? (namespaces[name.slice(0, colon)] ?? STANDARD_NAMESPACES[name.slice(0, colon)]) : undefined;
      hashIgnoreFields.push(uri === undefined ? name : `{${uri}}${name.slice(colon + 1)}`);
    }
  }
  return {
    document: doc as unknown as EpcisDocument,
    events,
    namespaces,
    ...(hashIgnoreFields.length ? { hashIgnoreFields } : {}),
    ...(masterData ? { masterData } : {}),
    schemaVersion: typeof doc.schemaVersion === 'string' ? doc.schemaVersion : '2.0',
  };
}
