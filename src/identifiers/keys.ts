import { gs1CheckDigit, hasValidCheckDigit } from './check-digit.ts';
import { Gs1Error } from './errors.ts';
import { checkCharacterPair } from './linters.ts';
import { validateAiValue } from './validate.ts';

/**
 * GS1 identification keys (GS1 General Specifications §2 and §3): each key kind maps to the Application Identifier
 * that carries it, so one Syntax-Dictionary-driven validation serves them all.
 */
export const GS1_KEY_AI = {
  gtin: '01',
  sscc: '00',
  gln: '414',
  grai: '8003',
  giai: '8004',
  gsrnProvider: '8017',
  gsrn: '8018',
  gdti: '253',
  gcn: '255',
  ginc: '401',
  gsin: '402',
  itip: '8006',
  cpid: '8010',
  gmn: '8013',
  party: '417',
} as const;
export type Gs1KeyKind = keyof typeof GS1_KEY_AI;

/** Validates a GS1 key value of the given kind (format, check digit or check pair, GCP). Throws Gs1Error. */
export function validateKey(kind: Gs1KeyKind, value: string): void {
  validateAiValue(GS1_KEY_AI[kind], value);
}

/** True when `value` is a valid GS1 key of the given kind. */
export function isValidKey(kind: Gs1KeyKind, value: string): boolean {
  try {
    validateKey(kind, value);
    return true;
  } catch (e) {
    if (e instanceof Gs1Error) return false;
    throw e;
  }
}

export type GtinFormat = 'GTIN-8' | 'GTIN-12' | 'GTIN-13' | 'GTIN-14';

/** A GTIN read in any of its four formats (General Specifications §3.3.2), normalised to 14 digits. */
export interface Gtin {
  readonly format: GtinFormat;
  /** The 14-digit form used in element strings and Digital Link (`0` padded on the left). */
  readonly gtin14: string;
  /** As given (8, 12, 13 or 14 digits). */
  readonly digits: string;
}

/** Parses a GTIN-8/12/13/14 and checks its check digit (§7.9.1). Throws Gs1Error with AI (01). */
export function parseGtin(input: string): Gtin {
  const digits = input.trim();
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(digits))
    throw new Gs1Error('syntax', 'a GTIN has 8, 12, 13 or 14 digits', '01');
  if (!hasValidCheckDigit(digits)) {
    const expected = gs1CheckDigit(digits.slice(0, -1));
    throw new Gs1Error('check_digit', `check digit should be ${expected}`, '01');
  }
  const gtin14 = digits.padStart(14, '0');
  validateAiValue('01', gtin14);
  return { format: `GTIN-${digits.length}` as GtinFormat, gtin14, digits };
}

/** GTIN in its 14-digit form (General Specifications §3.3.2). Throws Gs1Error when it is not a valid GTIN. */
export function normaliseGtin(input: string): string {
  return parseGtin(input).gtin14;
}

/** True for a valid GTIN-8/12/13/14. */
export function isValidGtin(input: string): boolean {
  try {
    parseGtin(input);
    return true;
  } catch (e) {
    if (e instanceof Gs1Error) return false;
    throw e;
  }
}

/** Global Location Number (§3.7.9, AI 414): 13 digits with check digit. */
export function isValidGln(value: string): boolean {
  return isValidKey('gln', value);
}
/** Serial Shipping Container Code (§3.3.1, AI 00): 18 digits with check digit. */
export function isValidSscc(value: string): boolean {
  return isValidKey('sscc', value);
}
/** Global Returnable Asset Identifier (§3.9.3, AI 8003): `0` + GCP and asset type with check digit + serial. */
export function isValidGrai(value: string): boolean {
  return isValidKey('grai', value);
}
/** Global Individual Asset Identifier (§3.9.4, AI 8004). */
export function isValidGiai(value: string): boolean {
  return isValidKey('giai', value);
}
/** Global Service Relation Number (§3.9.9, AI 8018 recipient; 8017 provider). */
export function isValidGsrn(value: string): boolean {
  return isValidKey('gsrn', value);
}
/** Global Document Type Identifier (§3.5.9, AI 253). */
export function isValidGdti(value: string): boolean {
  return isValidKey('gdti', value);
}
/** Global Coupon Number (§3.5.11, AI 255). */
export function isValidGcn(value: string): boolean {
  return isValidKey('gcn', value);
}
/** Global Identification Number for Consignment (§3.7.2, AI 401). */
export function isValidGinc(value: string): boolean {
  return isValidKey('ginc', value);
}
/** Global Shipment Identification Number (§3.7.3, AI 402): 17 digits with check digit. */
export function isValidGsin(value: string): boolean {
  return isValidKey('gsin', value);
}
/** Identification of an Individual Trade Item Piece (§3.9.x, AI 8006): GTIN + piece + total. */
export function isValidItip(value: string): boolean {
  return isValidKey('itip', value);
}
/** Component / Part Identifier (§3.9.x, AI 8010). */
export function isValidCpid(value: string): boolean {
  return isValidKey('cpid', value);
}
/** Global Model Number (§3.9.x, AI 8013) with its check character pair (§7.9.5). */
export function isValidGmn(value: string): boolean {
  return isValidKey('gmn', value);
}

/** The two GS1 check characters (mod 1021, §7.9.5) for a GMN without them. */
export function gmnCheckCharacters(data: string): string {
  return checkCharacterPair(data);
}
/** A GMN with its check character pair appended. */
export function withGmnCheckCharacters(data: string): string {
  return data + checkCharacterPair(data);
}
