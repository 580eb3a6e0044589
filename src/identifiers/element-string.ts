import { aiAtStartOf, fixedValueLength, lookupAi } from './ai-table.ts';
import { Gs1Error } from './errors.ts';
import { type AiElement, validateElements } from './validate.ts';

/** Group separator, how scanners report FNC1 between element strings (GS1 General Specifications §7.8.5.2). */
export const GS = '\x1d';

/** Symbology identifiers a scanner may prefix (ISO/IEC 15424): GS1-128, GS1 DataMatrix, GS1 QR, GS1 DataBar. */
const SYMBOLOGY_IDENTIFIERS = [']C1', ']d2', ']Q3', ']e0', ']J1'];

export interface ParsedElementString {
  readonly elements: AiElement[];
  /** The symbology identifier the input started with (`]C1`, `]d2`, `]Q3`, …), if any. */
  readonly symbologyIdentifier?: string;
}

/**
 * Parses GS1 element strings (General Specifications §3 and §7.8): the human-readable bracketed form
 * `(01)09520123456788(10)ABC` (a literal `(` inside a value is written `\(`), or the raw form a scanner returns,
 * optionally prefixed by a symbology identifier, with FNC1 as GS (0x1D) — or `^`, the Syntax Engine's notation.
 * Every AI is validated (format, linters, duplicates, `req` and `ex` associations). Throws Gs1Error.
 */
export function parseElementString(input: string): ParsedElementString {
  let data = input;
  const symbologyIdentifier = SYMBOLOGY_IDENTIFIERS.find((s) => data.startsWith(s));
  if (symbologyIdentifier) data = data.slice(symbologyIdentifier.length);
  const raw = data.startsWith('(') ? readBracketed(data) : readUnbracketed(data);
  const elements = validateElements(raw);
  return symbologyIdentifier ? { elements, symbologyIdentifier } : { elements };
}

function readBracketed(data: string): AiElement[] {
  const elements: AiElement[] = [];
  let pos = 0;
  while (pos < data.length) {
    const m = /^\((\d{2,4})\)/.exec(data.slice(pos, pos + 6));
    if (!m) throw new Gs1Error('syntax', `expected "(AI)" at position ${pos + 1}`);
    const ai = m[1]!;
    if (!lookupAi(ai))
      throw new Gs1Error('unknown_ai', 'not an Application Identifier in the GS1 Barcode Syntax Dictionary', ai);
    pos += m[0].length;
    let value = '';
    while (pos < data.length && data[pos] !== '(') {
      if (data[pos] === '\\' && data[pos + 1] === '(') {
        value += '(';
        pos += 2;
      } else {
        value += data[pos];
        pos += 1;
      }
    }
    if (value === '') throw new Gs1Error('invalid_value', 'value is empty', ai);
    elements.push({ ai, value });
  }
  if (elements.length === 0) throw new Gs1Error('syntax', 'no element strings');
  return elements;
}

const isFnc1 = (ch: string | undefined) => ch === GS || ch === '^';

function readUnbracketed(data: string): AiElement[] {
  const elements: AiElement[] = [];
  let pos = isFnc1(data[0]) ? 1 : 0;
  if (pos >= data.length) throw new Gs1Error('syntax', 'no element strings');
  while (pos < data.length) {
    const entry = aiAtStartOf(data.slice(pos, pos + 4));
    if (!entry) {
      const digits = /^\d{2,4}/.exec(data.slice(pos, pos + 4))?.[0];
      if (digits)
        throw new Gs1Error('unknown_ai', 'not an Application Identifier in the GS1 Barcode Syntax Dictionary', digits);
      throw new Gs1Error('syntax', `expected an Application Identifier at position ${pos + 1}`);
    }
    pos += entry.ai.length;
    const fixed = entry.predefinedLength ? fixedValueLength(entry) : undefined;
    let value: string;
    if (fixed !== undefined) {
      value = data.slice(pos, pos + fixed);
      if (value.length < fixed) throw new Gs1Error('invalid_value', 'value is too short', entry.ai);
      pos += fixed;
    } else {
      let end = pos;
      while (end < data.length && !isFnc1(data[end])) end++;
      value = data.slice(pos, end);
      pos = end;
    }
    if (value === '') throw new Gs1Error('invalid_value', 'value is empty', entry.ai);
    elements.push({ ai: entry.ai, value });
    if (isFnc1(data[pos])) {
      pos += 1;
      if (pos >= data.length) throw new Gs1Error('syntax', 'FNC1 at the end of the data');
    }
  }
  return elements;
}

export interface BuildElementStringOptions {
  /** `bracketed` (human readable, default) or `raw` (FNC1 as `fnc1` after each variable-length value but the last). */
  readonly form?: 'bracketed' | 'raw';
  /** The FNC1 separator in raw form: GS (default) or `^`. */
  readonly fnc1?: string;
}

/**
 * Builds element strings (General Specifications §7.8.5) in the given order after validating them (Gs1Error on
 * any problem). Raw form needs FNC1 only after AIs without a pre-defined length (the dictionary's `*` flag).
 */
export function buildElementString(elements: readonly AiElement[], options: BuildElementStringOptions = {}): string {
  const valid = validateElements(elements);
  if (valid.length === 0) throw new Gs1Error('syntax', 'no element strings');
  return options.form === 'raw' ? toRaw(valid, options.fnc1 ?? GS) : toBracketed(valid);
}

function toBracketed(elements: readonly AiElement[]): string {
  return elements.map((e) => `(${e.ai})${e.value.replace(/\(/g, '\\(')}`).join('');
}

function toRaw(elements: readonly AiElement[], fnc1: string): string {
  let out = '';
  elements.forEach((e, i) => {
    out += e.ai + e.value;
    const predefined = lookupAi(e.ai)?.predefinedLength ?? false;
    if (!predefined && i < elements.length - 1) out += fnc1;
  });
  return out;
}
