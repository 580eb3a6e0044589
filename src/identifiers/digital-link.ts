import { lookupAi } from './ai-table.ts';
import type { AiEntrySpec } from './ai-types.ts';
import { Gs1Error } from './errors.ts';
import { type AiElement, requireAi, validateAiValue, validateAssociations, withoutDuplicates } from './validate.ts';

/** The canonical GS1 Digital Link host (GS1 Digital Link URI Syntax 1.4 §4.11). */
export const CANONICAL_DL_STEM = 'https://id.gs1.org';

/** Convenience alphas of GS1 Digital Link 1.0/1.1 (URI Syntax §4.7), accepted on parse only when enabled. */
export const DL_CONVENIENCE_ALPHAS: Readonly<Record<string, string>> = {
  gtin: '01',
  itip: '8006',
  cpid: '8010',
  gln: '414',
  party: '417',
  gsrnp: '8017',
  gsrn: '8018',
  gcn: '255',
  sscc: '00',
  gdti: '253',
  ginc: '401',
  gsin: '402',
  giai: '8004',
  grai: '8003',
  gmn: '8013',
  cpv: '22',
  lot: '10',
  ser: '21',
  glnx: '254',
  cpsn: '8011',
  srin: '8019',
  tpx: '235',
  exp: '17',
  expdt: '7003',
};

export interface DigitalLinkParseOptions {
  /** Accept `/gtin/…`, `/lot/…` and the other short names (off by default, as in GS1's Syntax Engine). */
  readonly permitConvenienceAlphas?: boolean;
  /** Accept GTIN-8/12/13 in (01) and zero-pad them to 14 digits (off by default, as in GS1's Syntax Engine). */
  readonly permitZeroSuppressedGtin?: boolean;
}

/** A parsed GS1 Digital Link URI. */
export interface DigitalLink {
  /** Scheme, host and any path before the primary key, e.g. `https://example.com/shop`. */
  readonly stem: string;
  readonly primaryKey: AiElement;
  /** Key qualifiers from the path, in the dictionary's order. */
  readonly qualifiers: AiElement[];
  /** AI data attributes from the query string, in the order given. */
  readonly attributes: AiElement[];
  /** Query parameters that are not AIs (`linkType`, `context`, …), in the order given; singletons have value ''. */
  readonly otherParams: [string, string][];
  /** All AI elements: key, qualifiers, then attributes. */
  readonly elements: AiElement[];
}

const URI_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const MAX_URI_LENGTH = 8192;

/**
 * Parses and validates a GS1 Digital Link URI (GS1 Digital Link URI Syntax 1.4 §4 and §6): any http(s) host and
 * path stem, the primary key found from the end of the path, key qualifiers in the Syntax Dictionary's order
 * (`dlpkey`), query AIs that the dictionary flags as data attributes, other query parameters kept. Every AI value
 * and association is validated. Throws Gs1Error naming the offending AI and the reason.
 */
export function parseDigitalLink(uri: string, options: DigitalLinkParseOptions = {}): DigitalLink {
  if (uri.length > MAX_URI_LENGTH) throw new Gs1Error('syntax', 'URI is too long');
  if (!URI_CHARS.test(uri)) throw new Gs1Error('syntax', 'URI contains characters that must be percent-encoded');
  const scheme = /^(http|https|HTTP|HTTPS):\/\//.exec(uri);
  if (!scheme) throw new Gs1Error('syntax', 'a Digital Link URI starts with http:// or https://');
  let rest = uri.slice(scheme[0].length);
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) rest = rest.slice(0, hashAt);
  const queryAt = rest.indexOf('?');
  const query = queryAt >= 0 ? rest.slice(queryAt + 1) : '';
  if (queryAt >= 0) rest = rest.slice(0, queryAt);
  const slash = rest.indexOf('/');
  if (slash < 0) throw new Gs1Error('syntax', 'the URI has no path');
  const host = rest.slice(0, slash);
  if (!HOST.test(host)) throw new Gs1Error('syntax', 'invalid host');
  const segments = rest.slice(slash + 1).split('/');
  if (segments.some((s) => s === '')) throw new Gs1Error('syntax', 'empty path segment');

  // The primary key is the last path pair whose AI is a dlpkey; every pair after it must name an AI.
  const aiOf = (segment: string): string | undefined => {
    if (/^\d{2,4}$/.test(segment)) return lookupAi(segment) ? segment : undefined;
    return options.permitConvenienceAlphas ? DL_CONVENIENCE_ALPHAS[segment] : undefined;
  };
  let keyAt = -1;
  for (let i = segments.length - 2; i >= 0; i -= 2) {
    const ai = aiOf(segments[i]!);
    if (ai === undefined) {
      const s = segments[i]!;
      if (/^\d+$/.test(s))
        throw new Gs1Error('unknown_ai', 'not an Application Identifier in the GS1 Barcode Syntax Dictionary', s);
      break;
    }
    if (lookupAi(ai)?.dlPrimaryKey) {
      keyAt = i;
      break;
    }
  }
  if (keyAt < 0) throw new Gs1Error('not_a_primary_key', 'no GS1 Digital Link primary key in the URI path');

  const pathElements: AiElement[] = [];
  for (let i = keyAt; i < segments.length; i += 2) {
    const ai = aiOf(segments[i]!)!;
    let value = percentDecode(segments[i + 1]!, false, ai);
    if (i === keyAt && ai === '01' && options.permitZeroSuppressedGtin && /^(\d{8}|\d{12}|\d{13})$/.test(value))
      value = value.padStart(14, '0');
    pathElements.push({ ai, value });
  }
  const [primaryKey, ...qualifiers] = pathElements as [AiElement, ...AiElement[]];
  const keyEntry = requireAi(primaryKey.ai);
  const alternatives = matchingAlternatives(
    keyEntry,
    qualifiers.map((q) => q.ai),
  );
  if (alternatives.length === 0) {
    const bad = qualifiers.map((q) => q.ai).find((ai) => !keyEntry.dlPrimaryKey!.some((alt) => alt.includes(ai)));
    throw new Gs1Error(
      'bad_qualifier',
      bad === undefined
        ? `key qualifiers of (${primaryKey.ai}) must follow the order ${describeAlternatives(keyEntry)}`
        : `is not a key qualifier of (${primaryKey.ai}); allowed: ${describeAlternatives(keyEntry)}`,
      bad ?? qualifiers[0]?.ai,
    );
  }
  const pathQualifierAis = new Set(alternatives.flat());

  const attributes: AiElement[] = [];
  const otherParams: [string, string][] = [];
  const seen = new Set(pathElements.map((e) => e.ai));
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      otherParams.push([part, '']);
      continue;
    }
    const key = part.slice(0, eq);
    let ai: string | undefined;
    if (/^\d+$/.test(key)) {
      if (!lookupAi(key))
        throw new Gs1Error('unknown_ai', 'not an Application Identifier in the GS1 Barcode Syntax Dictionary', key);
      ai = key;
    } else if (options.permitConvenienceAlphas) {
      ai = DL_CONVENIENCE_ALPHAS[key];
    }
    if (ai === undefined) {
      otherParams.push([key, percentDecode(part.slice(eq + 1), true)]);
      continue;
    }
    let value = percentDecode(part.slice(eq + 1), true, ai);
    if (value === '') throw new Gs1Error('invalid_value', 'value is empty', ai);
    if (ai === '01' && options.permitZeroSuppressedGtin && /^(\d{8}|\d{12}|\d{13})$/.test(value))
      value = value.padStart(14, '0');
    if (!requireAi(ai).dlDataAttribute)
      throw new Gs1Error('not_a_dl_attribute', 'is not permitted as a Digital Link data attribute (query string)', ai);
    if (pathQualifierAis.has(ai))
      throw new Gs1Error('bad_qualifier', `is a key qualifier of (${primaryKey.ai}) and belongs in the path`, ai);
    if (seen.has(ai)) throw new Gs1Error('duplicate_ai', 'appears more than once in the Digital Link', ai);
    seen.add(ai);
    attributes.push({ ai, value });
  }

  const elements = [...pathElements, ...attributes];
  for (const e of elements) validateAiValue(e.ai, e.value);
  validateAssociations(elements);
  const stemPath = segments.slice(0, keyAt).join('/');
  const stem = `${scheme[1]!.toLowerCase()}://${host}${stemPath === '' ? '' : `/${stemPath}`}`;
  return { stem, primaryKey, qualifiers, attributes, otherParams, elements };
}

/** The qualifier sequences of a primary key that `qualifiers` follows in order (empty when none). */
function matchingAlternatives(entry: AiEntrySpec, qualifiers: readonly string[]): (readonly string[])[] {
  return (entry.dlPrimaryKey ?? []).filter((alt) => {
    let at = 0;
    for (const q of qualifiers) {
      const found = alt.indexOf(q, at);
      if (found < 0) return false;
      at = found + 1;
    }
    return true;
  });
}

function describeAlternatives(entry: AiEntrySpec): string {
  const alts = (entry.dlPrimaryKey ?? []).filter((a) => a.length > 0);
  return alts.length === 0 ? 'none' : alts.map((a) => a.map((q) => `(${q})`).join(' ')).join(' | ');
}

/** Percent-decodes a path segment or query value (RFC 3986 §2.1; `+` is a space only in the query). */
function percentDecode(text: string, isQuery: boolean, ai?: string): string {
  const s = isQuery ? text.replace(/\+/g, ' ') : text;
  if (!s.includes('%')) return s;
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) throw new Gs1Error('syntax', 'invalid percent-encoding', ai);
  try {
    return decodeURIComponent(s);
  } catch {
    throw new Gs1Error('syntax', 'percent-encoding is not valid UTF-8', ai);
  }
}

/** Percent-encodes an AI value for a Digital Link path segment: all but RFC 3986 unreserved characters. */
export function escapeDlPathValue(value: string): string {
  return encodeUnreserved(value);
}

/** Percent-encodes an AI value for a Digital Link query string: as the path, but a space becomes `+`. */
export function escapeDlQueryValue(value: string): string {
  return encodeUnreserved(value).replace(/%20/g, '+');
}

function encodeUnreserved(value: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(value)) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export interface BuildDigitalLinkOptions {
  /** Scheme, host and optional path prefix; defaults to `https://id.gs1.org`. A trailing `/` is dropped. */
  readonly stem?: string | null;
  /** Non-AI query parameters (`linkType`, `context`, …) appended after the AI attributes. */
  readonly otherParams?: readonly (readonly [string, string])[];
}

/**
 * Builds a GS1 Digital Link URI from AI elements (GS1 Digital Link URI Syntax 1.4 §4, as GS1's Syntax Engine does):
 * the first primary-key AI in the data goes in the path with the qualifiers of its best-matching sequence in order;
 * every other AI must be a DL data attribute and goes in the query string, pre-defined-length AIs first, each group
 * in data order. Identical repeated AIs are merged. Throws Gs1Error naming the AI that does not fit.
 */
export function buildDigitalLink(elements: readonly AiElement[], options: BuildDigitalLinkOptions = {}): string {
  for (const e of elements) validateAiValue(e.ai, e.value);
  const unique = withoutDuplicates(elements);
  validateAssociations(unique);
  const { primaryKey, qualifiers, attributes } = arrangeForDigitalLink(unique);
  let stem = options.stem ?? CANONICAL_DL_STEM;
  if (stem === '') stem = CANONICAL_DL_STEM;
  while (stem.endsWith('/')) stem = stem.slice(0, -1);
  let uri = `${stem}/${primaryKey.ai}/${escapeDlPathValue(primaryKey.value)}`;
  for (const q of qualifiers) uri += `/${q.ai}/${escapeDlPathValue(q.value)}`;
  const params = [
    ...attributes.map((a) => `${a.ai}=${escapeDlQueryValue(a.value)}`),
    ...(options.otherParams ?? []).map(([k, v]) =>
      v === '' ? escapeDlQueryValue(k) : `${escapeDlQueryValue(k)}=${escapeDlQueryValue(v)}`,
    ),
  ];
  return params.length > 0 ? `${uri}?${params.join('&')}` : uri;
}

/** Splits validated elements into primary key, path qualifiers and query attributes (see buildDigitalLink). */
export function arrangeForDigitalLink(elements: readonly AiElement[]): {
  primaryKey: AiElement;
  qualifiers: AiElement[];
  attributes: AiElement[];
} {
  const primaryKey = elements.find((e) => lookupAi(e.ai)?.dlPrimaryKey);
  if (!primaryKey) throw new Gs1Error('not_a_primary_key', 'the data has no GS1 Digital Link primary key');
  const entry = requireAi(primaryKey.ai);
  const present = new Map(elements.map((e) => [e.ai, e]));
  let best: readonly string[] = [];
  let bestCount = 0;
  for (const alt of entry.dlPrimaryKey ?? []) {
    const count = alt.filter((q) => present.has(q)).length;
    if (count > bestCount) {
      best = alt;
      bestCount = count;
    }
  }
  const qualifiers = best.filter((q) => present.has(q)).map((q) => present.get(q)!);
  const inPath = new Set([primaryKey.ai, ...qualifiers.map((q) => q.ai)]);
  const rest = elements.filter((e) => !inPath.has(e.ai));
  for (const e of rest)
    if (!requireAi(e.ai).dlDataAttribute)
      throw new Gs1Error(
        'not_a_dl_attribute',
        `cannot be expressed in a Digital Link with primary key (${primaryKey.ai})`,
        e.ai,
      );
  const predefined = (e: AiElement) => requireAi(e.ai).predefinedLength;
  const attributes = [...rest.filter(predefined), ...rest.filter((e) => !predefined(e))];
  return { primaryKey, qualifiers, attributes };
}

/**
 * The canonical GS1 Digital Link URI (URI Syntax 1.4 §4.11) of a Digital Link or of AI elements: host
 * `https://id.gs1.org`, GTIN as 14 digits, qualifiers in order, AI attributes sorted by AI, non-AI parameters
 * dropped. Convenience alphas and zero-suppressed GTINs are accepted in the input.
 */
export function canonicalDigitalLink(input: string | readonly AiElement[]): string {
  const elements =
    typeof input === 'string'
      ? parseDigitalLink(input, { permitConvenienceAlphas: true, permitZeroSuppressedGtin: true }).elements
      : input;
  for (const e of elements) validateAiValue(e.ai, e.value);
  const unique = withoutDuplicates(elements);
  validateAssociations(unique);
  const { primaryKey, qualifiers, attributes } = arrangeForDigitalLink(unique);
  const sorted = [...attributes].sort((a, b) => (a.ai < b.ai ? -1 : a.ai > b.ai ? 1 : 0));
  let uri = `${CANONICAL_DL_STEM}/${primaryKey.ai}/${escapeDlPathValue(primaryKey.value)}`;
  for (const q of qualifiers) uri += `/${q.ai}/${escapeDlPathValue(q.value)}`;
  return sorted.length > 0 ? `${uri}?${sorted.map((a) => `${a.ai}=${escapeDlQueryValue(a.value)}`).join('&')}` : uri;
}
