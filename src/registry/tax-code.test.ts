import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTaxCode, taxCodeCheckDigit, withTaxCheckDigit } from './tax-code.ts';

describe('tax code (MST)', () => {
  it('accepts real-format codes with a correct check digit, with and without a branch suffix', () => {
    // 0100109106: Viettel's published MST, a well-known valid code.
    expect(parseTaxCode('0100109106')).toEqual({ ok: true, value: '0100109106' });
    expect(parseTaxCode('0100109106-001')).toEqual({ ok: true, value: '0100109106-001' });
    expect(parseTaxCode('0100109106001')).toEqual({ ok: true, value: '0100109106-001' });
    expect(parseTaxCode(' 0100 109 106 ')).toEqual({ ok: true, value: '0100109106' });
  });
  it('rejects a wrong check digit and malformed codes', () => {
    expect(parseTaxCode('0100109107')).toEqual({ ok: false, problem: 'check' });
    expect(parseTaxCode('010010910')).toEqual({ ok: false, problem: 'format' });
    expect(parseTaxCode('0100109106-01')).toEqual({ ok: false, problem: 'format' });
    expect(parseTaxCode('0100109106-000')).toEqual({ ok: false, problem: 'format' });
    expect(parseTaxCode('01001O9106')).toEqual({ ok: false, problem: 'format' });
  });
  it('computes 10 − (weighted sum mod 11) and refuses the impossible 10', () => {
    // 0,1,0,0,1,0,9,1,0 · (31,29,23,19,17,13,7,5,3) = 29 + 17 + 63 + 5 = 114; 114 mod 11 = 4; 10 − 4 = 6.
    expect(taxCodeCheckDigit('010010910')).toBe(6);
    // sum ≡ 0 (mod 11) → no valid digit: 000000000 sums to 0.
    expect(taxCodeCheckDigit('000000000')).toBeUndefined();
    expect(withTaxCheckDigit('000000000')).toBeUndefined();
  });
  it('every completed code parses back; changing its check digit breaks it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{9}$/), fc.integer({ min: 1, max: 9 }), (nine, delta) => {
        const code = withTaxCheckDigit(nine);
        if (code === undefined) return;
        expect(parseTaxCode(code)).toEqual({ ok: true, value: code });
        const wrong = `${nine}${(Number(code[9]) + delta) % 10}`;
        expect(parseTaxCode(wrong).ok).toBe(false);
      }),
    );
  });
});
