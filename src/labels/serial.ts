import { randomBytes } from 'node:crypto';

/**
 * Stamp serials (the GS1 AI 21 value of a serialized GTIN). A serial is 13 symbols of Crockford base32 drawn from
 * the operating system's cryptographic random source (65 bits, so a guessed serial hits one of a million printed
 * stamps with probability below 3·10⁻¹⁴) followed by one check symbol: 14 characters from `0-9 A-Z` without
 * I, L, O, U. The alphabet is a subset of GS1 CSET 82 (General Specifications §7.11), needs no escaping in a URL
 * path, and a person can read it aloud or type it.
 *
 * The check symbol is a Damm-style check over the finite field GF(32) (primitive polynomial x⁵ + x² + 1): with
 * r₀ = 0 and rᵢ = 2·rᵢ₋₁ + dᵢ, the check symbol is c = 2·rₙ, so that the whole serial folds to 0. The operation
 * x∘y = 2x + y is a totally anti-symmetric quasigroup in GF(32), so every single mistyped symbol and every swap of
 * two neighbouring symbols is detected (Damm 2004; tested exhaustively in `serial.test.ts`).
 */

export const SERIAL_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const SERIAL_RANDOM_SYMBOLS = 13;
export const SERIAL_LENGTH = SERIAL_RANDOM_SYMBOLS + 1;
/** Bits of randomness in a serial. */
export const SERIAL_ENTROPY_BITS = SERIAL_RANDOM_SYMBOLS * 5;

const VALUE = new Map<string, number>([...SERIAL_ALPHABET].map((c, i) => [c, i]));
// Crockford base32 decoding: letters a person may type for the digits they look like.
const ALIASES: Readonly<Record<string, string>> = { O: '0', I: '1', L: '1' };

/** Multiplication by 2 (the polynomial x) in GF(32) modulo x⁵ + x² + 1. */
function times2(v: number): number {
  const shifted = v << 1;
  return shifted & 0b100000 ? (shifted ^ 0b100101) & 0b11111 : shifted;
}

function fold(values: readonly number[]): number {
  let r = 0;
  for (const d of values) r = times2(r) ^ d;
  return r;
}

/** The check symbol for a body of base32 symbols. */
export function serialCheckSymbol(body: string): string {
  const values = [...body].map((c) => {
    const v = VALUE.get(c);
    if (v === undefined) throw new RangeError(`"${c}" is not a serial symbol`);
    return v;
  });
  return SERIAL_ALPHABET[times2(fold(values))]!;
}

/** True when `serial` has our shape and its check symbol matches. Exact: no case folding or aliases. */
export function isValidSerial(serial: string): boolean {
  if (serial.length !== SERIAL_LENGTH) return false;
  const values: number[] = [];
  for (const c of serial) {
    const v = VALUE.get(c);
    if (v === undefined) return false;
    values.push(v);
  }
  return fold(values) === 0;
}

/**
 * A serial as a person typed it (lower case, O for 0, I or L for 1, spaces or hyphens between groups), in its
 * canonical form, or undefined when it is not a valid serial (a mistyped symbol is caught by the check symbol).
 */
export function normaliseSerial(typed: string): string | undefined {
  const canonical = [...typed.toUpperCase().replace(/[\s-]+/g, '')].map((c) => ALIASES[c] ?? c).join('');
  return isValidSerial(canonical) ? canonical : undefined;
}

/** `count` fresh serials (distinct within the call), from `random` (default: the OS cryptographic source). */
export function generateSerials(count: number, random: (bytes: number) => Buffer = randomBytes): string[] {
  const serials = new Set<string>();
  while (serials.size < count) {
    const need = count - serials.size;
    // 9 bytes (72 bits) per serial; the first 65 bits become 13 symbols of 5 bits each.
    const bytes = random(need * 9);
    for (let i = 0; i < need; i++) {
      let bits = 0n;
      for (let b = 0; b < 9; b++) bits = (bits << 8n) | BigInt(bytes[i * 9 + b]!);
      bits >>= 7n;
      let body = '';
      for (let s = SERIAL_RANDOM_SYMBOLS - 1; s >= 0; s--)
        body += SERIAL_ALPHABET[Number((bits >> BigInt(s * 5)) & 31n)];
      serials.add(body + serialCheckSymbol(body));
    }
  }
  return [...serials];
}
