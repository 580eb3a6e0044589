import { withCheckDigit } from './check-digit.ts';
import { DL_CONVENIENCE_ALPHAS } from './digital-link.ts';

/**
 * EPC URN ⇄ GS1 Digital Link for the identifiers EPCIS events carry (GS1 EPC Tag Data Standard 2.x §6–§7 URN
 * schemes; GS1 Digital Link URI Syntax 1.x), and the "constrained canonical" Digital Link that the CBV 2.0 §8.9
 * event hash uses: domain `https://id.gs1.org`, no query string, only the finest key level (`01+10+21` → `01+21`,
 * `22` dropped).
 */

export const CANONICAL_DL_DOMAIN = 'https://id.gs1.org';

/** Digital Link short names (GS1 DL 1.0 compatibility) → AI. */
const SHORT_NAMES: Readonly<Record<string, string>> = DL_CONVENIENCE_ALPHAS;

/** Primary key AI → the value syntax and the qualifiers allowed after it in a Digital Link path. */
const PRIMARY_KEYS: Record<string, { pattern: RegExp; qualifiers: readonly string[] }> = {
  '01': { pattern: /^(\d{8}|\d{12}|\d{13}|\d{14})$/, qualifiers: ['22', '10', '21', '235'] },
  '8006': { pattern: /^\d{18}$/, qualifiers: ['22', '10', '21'] },
  '8010': { pattern: /^[\x21-\x7e]{1,30}$/, qualifiers: ['8011'] },
  '414': { pattern: /^\d{13}$/, qualifiers: ['254', '7040'] },
  '417': { pattern: /^\d{13}$/, qualifiers: [] },
  '8017': { pattern: /^\d{18}$/, qualifiers: ['8019'] },
  '8018': { pattern: /^\d{18}$/, qualifiers: ['8019'] },
  '255': { pattern: /^\d{13}\d{0,12}$/, qualifiers: [] },
  '00': { pattern: /^\d{18}$/, qualifiers: [] },
  '253': { pattern: /^\d{13}[\x21-\x7e]{0,17}$/, qualifiers: [] },
  '401': { pattern: /^[\x21-\x7e]{1,30}$/, qualifiers: [] },
  '402': { pattern: /^\d{17}$/, qualifiers: [] },
  '8004': { pattern: /^[\x21-\x7e]{1,30}$/, qualifiers: [] },
  '8003': { pattern: /^0\d{13}[\x21-\x7e]{0,16}$/, qualifiers: [] },
  '8013': { pattern: /^[\x21-\x7e]{1,25}$/, qualifiers: [] },
};

const QUALIFIER_PATTERNS: Record<string, RegExp> = {
  '22': /^[\x21-\x7e]{1,20}$/,
  '10': /^[\x21-\x7e]{1,20}$/,
  '21': /^[\x21-\x7e]{1,20}$/,
  '235': /^[\x21-\x7e]{1,28}$/,
  '8011': /^\d{1,12}$/,
  '254': /^[\x21-\x7e]{1,20}$/,
  '7040': /^[\x21-\x7e]{4}$/,
  '8019': /^\d{1,10}$/,
};

/** Percent-encodes a key or qualifier value for a Digital Link path: everything but unreserved characters and `'`. */
export function encodeDigitalLinkValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~']/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function decodePercent(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

type Element = [ai: string, value: string];

function toPath(elements: readonly Element[]): string {
  return elements.map(([ai, v]) => `/${ai}/${encodeDigitalLinkValue(v)}`).join('');
}

/** Builds the GS1 key from company prefix + reference digits, with the indicator digit moved to the front. */
function keyWithIndicator(companyPrefix: string, reference: string): string {
  return withCheckDigit(reference.slice(0, 1) + companyPrefix + reference.slice(1));
}

const DIGITS = /^\d+$/;

function serialOf(parts: string[], i: number, isPattern: boolean): string | null | undefined {
  const value = parts[i] ?? '';
  return isPattern && value === '*' ? undefined : decodePercent(value);
}

/**
 * The GS1 element strings of an EPC pure-identity URN (`urn:epc:id:`), class URN (`urn:epc:class:lgtin:`) or
 * pattern URN (`urn:epc:idpat:`, the serial a `*`), or null when the URN is not a GS1-key EPC scheme that maps to a
 * Digital Link (e.g. `gid`, `usdod`, `adi`, `bic`, `imovn`) or is malformed.
 */
export function epcUrnToElements(urn: string): Element[] | null {
  const m = /^urn:epc:(id|class|idpat):([a-z]+):(.*)$/.exec(urn);
  if (!m) return null;
  const [, kind, scheme, body] = m as unknown as [string, string, string, string];
  const parts = body.split('.');
  const cp = parts[0] ?? '';
  if (!DIGITS.test(cp) || cp.length < 6 || cp.length > 12) return null;
  const isPattern = kind === 'idpat';
  if (kind === 'class' && scheme !== 'lgtin') return null;
  // No closures here: this runs for every EPC of every captured event.

  switch (scheme) {
    case 'sgtin':
    case 'lgtin': {
      if (parts.length !== 3 || !DIGITS.test(parts[1] ?? '') || cp.length + (parts[1] ?? '').length !== 13) return null;
      const gtin = keyWithIndicator(cp, parts[1] ?? '');
      const s = serialOf(parts, 2, isPattern);
      if (s === null || s === '') return null;
      return s === undefined
        ? [['01', gtin]]
        : [
            ['01', gtin],
            [scheme === 'lgtin' ? '10' : '21', s],
          ];
    }
    case 'sscc': {
      if (parts.length !== 2 || !DIGITS.test(parts[1] ?? '') || cp.length + (parts[1] ?? '').length !== 17) return null;
      return [['00', keyWithIndicator(cp, parts[1] ?? '')]];
    }
    case 'sgln': {
      if (parts.length !== 3 || !/^\d*$/.test(parts[1] ?? '') || cp.length + (parts[1] ?? '').length !== 12)
        return null;
      const gln = withCheckDigit(cp + (parts[1] ?? ''));
      const ext = serialOf(parts, 2, isPattern);
      if (ext === null || ext === '') return null;
      return ext === undefined || ext === '0'
        ? [['414', gln]]
        : [
            ['414', gln],
            ['254', ext],
          ];
    }
    case 'grai': {
      if (parts.length !== 3 || !/^\d*$/.test(parts[1] ?? '') || cp.length + (parts[1] ?? '').length !== 12)
        return null;
      const s = serialOf(parts, 2, isPattern);
      if (s === null) return null;
      return [['8003', '0' + withCheckDigit(cp + (parts[1] ?? '')) + (s ?? '')]];
    }
    case 'giai': {
      if (parts.length !== 2) return null;
      const r = serialOf(parts, 1, isPattern);
      if (r === null) return null;
      if (r === undefined) return null;
      return [['8004', cp + r]];
    }
    case 'gsrn':
    case 'gsrnp': {
      if (parts.length !== 2 || !DIGITS.test(parts[1] ?? '') || cp.length + (parts[1] ?? '').length !== 17) return null;
      return [[scheme === 'gsrn' ? '8018' : '8017', withCheckDigit(cp + (parts[1] ?? ''))]];
    }
    case 'gdti':
    case 'sgcn': {
      if (parts.length !== 3 || !/^\d*$/.test(parts[1] ?? '') || cp.length + (parts[1] ?? '').length !== 12)
        return null;
      const s = serialOf(parts, 2, isPattern);
      if (s === null) return null;
      return [[scheme === 'gdti' ? '253' : '255', withCheckDigit(cp + (parts[1] ?? '')) + (s ?? '')]];
    }
    case 'cpi': {
      if (parts.length !== 3) return null;
      const ref = decodePercent(parts[1] ?? '');
      const s = serialOf(parts, 2, isPattern);
      if (ref === null || s === null) return null;
      return s === undefined
        ? [['8010', cp + ref]]
        : [
            ['8010', cp + ref],
            ['8011', s],
          ];
    }
    case 'ginc': {
      if (parts.length !== 2) return null;
      const ref = decodePercent(parts[1] ?? '');
      return ref === null ? null : [['401', cp + ref]];
    }
    case 'gsin': {
      if (parts.length !== 2 || !DIGITS.test(parts[1] ?? '') || cp.length + (parts[1] ?? '').length !== 16) return null;
      return [['402', withCheckDigit(cp + (parts[1] ?? ''))]];
    }
    case 'itip': {
      if (parts.length !== 5 || !DIGITS.test(parts[1] ?? '') || cp.length + (parts[1] ?? '').length !== 13) return null;
      if (!/^\d\d$/.test(parts[2] ?? '') || !/^\d\d$/.test(parts[3] ?? '')) return null;
      const key = keyWithIndicator(cp, parts[1] ?? '') + (parts[2] ?? '') + (parts[3] ?? '');
      const s = serialOf(parts, 4, isPattern);
      if (s === null || s === '') return null;
      return s === undefined
        ? [['8006', key]]
        : [
            ['8006', key],
            ['21', s],
          ];
    }
    case 'upui': {
      if (parts.length !== 3 || !DIGITS.test(parts[1] ?? '') || cp.length + (parts[1] ?? '').length !== 13) return null;
      const gtin = keyWithIndicator(cp, parts[1] ?? '');
      const s = serialOf(parts, 2, isPattern);
      if (s === null || s === '') return null;
      return s === undefined
        ? [['01', gtin]]
        : [
            ['01', gtin],
            ['235', s],
          ];
    }
    case 'pgln': {
      if (parts.length !== 2 || !/^\d*$/.test(parts[1] ?? '') || cp.length + (parts[1] ?? '').length !== 12)
        return null;
      return [['417', withCheckDigit(cp + (parts[1] ?? ''))]];
    }
    default:
      return null;
  }
}

/** Parses any GS1 Digital Link URI (any host, optional path prefix, short names, query ignored) to elements. */
export function digitalLinkToElements(uri: string): Element[] | null {
  const m = /^https?:\/\/[^/?#]+((?:\/[^?#]*)?)(?:[?#].*)?$/i.exec(uri);
  if (!m) return null;
  const segments = (m[1] ?? '').split('/').filter((s) => s !== '');
  for (let start = 0; start < segments.length; start++) {
    const seg = segments[start] ?? '';
    const ai = SHORT_NAMES[seg] ?? seg;
    const key = PRIMARY_KEYS[ai];
    if (!key) continue;
    if ((segments.length - start) % 2 !== 0) return null;
    const value = decodePercent(segments[start + 1] ?? '');
    if (value === null || !key.pattern.test(value)) return null;
    const elements: Element[] = [[ai, ai === '01' ? value.padStart(14, '0') : value]];
    for (let i = start + 2; i < segments.length; i += 2) {
      const q = SHORT_NAMES[segments[i] ?? ''] ?? segments[i] ?? '';
      const qValue = decodePercent(segments[i + 1] ?? '');
      const qPattern = QUALIFIER_PATTERNS[q];
      if (!key.qualifiers.includes(q) || qPattern === undefined || qValue === null || !qPattern.test(qValue))
        return null;
      elements.push([q, qValue]);
    }
    return elements;
  }
  return null;
}

/** Keeps the primary key and only its finest qualifier (serial beats lot; CPV is dropped). */
const FINEST_FIRST = ['21', '235', '10', '8011', '254', '8019'] as const;
function constrain(elements: readonly Element[]): Element[] {
  const [primary, ...qualifiers] = elements;
  if (!primary) return [];
  for (const ai of FINEST_FIRST) {
    const q = qualifiers.find((e) => e[0] === ai);
    if (q) return [primary, q];
  }
  return [primary];
}

/**
 * The constrained canonical GS1 Digital Link URI (CBV 2.0 §8.9 rule for identifiers) of an EPC URN (instance,
 * class or pattern) or any GS1 Digital Link URI; null when the value is not a GS1 key in either form.
 */
export function canonicalDigitalLink(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const known = memo.get(value);
  if (known !== undefined) return known;
  let elements: Element[] | null = null;
  if (value.startsWith('urn:epc:')) elements = epcUrnToElements(value);
  else if (/^https?:\/\//i.test(value)) elements = digitalLinkToElements(value);
  const result = elements ? CANONICAL_DL_DOMAIN + toPath(constrain(elements)) : null;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(value, result);
  return result;
}

/** Locations, classes and parties repeat across events; a bounded memo spares re-parsing them. */
const MEMO_LIMIT = 50_000;
const memo = new Map<string, string | null>();

/** The (unconstrained) Digital Link URI of an EPC URN on `https://id.gs1.org`, keeping every element. */
export function epcUrnToDigitalLink(urn: string): string | null {
  const elements = epcUrnToElements(urn);
  return elements ? CANONICAL_DL_DOMAIN + toPath(elements) : null;
}

const URN_ESCAPE = /[^A-Za-z0-9\-._~!'()*+,;:=]/g;
function encodeUrnValue(value: string): string {
  return value.replace(URN_ESCAPE, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join(''),
  );
}

/**
 * The EPC URN of a Digital Link URI (TDS 2.x §7), given the length of the GS1 Company Prefix (6–12), which a
 * Digital Link does not carry. Null for keys or combinations without an EPC scheme.
 */
export function digitalLinkToEpcUrn(uri: string, companyPrefixLength: number): string | null {
  const elements = digitalLinkToElements(uri);
  if (!elements || companyPrefixLength < 6 || companyPrefixLength > 12) return null;
  const [[ai, key] = ['', ''], ...qs] = elements;
  const q = (code: string) => qs.find(([c]) => c === code)?.[1];
  const n = companyPrefixLength;
  const indicatorKey = (k: string) => `${k.slice(1, 1 + n)}.${k.slice(0, 1)}${k.slice(1 + n, -1)}`;
  switch (ai) {
    case '01': {
      const serial = q('21');
      const lot = q('10');
      const tpx = q('235');
      if (serial !== undefined) return `urn:epc:id:sgtin:${indicatorKey(key)}.${encodeUrnValue(serial)}`;
      if (tpx !== undefined) return `urn:epc:id:upui:${indicatorKey(key)}.${encodeUrnValue(tpx)}`;
      if (lot !== undefined) return `urn:epc:class:lgtin:${indicatorKey(key)}.${encodeUrnValue(lot)}`;
      return `urn:epc:idpat:sgtin:${indicatorKey(key)}.*`;
    }
    case '00':
      return `urn:epc:id:sscc:${indicatorKey(key)}`;
    case '414':
      return `urn:epc:id:sgln:${key.slice(0, n)}.${key.slice(n, 12)}.${encodeUrnValue(q('254') ?? '0')}`;
    case '417':
      return `urn:epc:id:pgln:${key.slice(0, n)}.${key.slice(n, 12)}`;
    case '8003':
      return `urn:epc:id:grai:${key.slice(1, 1 + n)}.${key.slice(1 + n, 13)}.${encodeUrnValue(key.slice(14))}`;
    case '8004':
      return `urn:epc:id:giai:${key.slice(0, n)}.${encodeUrnValue(key.slice(n))}`;
    case '8017':
    case '8018':
      return `urn:epc:id:${ai === '8018' ? 'gsrn' : 'gsrnp'}:${key.slice(0, n)}.${key.slice(n, 17)}`;
    case '253':
    case '255':
      return `urn:epc:id:${ai === '253' ? 'gdti' : 'sgcn'}:${key.slice(0, n)}.${key.slice(n, 12)}.${encodeUrnValue(key.slice(13))}`;
    case '8010':
      return q('8011') === undefined
        ? `urn:epc:idpat:cpi:${key.slice(0, n)}.${encodeUrnValue(key.slice(n))}.*`
        : `urn:epc:id:cpi:${key.slice(0, n)}.${encodeUrnValue(key.slice(n))}.${q('8011')}`;
    case '401':
      return `urn:epc:id:ginc:${key.slice(0, n)}.${encodeUrnValue(key.slice(n))}`;
    case '402':
      return `urn:epc:id:gsin:${key.slice(0, n)}.${key.slice(n, 16)}`;
    case '8006': {
      const serial = q('21');
      const base = `${indicatorKey(key.slice(0, 14))}.${key.slice(14, 16)}.${key.slice(16, 18)}`;
      return serial === undefined
        ? `urn:epc:idpat:itip:${base}.*`
        : `urn:epc:id:itip:${base}.${encodeUrnValue(serial)}`;
    }
    default:
      return null;
  }
}
