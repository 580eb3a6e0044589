import { describe, expect, it } from 'vitest';
import { buildElementString, parseElementString } from './element-string.ts';
import { Gs1Error } from './errors.ts';
import { interpretGs1 } from './interpret.ts';
import {
  gmnCheckCharacters,
  isValidGcn,
  isValidGdti,
  isValidGiai,
  isValidGinc,
  isValidGln,
  isValidGmn,
  isValidGrai,
  isValidGsin,
  isValidGsrn,
  isValidGtin,
  isValidItip,
  isValidCpid,
  isValidSscc,
  normaliseGtin,
  parseGtin,
  withGmnCheckCharacters,
} from './keys.ts';
import { LINTERS } from './linters.ts';
import { validateAiValue } from './validate.ts';

const lint = (name: string, value: string) => LINTERS[name]!(value);

describe('GS1 keys', () => {
  it('parses every GTIN format and normalises to 14 digits', () => {
    expect(parseGtin('8931234560003')).toEqual({
      format: 'GTIN-13',
      gtin14: '08931234560003',
      digits: '8931234560003',
    });
    expect(normaliseGtin('614141123452')).toBe('00614141123452');
    expect(normaliseGtin('89312346')).toBe('00000089312346');
    expect(parseGtin('18931234560000').format).toBe('GTIN-14');
  });

  it('reports a wrong GTIN check digit with the expected one', () => {
    expect(() => parseGtin('8931234560002')).toThrow(new Gs1Error('check_digit', 'check digit should be 3', '01'));
    expect(() => parseGtin('893123456')).toThrow(Gs1Error);
    expect(isValidGtin('8931234560003')).toBe(true);
  });

  it('validates the other keys through their AI definitions', () => {
    expect(isValidGln('8931234000011')).toBe(true);
    expect(isValidGln('8931234000012')).toBe(false);
    expect(isValidSscc('089312340000000011')).toBe(true);
    expect(isValidSscc('089312340000000012')).toBe(false);
    expect(isValidGrai('08931234000011PALLET-7')).toBe(true);
    expect(isValidGrai('18931234000011')).toBe(false); // the GRAI starts with a filler 0
    expect(isValidGiai('8931234XE-001')).toBe(true);
    expect(isValidGiai('89X')).toBe(false); // too short to start with a GS1 Company Prefix
    expect(isValidGsrn('089312340000000011')).toBe(true);
    expect(isValidGdti('8931234000011HD-2026')).toBe(true);
    expect(isValidGcn('8931234000011123')).toBe(true);
    expect(isValidGinc('8931234LOHANG/01')).toBe(true);
    expect(isValidGsin('89312340000000011')).toBe(true);
    expect(isValidGsin('89312340000000015')).toBe(false);
    expect(isValidItip('089312345600030102')).toBe(true);
    expect(isValidItip('089312345600030302')).toBe(false); // piece 3 of 2
    expect(isValidCpid('8931234-X/7')).toBe(true);
    expect(isValidCpid('8931234x')).toBe(false); // CSET 39 has no lower case
  });

  it('computes and checks GMN check character pairs (mod 1021)', () => {
    // GS1 General Specifications §7.9.5 worked example.
    expect(gmnCheckCharacters('1987654Ad4X4bL5ttr2310c')).toBe('2K');
    expect(isValidGmn('1987654Ad4X4bL5ttr2310c2K')).toBe(true);
    expect(isValidGmn('1987654Ad4X4bL5ttr2310c2L')).toBe(false);
    expect(isValidGmn(withGmnCheckCharacters('8931234NON-LA'))).toBe(true);
  });
});

describe('syntax tests (linters)', () => {
  it('checks dates, with day 00 only where the dictionary allows it', () => {
    expect(lint('yymmd0', '270600')).toBeNull();
    expect(lint('yymmdd', '270600')).not.toBeNull();
    expect(lint('yymmdd', '280229')).toBeNull();
    expect(lint('yymmdd', '270229')).not.toBeNull();
    expect(lint('yyyymmdd', '21000229')).not.toBeNull();
    expect(lint('yyyymmdd', '20000229')).toBeNull();
    expect(lint('hhmi', '2359')).toBeNull();
    expect(lint('hhmi', '2400')).not.toBeNull();
  });

  it('checks country, currency and other code lists', () => {
    expect(lint('iso3166', '704')).toBeNull(); // Viet Nam
    expect(lint('iso3166', '999')).not.toBeNull();
    expect(lint('iso3166999', '999')).toBeNull();
    expect(lint('iso3166alpha2', 'VN')).toBeNull();
    expect(lint('iso4217', '704')).toBeNull(); // đồng
    expect(lint('iso4217', '000')).not.toBeNull();
    expect(lint('iban', 'GB82WEST12345698765432')).toBeNull();
    expect(lint('iban', 'GB82WEST12345698765433')).not.toBeNull();
    expect(lint('pcenc', 'Nguy%E1%BB%85n')).toBeNull();
    expect(lint('pcenc', '50%')).not.toBeNull();
    expect(lint('latitude', '1800000000')).toBeNull();
    expect(lint('latitude', '1800000001')).not.toBeNull();
    expect(lint('mediatype', '10')).toBeNull();
    expect(lint('mediatype', '11')).not.toBeNull();
    expect(lint('posinseqslash', '2/3')).toBeNull();
    expect(lint('posinseqslash', '4/3')).not.toBeNull();
    expect(lint('nozeroprefix', '0')).toBeNull();
    expect(lint('nozeroprefix', '012')).not.toBeNull();
  });

  it('checks North American coupon codes', () => {
    // GCP VLI 0 (6 digits), offer code, save value VLI 1 + '5', purchase VLI 1 + '1', code 0, family 000,
    // then field 3: expiry 271231.
    expect(lint('couponcode', '0893123' + '456789' + '15' + '11' + '0' + '000' + '3271231')).toBeNull();
    expect(lint('couponcode', '0893123' + '456789' + '15' + '11' + '0' + '000' + '3271331')).not.toBeNull();
    expect(lint('couponcode', '0893123' + '456789' + '15' + '11' + '0' + '000' + '4270101' + '3271231')).not.toBeNull();
    expect(lint('couponposoffer', '0' + '0' + '893123' + '456789' + '0' + '000001')).toBeNull();
    expect(lint('couponposoffer', '0' + '0' + '893123' + '456789' + '0' + '0000011')).not.toBeNull();
  });

  it('applies components and linters per AI', () => {
    expect(() => validateAiValue('4309', '0123456789' + '0123456789')).not.toThrow();
    expect(() => validateAiValue('4321', '2')).toThrow(/must be 0 or 1/);
    expect(() => validateAiValue('7007', '260101260')).toThrow(/too short/);
    expect(() => validateAiValue('253', '8931234000011' + 'X'.repeat(18))).toThrow(/too long/);
  });
});

describe('element strings', () => {
  it('parses bracketed and raw forms, with or without symbology identifier', () => {
    const expected = [
      { ai: '01', value: '08931234560003' },
      { ai: '3103', value: '000750' },
      { ai: '10', value: 'LO26' },
      { ai: '17', value: '270630' },
    ];
    expect(parseElementString('(01)08931234560003(3103)000750(10)LO26(17)270630').elements).toEqual(expected);
    expect(parseElementString(']d201089312345600033103000750' + '10LO26\x1d17270630')).toMatchObject({
      symbologyIdentifier: ']d2',
    });
    expect(parseElementString('01089312345600033103000750' + '10LO26\x1d17270630').elements).toEqual(expected);
    expect(parseElementString('\x1d01089312345600033103000750' + '10LO26^17270630').elements).toEqual(expected);
  });

  it('checks duplicates, mandatory and exclusive associations', () => {
    expect(parseElementString('(01)08931234560003(01)08931234560003').elements).toHaveLength(1);
    expect(() => parseElementString('(01)08931234560003(01)18931234560000')).toThrow(
      expect.objectContaining({ code: 'duplicate_ai', ai: '01' }),
    );
    expect(() => parseElementString('(10)LO26')).toThrow(
      expect.objectContaining({ code: 'missing_required_ai', ai: '10' }),
    );
    expect(() => parseElementString('(01)08931234560003(3103)000750(3102)007500')).toThrow(
      expect.objectContaining({ code: 'exclusive_ai' }),
    );
    expect(() => parseElementString('(01)08931234560003(21)S1(235)T1')).toThrow(
      expect.objectContaining({ code: 'exclusive_ai' }),
    );
    expect(() => parseElementString('(89)X')).toThrow(expect.objectContaining({ code: 'unknown_ai', ai: '89' }));
  });

  it('builds raw strings with FNC1 only after variable-length AIs and escapes brackets', () => {
    const elements = [
      { ai: '01', value: '08931234560003' },
      { ai: '10', value: 'A(1)' },
      { ai: '21', value: 'S1' },
    ];
    expect(buildElementString(elements, { form: 'raw' })).toBe('010893123456000310A(1)\x1d21S1');
    const bracketed = buildElementString(elements);
    expect(bracketed).toBe('(01)08931234560003(10)A\\(1)(21)S1');
    expect(parseElementString(bracketed).elements).toEqual(elements);
  });
});

describe('interpretGs1', () => {
  it('recognises every kind of GS1 text', () => {
    expect(interpretGs1('8931234560003').kind).toBe('gtin');
    expect(interpretGs1('089312340000000011').canonicalDigitalLink).toBe('https://id.gs1.org/00/089312340000000011');
    expect(interpretGs1('urn:epc:id:sgln:8931234.00001.0').kind).toBe('epc-urn');
    expect(interpretGs1('https://id.gs1.org/gtin/8931234560003', { lenient: true }).primaryKey?.value).toBe(
      '08931234560003',
    );
    expect(() => interpretGs1('https://id.gs1.org/gtin/8931234560003')).toThrow(Gs1Error);
    const noKey = interpretGs1('(410)8931234000011');
    expect(noKey.canonicalDigitalLink).toBeNull();
    expect(noKey.attributes).toEqual([{ ai: '410', title: 'SHIP TO LOC', value: '8931234000011' }]);
  });
});
