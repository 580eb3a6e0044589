import { hasValidCheckDigit } from '../identifiers/check-digit.ts';

/**
 * The registry's value rules: GS1 keys, kinds, units, GPS and the plant-protection codes. Pure: each check returns
 * a catalogue message key (both languages live in src/shared/messages.ts) or undefined when the value is fine.
 */

export const ORGANISATION_KINDS = ['household', 'cooperative', 'company', 'authority', 'provider', 'other'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** `pending` and `rejected` are self-registrations awaiting, or refused, the province's approval. */
export const ORGANISATION_STATUSES = ['pending', 'active', 'suspended', 'rejected'] as const;
export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];

export const LOCATION_KINDS = [
  'farm',
  'growing_area',
  'pond',
  'factory',
  'packing_house',
  'warehouse',
  'shop',
  'market',
  'vessel',
  'other',
] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];

export const CERTIFICATION_KINDS = [
  'vietgap',
  'globalgap',
  'organic',
  'ocop',
  'geographical_indication',
  'haccp',
  'iso22000',
  'other',
] as const;
export type CertificationKind = (typeof CERTIFICATION_KINDS)[number];

/**
 * Units of measure for net content: UN/ECE Recommendation 20 common codes (the codes GS1 uses for AI 310n-style
 * measures and for `netContent` in GS1 Web Vocabulary).
 */
export const UNITS: Readonly<Record<string, { vi: string; en: string }>> = {
  KGM: { vi: 'kilôgam', en: 'kilogram' },
  GRM: { vi: 'gam', en: 'gram' },
  MGM: { vi: 'miligam', en: 'milligram' },
  TNE: { vi: 'tấn', en: 'tonne' },
  LTR: { vi: 'lít', en: 'litre' },
  MLT: { vi: 'mililít', en: 'millilitre' },
  CLT: { vi: 'xentilít', en: 'centilitre' },
  MTR: { vi: 'mét', en: 'metre' },
  MTK: { vi: 'mét vuông', en: 'square metre' },
  MTQ: { vi: 'mét khối', en: 'cubic metre' },
  H87: { vi: 'cái', en: 'piece' },
  C62: { vi: 'đơn vị', en: 'one (unit)' },
  EA: { vi: 'chiếc', en: 'each' },
  NAR: { vi: 'số sản phẩm', en: 'number of articles' },
  PR: { vi: 'đôi', en: 'pair' },
  DZN: { vi: 'tá', en: 'dozen' },
};

export const isUnitCode = (code: string): boolean => Object.hasOwn(UNITS, code);

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);
export const isOrganisationKind = (v: string): v is OrganisationKind => isOneOf(ORGANISATION_KINDS, v);
export const isOrganisationStatus = (v: string): v is OrganisationStatus => isOneOf(ORGANISATION_STATUSES, v);
export const isLocationKind = (v: string): v is LocationKind => isOneOf(LOCATION_KINDS, v);
export const isCertificationKind = (v: string): v is CertificationKind => isOneOf(CERTIFICATION_KINDS, v);

export type KeyCheck = { ok: true; value: string } | { ok: false; messageKey: string };

/**
 * A GTIN-8, -12, -13 or -14 (GS1 General Specifications §3.3.2), normalised to 14 digits with leading zeros, the
 * form used in GS1 Digital Link and EPCIS. Spaces are ignored.
 */
export function normaliseGtin(input: string): KeyCheck {
  const digits = input.replace(/\s/g, '');
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(digits)) return { ok: false, messageKey: 'registry.gtin.format' };
  if (!hasValidCheckDigit(digits)) return { ok: false, messageKey: 'registry.gtin.check' };
  return { ok: true, value: digits.padStart(14, '0') };
}

/** A GLN (AI 414): thirteen digits with the GS1 mod-10 check digit. */
export function normaliseGln(input: string): KeyCheck {
  const digits = input.replace(/\s/g, '');
  if (!/^\d{13}$/.test(digits)) return { ok: false, messageKey: 'registry.gln.format' };
  if (!hasValidCheckDigit(digits)) return { ok: false, messageKey: 'registry.gln.check' };
  return { ok: true, value: digits };
}

/**
 * A GS1 company prefix: 6 to 12 digits. Vietnam's GS1 prefix is 893, but members of other GS1 organisations trade
 * here too, so another prefix is accepted (the check only makes sure it is digits of a possible length).
 */
export function checkCompanyPrefix(input: string): string | undefined {
  return /^\d{6,12}$/.test(input) ? undefined : 'registry.gs1Prefix';
}

/** Latitude and longitude in decimal degrees (WGS 84): both or neither. */
export function checkGps(latitude: number | null, longitude: number | null): string | undefined {
  if ((latitude === null) !== (longitude === null)) return 'registry.gps.pair';
  if (latitude === null || longitude === null) return undefined;
  if (!Number.isFinite(latitude) || latitude < -90 || latitude > 90) return 'registry.gps.range';
  if (!Number.isFinite(longitude) || longitude < -180 || longitude > 180) return 'registry.gps.range';
  return undefined;
}

/**
 * Export codes issued by the Plant Protection Department (REQUIREMENTS.md §3): growing areas `VN-<province>OR-NNNN`
 * and packing houses `VN-<province>PH-NNNN`, where `<province>` is the province's letter abbreviation (e.g. TTH).
 */
export const GROWING_AREA_CODE = /^VN-[A-Z]{2,4}OR-\d{4}$/;
export const PACKING_HOUSE_CODE = /^VN-[A-Z]{2,4}PH-\d{4}$/;

/** Upper-cases and trims a plant-protection code before it is checked. */
export const normaliseExportCode = (input: string): string => input.trim().toUpperCase();

/** OCOP ratings published by the programme run from 3 to 5 stars (1 and 2 stars are not certified). */
export function checkOcopStars(kind: string, stars: number | null): string | undefined {
  if (kind === 'ocop')
    return stars !== null && Number.isInteger(stars) && stars >= 3 && stars <= 5 ? undefined : 'registry.ocopStars';
  return stars === null ? undefined : 'registry.ocopStars.notOcop';
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}
