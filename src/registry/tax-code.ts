/**
 * Vietnamese tax codes (mã số thuế, MST), Circular 105/2020/TT-BTC: ten digits whose tenth is a check digit over
 * the first nine (weights 31, 29, 23, 19, 17, 13, 7, 5, 3; check = 10 − (sum mod 11), where 10 cannot occur), and
 * for a dependent unit (branch) a `-NNN` suffix making thirteen digits. Pure.
 */

const WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3] as const;

export type TaxCodeProblem = 'format' | 'check';

/** The check digit of the first nine digits, or undefined when no digit fits (such numbers are never issued). */
export function taxCodeCheckDigit(nineDigits: string): number | undefined {
  if (!/^\d{9}$/.test(nineDigits)) throw new RangeError('a tax code check digit needs nine digits');
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (nineDigits.charCodeAt(i) - 48) * WEIGHTS[i]!;
  const check = 10 - (sum % 11);
  return check === 10 ? undefined : check;
}

/** Normalises `0100109106`, `0100109106-001` or `0100109106001` to the dashed form; spaces and dots are ignored. */
export function parseTaxCode(input: string): { ok: true; value: string } | { ok: false; problem: TaxCodeProblem } {
  const compact = input.replace(/[\s.]/g, '');
  const match = /^(\d{10})(?:-?(\d{3}))?$/.exec(compact);
  if (!match) return { ok: false, problem: 'format' };
  const main = match[1]!;
  const check = taxCodeCheckDigit(main.slice(0, 9));
  if (check === undefined || check !== main.charCodeAt(9) - 48) return { ok: false, problem: 'check' };
  const branch = match[2];
  if (branch === '000') return { ok: false, problem: 'format' };
  return { ok: true, value: branch === undefined ? main : `${main}-${branch}` };
}

/** Completes nine digits into a valid ten-digit tax code, or undefined when no check digit exists for them. */
export function withTaxCheckDigit(nineDigits: string): string | undefined {
  const check = taxCodeCheckDigit(nineDigits);
  return check === undefined ? undefined : `${nineDigits}${check}`;
}
