import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, hasValidCheckDigit, withCheckDigit } from './check-digit.ts';

describe('GS1 check digit', () => {
  it('computes the check digit of known keys', () => {
    expect(gs1CheckDigit('629104150021')).toBe(3); // GTIN-13 6291041500213
    expect(withCheckDigit('0950110153000')).toBe('09501101530003');
    expect(hasValidCheckDigit('8935001234568')).toBe(gs1CheckDigit('893500123456') === 8);
    expect(hasValidCheckDigit('09501101530003')).toBe(true);
    expect(hasValidCheckDigit('09501101530004')).toBe(false);
  });
  it('rejects non-digits', () => {
    expect(() => gs1CheckDigit('12a')).toThrow(RangeError);
    expect(hasValidCheckDigit('12a4')).toBe(false);
  });
});
