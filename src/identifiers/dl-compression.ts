import { AI_ENTRIES } from './ai-table.generated.ts';
import { lookupAi } from './ai-table.ts';
import type { AiEntrySpec } from './ai-types.ts';
import { buildDigitalLink, escapeDlPathValue, escapeDlQueryValue, parseDigitalLink } from './digital-link.ts';
import { Gs1Error } from './errors.ts';
import type { AiElement } from './validate.ts';

/**
 * GS1 Digital Link URI compression (GS1 Digital Link: Compression, the algorithm of GS1's
 * GS1DigitalLinkCompressionPrototype): AI data as a bit string — each AI as 4-bit digits (or an 8-bit optimisation
 * code for a common AI sequence), numeric values in binary, alphanumeric values with a 3-bit encoding indicator
 * (numeric, lower or upper hexadecimal, base64url, 7-bit ASCII), non-GS1 query parameters after a 4-bit `F` flag —
 * written as one base64url path segment. Value formats come from the Syntax Dictionary components.
 */

/** Optimisation codes of the GS1 Digital Link compression algorithm: 8-bit code → AI sequence. */
const OPTIMISATIONS: readonly (readonly [string, readonly string[]])[] = [
  ['0A', ['01', '22']],
  ['0B', ['01', '10']],
  ['0C', ['01', '21']],
  ['0D', ['01', '17']],
  ['0E', ['01', '7003']],
  ['0F', ['01', '30']],
  ['1A', ['01', '10', '21', '17']],
  ['1B', ['01', '15']],
  ['1C', ['01', '11']],
  ['1D', ['01', '16']],
  ['1E', ['01', '91']],
  ['1F', ['01', '10', '15']],
  ...[0, 1, 2, 3, 4, 5].map((d) => [`2${'ABCDEF'[d]}`, ['01', `310${d}`]] as const),
  ...[0, 1, 2, 3, 4, 5].map((d) => [`3${'ABCDEF'[d]}`, ['01', `320${d}`]] as const),
  ['9A', ['8010', '8011']],
  ['9B', ['8017', '8019']],
  ['9C', ['8018', '8019']],
  ['9D', ['414', '254']],
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => [`A${d}`, ['01', `392${d}`]] as const),
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => [`C${d}`, ['255', `390${d}`]] as const),
  ...[0, 1, 2, 3].map((d) => [`C${'ABCD'[d]}`, ['255', `394${d}`]] as const),
];
const OPTIMISATION_BY_CODE = new Map(OPTIMISATIONS);

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789ABCDEF';

/** A value part as the compression encodes it: numeric or alphanumeric, fixed or variable length. */
interface Part {
  readonly numeric: boolean;
  readonly fixed: boolean;
  readonly length: number;
}

/**
 * Folds Syntax Dictionary components into compression parts: consecutive mandatory fixed numeric components join;
 * optional numeric components join into one variable part; consecutive alphanumeric components join.
 */
function partsOf(entry: AiEntrySpec): Part[] {
  const parts: Part[] = [];
  for (const c of entry.components) {
    const numeric = c.cset === 'N';
    const fixed = !c.optional && c.min === c.max;
    const last = parts[parts.length - 1];
    if (last && numeric && last.numeric && fixed && last.fixed) {
      parts[parts.length - 1] = { numeric, fixed, length: last.length + c.max };
    } else if (last && numeric && last.numeric && !fixed && !last.fixed) {
      parts[parts.length - 1] = { numeric, fixed: false, length: last.length + c.max };
    } else if (last && !numeric && !last.numeric) {
      parts[parts.length - 1] = { numeric, fixed: fixed && last.fixed, length: last.length + c.max };
    } else {
      parts.push({ numeric, fixed, length: c.max });
    }
  }
  return parts;
}

/** AI length by its first two digits (GS1 General Specifications §3.2: AIs are prefix-free). */
const AI_LENGTH_BY_PREFIX = new Map(AI_ENTRIES.map((e) => [e.ai.slice(0, 2), e.ai.length]));

const lengthBits = (max: number) => Math.ceil(Math.log2(max) + 0.01);
const numericBits = (digits: number) => Math.ceil((digits * Math.log(10)) / Math.log(2) + 0.01);
const pad = (bits: string, n: number) => bits.padStart(n, '0');

function encoding(text: string): number {
  if (/^[0-9]+$/.test(text)) return 0;
  if (/^[0-9A-F]+$/.test(text)) return 2;
  if (/^[0-9a-f]+$/.test(text)) return 1;
  if (/^[A-Za-z0-9_-]+$/.test(text)) return 3;
  return 4;
}

function encodeText(text: string, lengthField: string): string {
  const enc = encoding(text);
  let bits = pad(enc.toString(2), 3) + lengthField;
  switch (enc) {
    case 0:
      return bits + pad(BigInt(text).toString(2), numericBits(text.length));
    case 1:
    case 2:
      for (const ch of text.toUpperCase()) bits += pad(HEX.indexOf(ch).toString(2), 4);
      return bits;
    case 3:
      for (const ch of text) bits += pad(BASE64URL.indexOf(ch).toString(2), 6);
      return bits;
    default:
      for (const ch of text) {
        const code = ch.charCodeAt(0);
        if (code > 127) throw new Gs1Error('compression', `character ${JSON.stringify(ch)} cannot be compressed`);
        bits += pad(code.toString(2), 7);
      }
      return bits;
  }
}

function encodeValue(ai: string, value: string): string {
  const entry = lookupAi(ai)!;
  let bits = '';
  let pos = 0;
  for (const part of partsOf(entry)) {
    if (pos >= value.length && !part.fixed) {
      if (part.numeric) bits += pad('0', lengthBits(part.length)) + '0';
      else bits += '100' + pad('0', lengthBits(part.length));
      continue;
    }
    const text = part.fixed ? value.slice(pos, pos + part.length) : value.slice(pos, pos + part.length);
    pos += text.length;
    if (part.numeric && part.fixed) bits += pad(BigInt(text).toString(2), numericBits(part.length));
    else if (part.numeric)
      bits +=
        pad(text.length.toString(2), lengthBits(part.length)) + pad(BigInt(text).toString(2), numericBits(text.length));
    else bits += encodeText(text, part.fixed ? '' : pad(text.length.toString(2), lengthBits(part.length)));
  }
  return bits;
}

const nibbles = (code: string) => [...code].map((h) => pad(parseInt(h, 16).toString(2), 4)).join('');

/** Bits for AI elements and non-AI pairs (exported for tests). */
export function compressToBits(
  elements: readonly AiElement[],
  otherParams: readonly (readonly [string, string])[],
  optimise: boolean,
): string {
  const values = new Map(elements.map((e) => [e.ai, e.value]));
  const remaining = [...values.keys()].sort();
  let bits = '';
  if (optimise) {
    for (;;) {
      let best: (typeof OPTIMISATIONS)[number] | undefined;
      for (const candidate of OPTIMISATIONS) {
        if (!candidate[1].every((ai) => remaining.includes(ai))) continue;
        if (!best || candidate[1].join('').length > best[1].join('').length) best = candidate;
      }
      if (!best) break;
      bits += nibbles(best[0]);
      for (const ai of best[1]) {
        bits += encodeValue(ai, values.get(ai)!);
        remaining.splice(remaining.indexOf(ai), 1);
      }
    }
  }
  for (const ai of remaining) bits += nibbles(ai) + encodeValue(ai, values.get(ai)!);
  for (const [key, value] of otherParams) {
    bits += '1111' + pad(key.length.toString(2), 7);
    for (const ch of key) bits += pad(BASE64URL.indexOf(ch).toString(2), 6);
    bits += encodeText(value, pad(value.length.toString(2), 7));
  }
  return bits;
}

const compressiblePair = ([key, value]: readonly [string, string]) =>
  /^[A-Za-z0-9_-]{1,127}$/.test(key) && value.length > 0 && value.length <= 127 && /^[\x00-\x7f]*$/.test(value);

export interface CompressOptions {
  /** Use the optimisation codes for common AI sequences (default true). */
  readonly optimise?: boolean;
  /** Compress non-GS1 query parameters too (default true); otherwise they stay in the query string. */
  readonly compressOtherParams?: boolean;
  /** Keep the primary key readable (`/01/{gtin}/{compressed}`, "partially compressed"); default false. */
  readonly uncompressedPrimaryKey?: boolean;
}

/**
 * Compresses a GS1 Digital Link URI (GS1 Digital Link: Compression). The stem (host and path prefix) is kept; the
 * AI data, and by default the other query parameters, become one base64url path segment.
 */
export function compressDigitalLink(uri: string, options: CompressOptions = {}): string {
  const dl = parseDigitalLink(uri, { permitConvenienceAlphas: true, permitZeroSuppressedGtin: true });
  const compressOthers = options.compressOtherParams ?? true;
  const inside = compressOthers ? dl.otherParams.filter(compressiblePair) : [];
  const outside = dl.otherParams.filter((p) => !inside.includes(p));
  const partial = options.uncompressedPrimaryKey ?? false;
  const compressed = partial ? dl.elements.slice(1) : dl.elements;
  let out = partial ? `${dl.stem}/${dl.primaryKey.ai}/${escapeDlPathValue(dl.primaryKey.value)}` : dl.stem;
  if (compressed.length > 0 || inside.length > 0)
    out += `/${bitsToBase64(compressToBits(compressed, inside, options.optimise ?? true))}`;
  if (outside.length > 0)
    out += `?${outside.map(([k, v]) => (v === '' ? escapeDlQueryValue(k) : `${escapeDlQueryValue(k)}=${escapeDlQueryValue(v)}`)).join('&')}`;
  return out;
}

function bitsToBase64(bits: string): string {
  const padded = bits.padEnd(Math.ceil(bits.length / 6) * 6, '0');
  let out = '';
  for (let i = 0; i < padded.length; i += 6) out += BASE64URL[parseInt(padded.slice(i, i + 6), 2)];
  return out;
}

class BitReader {
  pos = 0;
  constructor(readonly bits: string) {}
  read(n: number): string {
    if (this.pos + n > this.bits.length) throw new Gs1Error('compression', 'compressed data ends too early');
    const s = this.bits.slice(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  int(n: number): number {
    return n === 0 ? 0 : parseInt(this.read(n), 2);
  }
  get remaining(): number {
    return this.bits.length - this.pos;
  }
}

function decodeDigits(r: BitReader, digits: number): string {
  const value = BigInt(`0b0${r.read(numericBits(digits))}`).toString();
  if (value.length > digits) throw new Gs1Error('compression', 'numeric value does not fit its length');
  return digits === 0 ? '' : value.padStart(digits, '0');
}

function decodeText(r: BitReader, enc: number, count: number): string {
  let out = '';
  switch (enc) {
    case 0:
      return decodeDigits(r, count);
    case 1:
    case 2:
      for (let i = 0; i < count; i++) out += HEX[r.int(4)];
      return enc === 1 ? out.toLowerCase() : out;
    case 3:
      for (let i = 0; i < count; i++) out += BASE64URL[r.int(6)];
      return out;
    case 4:
      for (let i = 0; i < count; i++) out += String.fromCharCode(r.int(7));
      return out;
    default:
      throw new Gs1Error('compression', `unknown value encoding ${enc}`);
  }
}

function decodeValue(r: BitReader, ai: string): string {
  const entry = lookupAi(ai);
  if (!entry) throw new Gs1Error('compression', 'compressed data names an unknown AI', ai);
  let value = '';
  for (const part of partsOf(entry)) {
    if (part.numeric && part.fixed) value += decodeDigits(r, part.length);
    else if (part.numeric) value += decodeDigits(r, r.int(lengthBits(part.length)));
    else {
      const enc = r.int(3);
      value += decodeText(r, enc, part.fixed ? part.length : r.int(lengthBits(part.length)));
    }
  }
  return value;
}

/** Decodes the bit string of a compressed Digital Link into AI elements and non-GS1 pairs (exported for tests). */
export function decompressBits(bits: string): { elements: AiElement[]; otherParams: [string, string][] } {
  const r = new BitReader(bits);
  const elements: AiElement[] = [];
  const otherParams: [string, string][] = [];
  while (r.remaining > 8) {
    const h1 = r.int(4);
    const h2 = r.int(4);
    if (h1 <= 9 && h2 <= 9) {
      const prefix = `${h1}${h2}`;
      const length = AI_LENGTH_BY_PREFIX.get(prefix);
      if (length === undefined) throw new Gs1Error('compression', `no AI starts with ${prefix}`);
      let ai = prefix;
      while (ai.length < length) {
        const d = r.int(4);
        if (d > 9) throw new Gs1Error('compression', 'AI digits must be 0-9');
        ai += String(d);
      }
      elements.push({ ai, value: decodeValue(r, ai) });
    } else if (h1 === 15) {
      const keyLength = (h2 << 3) | r.int(3);
      let key = '';
      for (let i = 0; i < keyLength; i++) key += BASE64URL[r.int(6)];
      const enc = r.int(3);
      otherParams.push([key, decodeText(r, enc, r.int(7))]);
    } else {
      const code = (HEX[h1]! + HEX[h2]!).toUpperCase();
      const sequence = OPTIMISATION_BY_CODE.get(code);
      if (!sequence) throw new Gs1Error('compression', `unknown optimisation code ${code}`);
      for (const ai of sequence) elements.push({ ai, value: decodeValue(r, ai) });
    }
  }
  return { elements, otherParams };
}

function splitCompressed(uri: string): { stem: string; segment: string; query: string } | null {
  const m = /^((?:https?|HTTPS?):\/\/[^/?#]+(?:\/[^?#]*)?)\/([A-Za-z0-9_-]+)(?:\?([^#]*))?(?:#.*)?$/.exec(uri);
  return m ? { stem: m[1]!, segment: m[2]!, query: m[3] ?? '' } : null;
}

/**
 * Decompresses a compressed GS1 Digital Link URI (GS1 Digital Link: Compression) back to the uncompressed form on
 * the same stem; query parameters left uncompressed are carried over. Throws Gs1Error when it does not decode to
 * valid GS1 data.
 */
export function decompressDigitalLink(uri: string): string {
  const parts = splitCompressed(uri);
  if (!parts || parts.segment.length > 2048) throw new Gs1Error('compression', 'not a compressed GS1 Digital Link URI');
  let bits = '';
  for (const ch of parts.segment) bits += pad(BASE64URL.indexOf(ch).toString(2), 6);
  const { elements, otherParams } = decompressBits(bits);
  // Partially compressed: `/{primary key AI}/{value}/{compressed}` keeps the key readable in front.
  let stem = parts.stem;
  const key = /^(.*)\/(\d{2,4})\/([^/]+)$/.exec(stem);
  if (key && lookupAi(key[2]!)?.dlPrimaryKey && !elements.some((e) => lookupAi(e.ai)?.dlPrimaryKey)) {
    stem = key[1]!;
    elements.unshift({ ai: key[2]!, value: decodeQueryValue(key[3]!.replace(/\+/g, '%2B')) });
  }
  if (elements.length === 0) throw new Gs1Error('compression', 'no AI data in the compressed segment');
  const attributes: AiElement[] = [];
  for (const pair of parts.query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : decodeQueryValue(pair.slice(eq + 1));
    if (/^\d+$/.test(key)) attributes.push({ ai: key, value });
    else otherParams.push([decodeQueryValue(key), value]);
  }
  return buildDigitalLink([...elements, ...attributes], { stem, otherParams });
}

function decodeQueryValue(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new Gs1Error('syntax', 'invalid percent-encoding in the query string');
  }
}

/** Whether a URI is a compressed GS1 Digital Link (its last path segment decodes as compressed AI data). */
export function isCompressedDigitalLink(uri: string): boolean {
  try {
    parseDigitalLink(uri, { permitConvenienceAlphas: true, permitZeroSuppressedGtin: true });
    return false;
  } catch (e) {
    if (!(e instanceof Gs1Error)) throw e;
  }
  try {
    decompressDigitalLink(uri);
    return true;
  } catch (e) {
    if (e instanceof Gs1Error) return false;
    throw e;
  }
}
