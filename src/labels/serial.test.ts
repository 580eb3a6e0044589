import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateSerials,
  isValidSerial,
  normaliseSerial,
  SERIAL_ALPHABET,
  SERIAL_ENTROPY_BITS,
  SERIAL_LENGTH,
  serialCheckSymbol,
} from './serial.ts';

const body = fc
  .array(fc.constantFrom(...SERIAL_ALPHABET), { minLength: 13, maxLength: 13 })
  .map((symbols) => symbols.join(''));
const serial = body.map((b) => b + serialCheckSymbol(b));

describe('serials', () => {
  it('have 14 symbols of Crockford base32, at least 64 random bits, and a valid check symbol', () => {
    const serials = generateSerials(2000);
    expect(new Set(serials).size).toBe(2000);
    expect(SERIAL_ENTROPY_BITS).toBeGreaterThanOrEqual(64);
    for (const s of serials) {
      expect(s).toMatch(/^[0-9A-HJKMNP-TV-Z]{14}$/);
      expect(s).toHaveLength(SERIAL_LENGTH);
      expect(isValidSerial(s)).toBe(true);
    }
  });

  it('use every symbol at every random position about equally often', () => {
    const serials = generateSerials(6400);
    for (const position of [0, 6, 12]) {
      const counts = new Map<string, number>();
      for (const s of serials) counts.set(s[position]!, (counts.get(s[position]!) ?? 0) + 1);
      expect(counts.size).toBe(32);
      // 200 expected per symbol; a fair source stays far inside these bounds.
      for (const n of counts.values()) expect(n).toBeGreaterThan(120);
      for (const n of counts.values()) expect(n).toBeLessThan(290);
    }
  });

  it('take their randomness from the given source, 65 bits each', () => {
    const zeros = generateSerials(1, (n) => Buffer.alloc(n, 0));
    expect(zeros).toEqual(['0000000000000' + serialCheckSymbol('0000000000000')]);
    const ones = generateSerials(1, (n) => Buffer.alloc(n, 0xff));
    expect(ones[0]!.slice(0, 13)).toBe('ZZZZZZZZZZZZZ');
  });

  it('detect every single mistyped symbol', () => {
    fc.assert(
      fc.property(serial, fc.nat(SERIAL_LENGTH - 1), fc.constantFrom(...SERIAL_ALPHABET), (s, i, c) => {
        fc.pre(s[i] !== c);
        expect(isValidSerial(s.slice(0, i) + c + s.slice(i + 1))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('detect every swap of two neighbouring symbols (exhaustively over symbol pairs and positions)', () => {
    const base = generateSerials(1)[0]!;
    for (let i = 0; i < SERIAL_LENGTH - 1; i++) {
      for (const a of SERIAL_ALPHABET) {
        for (const b of SERIAL_ALPHABET) {
          if (a === b) continue;
          const chars = [...base];
          chars[i] = a;
          chars[i + 1] = b;
          const left = chars.slice(0, SERIAL_LENGTH - 1).join('');
          const valid = left + serialCheckSymbol(left);
          if (valid[i] === valid[i + 1]) continue;
          expect(isValidSerial(valid)).toBe(true);
          const swapped = [...valid];
          [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
          expect(isValidSerial(swapped.join(''))).toBe(false);
        }
      }
    }
  });

  it('accept what a person types: lower case, O for 0, I and L for 1, groups with spaces or hyphens', () => {
    fc.assert(
      fc.property(serial, (s) => {
        const typed = `${s.slice(0, 5)}-${s.slice(5, 10)} ${s.slice(10)}`.toLowerCase().replaceAll('0', 'o');
        expect(normaliseSerial(typed)).toBe(s);
      }),
    );
    expect(normaliseSerial('not a serial')).toBeUndefined();
    expect(normaliseSerial('')).toBeUndefined();
  });

  it('refuse other shapes', () => {
    const s = generateSerials(1)[0]!;
    expect(isValidSerial(s.slice(1))).toBe(false);
    expect(isValidSerial(`${s}0`)).toBe(false);
    expect(isValidSerial(s.toLowerCase())).toBe(s === s.toLowerCase());
    expect(isValidSerial(`${s.slice(0, 13)}U`)).toBe(false);
    expect(() => serialCheckSymbol('AB*')).toThrow(RangeError);
  });
});
