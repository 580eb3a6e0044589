/**
 * GS1 mod-10 check digit (GS1 General Specifications §7.9.1): weights 3 and 1 alternate from the rightmost data
 * digit. Used by GTIN, GLN, SSCC, GRAI, GDTI, GSRN, GCN, GSIN and the AIs whose format carries a check digit.
 */
export function gs1CheckDigit(dataDigits: string): number {
  if (!/^\d+$/.test(dataDigits)) throw new RangeError('check digit needs digits only');
  let sum = 0;
  let weight = 3;
  for (let i = dataDigits.length - 1; i >= 0; i--) {
    sum += (dataDigits.charCodeAt(i) - 48) * weight;
    weight = weight === 3 ? 1 : 3;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of `digits` is the GS1 check digit of the others. */
export function hasValidCheckDigit(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  return gs1CheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}

/** Appends the check digit. */
export function withCheckDigit(dataDigits: string): string {
  return dataDigits + String(gs1CheckDigit(dataDigits));
}
