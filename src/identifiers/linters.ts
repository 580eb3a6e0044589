import { data as currencies } from 'currency-codes';
import { iso31661 } from 'iso-3166';
import { gs1CheckDigit } from './check-digit.ts';
import { Gs1Error } from './errors.ts';

/**
 * The GS1 Barcode Syntax Tests ("linters") that the Syntax Dictionary names, each checking one component of an AI's
 * data. A linter returns null when the component is fine, otherwise the reason. Implemented from the GS1 General
 * Specifications (§7.9 check digits, §3 AI definitions) and the Syntax Dictionary's linter descriptions.
 */
export type Linter = (component: string) => string | null;

const DIGITS = /^\d+$/;

/** GS1 CSET 82 (General Specifications §7.11, figure 7.11-1) in table order: its index is the character's value. */
export const CSET82 = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
/** GS1 CSET 32 used for check character pairs (§7.9.5). */
const CSET32 = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const CSET82_SET = new Set(CSET82);
const CSET39 = /^[#\-/0-9A-Z]*$/;
const CSET64 = /^[A-Za-z0-9_-]*={0,2}$/;

/** Checks a component against its character set (N, X = CSET 82, Y = CSET 39, Z = CSET 64 base64url). */
export function characterSetProblem(cset: 'N' | 'X' | 'Y' | 'Z', component: string): string | null {
  switch (cset) {
    case 'N':
      return DIGITS.test(component) ? null : 'must contain digits only';
    case 'X':
      for (const ch of component) if (!CSET82_SET.has(ch)) return `character ${JSON.stringify(ch)} is not in CSET 82`;
      return null;
    case 'Y':
      return CSET39.test(component) ? null : 'must contain CSET 39 characters only (0-9 A-Z # - /)';
    case 'Z':
      return CSET64.test(component) ? null : 'must contain base64url (CSET 64) characters only';
  }
}

/**
 * GS1 check character pair for alphanumeric keys such as the GMN (General Specifications §7.9.5, mod 1021). Throws
 * Gs1Error for characters outside CSET 82.
 */
export function checkCharacterPair(data: string): string {
  let sum = 0;
  const n = data.length;
  if (n < 1 || n > PRIMES.length)
    throw new Gs1Error('invalid_value', `check characters cover 1 to ${PRIMES.length} characters`);
  for (let i = 0; i < n; i++) {
    const value = CSET82.indexOf(data[i]!);
    if (value < 0) throw new Gs1Error('invalid_value', `character ${JSON.stringify(data[i])} is not in CSET 82`);
    sum += value * PRIMES[n - 1 - i]!;
  }
  sum %= 1021;
  return CSET32[sum >> 5]! + CSET32[sum & 31]!;
}
const PRIMES = [
  2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103,
];

const ISO3166_NUMERIC = new Set(iso31661.map((c) => c.numeric));
const ISO3166_ALPHA2 = new Set(iso31661.map((c) => c.alpha2));
const ISO4217_NUMERIC = new Set(currencies.map((c) => c.number).filter((n) => n !== ''));

const daysInMonth = (year: number, month: number): number =>
  [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][
    month - 1
  ] ?? 0;

function dateProblem(yyyy: number, mm: number, dd: number, dayZeroAllowed: boolean): string | null {
  if (mm < 1 || mm > 12) return 'month must be 01-12';
  if (dd === 0) return dayZeroAllowed ? null : 'day must not be 00';
  if (dd > daysInMonth(yyyy, mm)) return 'day does not exist in that month';
  return null;
}

/** GS1 General Specifications §7.12: a two-digit year is resolved within a -49/+50 year window of today. */
function fullYear(yy: number, today = new Date()): number {
  const current = today.getUTCFullYear();
  const century = current - (current % 100);
  const diff = yy - (current % 100);
  if (diff > 50) return century - 100 + yy;
  if (diff < -49) return century + 100 + yy;
  return century + yy;
}

function yymmdd(dayZeroAllowed: boolean): Linter {
  return (c) => {
    if (!/^\d{6}$/.test(c)) return 'date must be YYMMDD';
    return dateProblem(fullYear(Number(c.slice(0, 2))), Number(c.slice(2, 4)), Number(c.slice(4, 6)), dayZeroAllowed);
  };
}

const range =
  (low: number, high: number, what: string): Linter =>
  (c) =>
    DIGITS.test(c) && Number(c) >= low && Number(c) <= high ? null : `${what} must be ${low}-${high}`;

function gcpPrefix(c: string): string | null {
  if (c.length < 4) return 'too short to start with a GS1 Company Prefix';
  return /^\d{4}/.test(c) ? null : 'must start with a GS1 Company Prefix (digits)';
}

/** Reads digit fields for the coupon linters. */
class DigitReader {
  pos = 0;
  constructor(readonly data: string) {}
  take(n: number): string | null {
    if (this.pos + n > this.data.length) return null;
    const s = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  get done(): boolean {
    return this.pos >= this.data.length;
  }
}

/** North American coupon code (AI 8110), GS1 US coupon application guideline: VLI-prefixed fields. */
function couponCode(c: string): string | null {
  if (!DIGITS.test(c)) return 'coupon code must be digits';
  const r = new DigitReader(c);
  const vli = (allowed: string, base: number, what: string): string | null | number => {
    const v = r.take(1);
    if (v === null || !allowed.includes(v)) return `${what} length indicator is invalid`;
    return r.take(base + Number(v)) === null ? `${what} is truncated` : null;
  };
  const valueWithVli = (what: string): string | null => {
    const v = r.take(1);
    if (v === null || !'12345'.includes(v)) return `${what} length indicator must be 1-5`;
    return r.take(Number(v)) === null ? `${what} is truncated` : null;
  };
  const oneOf = (allowed: string, what: string): string | null => {
    const v = r.take(1);
    return v !== null && allowed.includes(v) ? null : `${what} is invalid`;
  };
  const fixed = (n: number, what: string): string | null => (r.take(n) === null ? `${what} is truncated` : null);
  const gcpOrSame = (what: string): string | null => {
    const v = r.take(1);
    if (v === '9') return null;
    if (v === null || !'0123456'.includes(v)) return `${what} length indicator is invalid`;
    return r.take(6 + Number(v)) === null ? `${what} is truncated` : null;
  };
  const first =
    vli('0123456', 6, 'primary GS1 Company Prefix') ??
    fixed(6, 'offer code') ??
    valueWithVli('save value') ??
    valueWithVli('primary purchase requirement') ??
    oneOf('012349', 'primary purchase requirement code') ??
    fixed(3, 'primary purchase family code');
  if (typeof first === 'string') return first;
  let last = 0;
  let expiry: string | null = null;
  while (!r.done) {
    const indicator = Number(r.take(1));
    if (indicator <= last) return 'optional coupon fields must appear once each, in ascending order';
    last = indicator;
    let problem: string | null | number = null;
    switch (indicator) {
      case 1:
        problem =
          oneOf('0123', 'additional purchase rules code') ??
          valueWithVli('second purchase requirement') ??
          oneOf('012349', 'second purchase requirement code') ??
          fixed(3, 'second purchase family code') ??
          gcpOrSame('second purchase GS1 Company Prefix');
        break;
      case 2:
        problem =
          valueWithVli('third purchase requirement') ??
          oneOf('012349', 'third purchase requirement code') ??
          fixed(3, 'third purchase family code') ??
          gcpOrSame('third purchase GS1 Company Prefix');
        break;
      case 3:
      case 4: {
        const d = r.take(6);
        if (d === null) return 'coupon date is truncated';
        problem = yymmdd(false)(d);
        if (indicator === 3) expiry = d;
        else if (problem === null && expiry !== null && d > expiry) problem = 'start date is after expiration date';
        break;
      }
      case 5:
        problem = vli('0123456789', 6, 'serial number');
        break;
      case 6:
        problem = vli('1234567', 6, 'retailer identification');
        break;
      case 9:
        problem =
          oneOf('01256', 'save value code') ??
          oneOf('012', 'save value applies to item') ??
          fixed(1, 'store coupon flag') ??
          oneOf('01', "don't multiply flag");
        break;
      default:
        return `unknown coupon field indicator ${indicator}`;
    }
    if (typeof problem === 'string') return problem;
  }
  return null;
}

/** Positive offer file coupon (AI 8112), GS1 US coupon application guideline. */
function couponPositiveOffer(c: string): string | null {
  if (!DIGITS.test(c)) return 'coupon must be digits';
  const r = new DigitReader(c);
  const format = r.take(1);
  if (format !== '0' && format !== '1') return 'coupon format must be 0 or 1';
  const funder = r.take(1);
  if (funder === null || !'0123456'.includes(funder)) return 'coupon funder length indicator must be 0-6';
  if (r.take(6 + Number(funder)) === null) return 'coupon funder ID is truncated';
  if (r.take(6) === null) return 'offer code is truncated';
  const serial = r.take(1);
  if (serial === null) return 'serial number length indicator is missing';
  if (r.take(6 + Number(serial)) === null) return 'serial number is truncated';
  return r.done ? null : 'unexpected data after the serial number';
}

function iban(c: string): string | null {
  if (!/^[A-Z]{2}\d{2}[A-Za-z0-9]{1,30}$/.test(c))
    return 'IBAN must be country code, 2 check digits and 1-30 letters or digits';
  if (!ISO3166_ALPHA2.has(c.slice(0, 2))) return 'IBAN country code is not an ISO 3166 alpha-2 code';
  const rearranged = (c.slice(4) + c.slice(0, 4)).toUpperCase();
  let remainder = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1 ? null : 'IBAN check digits are wrong';
}

/** Linters by the name the Syntax Dictionary uses. */
export const LINTERS: Readonly<Record<string, Linter>> = {
  csum: (c) =>
    DIGITS.test(c) && c.length >= 2 && gs1CheckDigit(c.slice(0, -1)) === Number(c.slice(-1))
      ? null
      : 'check digit is wrong',
  csumalpha: (c) => {
    if (c.length < 3) return 'too short for a check character pair';
    for (const ch of c) if (!CSET82_SET.has(ch)) return 'not CSET 82';
    return checkCharacterPair(c.slice(0, -2)) === c.slice(-2) ? null : 'check character pair is wrong';
  },
  gcppos1: gcpPrefix,
  gcppos2: (c) => (c.length < 2 ? 'too short to contain a GS1 Company Prefix' : gcpPrefix(c.slice(1))),
  // Pre-2026 names of the GCP linters, kept so an older dictionary still generates a working table.
  key: gcpPrefix,
  keyoff1: (c) => (c.length < 2 ? 'too short to contain a GS1 Company Prefix' : gcpPrefix(c.slice(1))),
  yymmdd: yymmdd(false),
  yymmd0: yymmdd(true),
  yyyymmdd: (c) =>
    /^\d{8}$/.test(c)
      ? dateProblem(Number(c.slice(0, 4)), Number(c.slice(4, 6)), Number(c.slice(6, 8)), false)
      : 'date must be YYYYMMDD',
  hhmi: (c) => (/^([01]\d|2[0-3])[0-5]\d$/.test(c) ? null : 'time must be HHMI (00:00-23:59)'),
  hhmm: (c) => (/^([01]\d|2[0-3])[0-5]\d$/.test(c) ? null : 'time must be HHMM (00:00-23:59)'),
  hh: (c) => (/^([01]\d|2[0-3])$/.test(c) ? null : 'hour must be 00-23'),
  mi: (c) => (/^[0-5]\d$/.test(c) ? null : 'minutes must be 00-59'),
  ss: (c) => (/^[0-5]\d$/.test(c) ? null : 'seconds must be 00-59'),
  iso3166: (c) => (ISO3166_NUMERIC.has(c) ? null : 'not an ISO 3166-1 numeric country code'),
  iso3166999: (c) => (c === '999' || ISO3166_NUMERIC.has(c) ? null : 'not an ISO 3166-1 numeric country code or 999'),
  iso3166alpha2: (c) => (ISO3166_ALPHA2.has(c) ? null : 'not an ISO 3166-1 alpha-2 country code'),
  iso4217: (c) => (ISO4217_NUMERIC.has(c) ? null : 'not an ISO 4217 numeric currency code'),
  iso5218: (c) => (/^[0129]$/.test(c) ? null : 'biological sex must be 0, 1, 2 or 9 (ISO/IEC 5218)'),
  pcenc: (c) => (/%(?![0-9A-Fa-f]{2})/.test(c) ? 'invalid percent-encoding' : null),
  pieceoftotal: (c) => {
    if (!/^\d{4}$/.test(c)) return 'piece and total must be 4 digits';
    const piece = Number(c.slice(0, c.length / 2));
    const total = Number(c.slice(c.length / 2));
    return piece >= 1 && total >= 1 && piece <= total ? null : 'piece must be 1..total';
  },
  latitude: range(0, 1800000000, 'latitude'),
  longitude: range(0, 3600000000, 'longitude'),
  yesno: (c) => (c === '0' || c === '1' ? null : 'must be 0 or 1'),
  hyphen: (c) => (/^-+$/.test(c) ? null : 'must be a hyphen'),
  importeridx: (c) => (/^[-0-9A-Z_a-z]$/.test(c) ? null : 'importer index must be one of 0-9 A-Z a-z - _'),
  packagetype: (c) => (/^[0-9A-Z]{2,3}$/.test(c) ? null : 'not a UN/ECE Recommendation 21 package type code'),
  mediatype: (c) => (/^(0[1-9]|10|[89]\d)$/.test(c) ? null : 'AIDC media type must be 01-10 or 80-99'),
  posinseqslash: (c) => {
    const m = /^(\d)\/(\d)$/.exec(c);
    return m && Number(m[1]) >= 1 && Number(m[1]) <= Number(m[2])
      ? null
      : 'position in sequence must be n/m with 1 <= n <= m';
  },
  nonzero: (c) => (/^0+$/.test(c) ? 'must not be zero' : null),
  winding: (c) => (/^[019]$/.test(c) ? null : 'winding direction must be 0, 1 or 9'),
  zero: (c) => (c === '0' ? null : 'must be 0'),
  iban,
  nozeroprefix: (c) => (c.length > 1 && c.startsWith('0') ? 'must not start with 0' : null),
  hasnondigit: (c) => (DIGITS.test(c) ? 'must contain a non-digit' : null),
  couponcode: couponCode,
  couponposoffer: couponPositiveOffer,
};
