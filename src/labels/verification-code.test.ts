import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeMatches, normaliseVerificationCode, verificationCode, verificationCodeHash } from './verification-code.ts';

const secret = randomBytes(32);
const GTIN = '08938505974019';

describe('scratch-off verification codes', () => {
  it('are 8 digits, the same on every derivation, different for another serial or secret', () => {
    const code = verificationCode(secret, GTIN, 'ABCDEFGHJKMN0P');
    expect(code).toMatch(/^\d{8}$/);
    expect(verificationCode(secret, GTIN, 'ABCDEFGHJKMN0P')).toBe(code);
    const others = new Set(
      Array.from({ length: 50 }, (_, i) => verificationCode(secret, GTIN, `ABCDEFGHJKMN${String(i).padStart(2, '0')}`)),
    );
    expect(others.size).toBeGreaterThan(45);
    expect(verificationCode(randomBytes(32), GTIN, 'ABCDEFGHJKMN0P')).not.toBe(code);
  });

  it('match only the stamp’s own code; the stored hash never contains the code', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Z]{14}$/), fc.stringMatching(/^\d{8}$/), (serial, guess) => {
        const code = verificationCode(secret, GTIN, serial);
        const hash = verificationCodeHash(secret, GTIN, serial, code);
        expect(hash).not.toContain(code);
        expect(codeMatches(secret, GTIN, serial, hash, code)).toBe(true);
        expect(codeMatches(secret, GTIN, serial, hash, `${code.slice(0, 4)} ${code.slice(4)}`)).toBe(true);
        expect(codeMatches(secret, GTIN, serial, hash, guess)).toBe(guess === code);
      }),
      { numRuns: 300 },
    );
  });

  it('refuse malformed input without throwing', () => {
    const code = verificationCode(secret, GTIN, 'S1');
    const hash = verificationCodeHash(secret, GTIN, 'S1', code);
    for (const typed of ['', '1234567', '123456789', 'abcdefgh', code + 'x'])
      expect(codeMatches(secret, GTIN, 'S1', hash, typed)).toBe(false);
    expect(codeMatches(secret, GTIN, 'S1', 'zz', code)).toBe(false);
    expect(normaliseVerificationCode('1234-5678')).toBe('12345678');
  });
});
