import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildDigitalLink,
  canonicalDigitalLink,
  escapeDlPathValue,
  escapeDlQueryValue,
  parseDigitalLink,
} from './digital-link.ts';
import { buildElementString, parseElementString } from './element-string.ts';
import { Gs1Error } from './errors.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const vectorsFile = path.resolve(repoRoot, '../shared/conformance/gs1-syntax-engine-vectors/dl-vectors.json');

interface Flags {
  permitConvenienceAlphas?: boolean;
  permitZeroSuppressedGTIN?: boolean;
  permitUnknownAIs?: boolean;
  validateUnknownAINotDLAttr?: boolean;
}
interface ParseVector {
  shouldSucceed: boolean;
  uri: string;
  expectedElementString: string;
  contextFlags: Flags;
}
interface GenerateVector {
  shouldSucceed: boolean;
  stem: string | null;
  aiData: string;
  expectedUri: string;
  contextFlags: Flags;
}
const vectors = JSON.parse(fs.readFileSync(vectorsFile, 'utf8')) as {
  parseDLuri: ParseVector[];
  generateDLuri: GenerateVector[];
  URIescape: { input: string; expectedPathEscaped: string; expectedQueryEscaped: string }[];
};

const isDefault = (f: Flags) =>
  !f.permitConvenienceAlphas &&
  !f.permitZeroSuppressedGTIN &&
  !f.permitUnknownAIs &&
  f.validateUnknownAINotDLAttr !== false;
// Options this library offers; vectors that need unknown AIs (an engine option we do not ship) are not run.
const supported = (f: Flags) => !f.permitUnknownAIs && f.validateUnknownAINotDLAttr !== false;

/** The Syntax Engine's unbracketed notation: `^` as FNC1 first, then after each variable-length AI but the last. */
const engineString = (uri: string, flags: Flags) => {
  const dl = parseDigitalLink(uri, {
    permitConvenienceAlphas: flags.permitConvenienceAlphas ?? false,
    permitZeroSuppressedGtin: flags.permitZeroSuppressedGTIN ?? false,
  });
  return `^${buildElementString(dl.elements, { form: 'raw', fnc1: '^' })}`;
};

describe('GS1 Syntax Engine Digital Link vectors (conformance/gs1-syntax-engine-vectors)', () => {
  const parse = vectors.parseDLuri.filter((v) => supported(v.contextFlags));
  it('runs every default-flag parse vector', () => {
    expect(vectors.parseDLuri.filter((v) => isDefault(v.contextFlags)).length).toBeGreaterThan(90);
  });
  it.each(parse.map((v) => [v.uri, v] as const))('parse %s', (_uri, v) => {
    if (v.shouldSucceed) {
      expect(engineString(v.uri, v.contextFlags)).toBe(v.expectedElementString);
    } else {
      expect(() => engineString(v.uri, v.contextFlags)).toThrow(Gs1Error);
    }
  });

  const generate = vectors.generateDLuri.filter((v) => isDefault(v.contextFlags));
  it.each(generate.map((v) => [`${v.stem ?? '(canonical)'} ${v.aiData}`, v] as const))('generate %s', (_n, v) => {
    const build = () => buildDigitalLink(parseElementString(v.aiData).elements, { stem: v.stem });
    if (v.shouldSucceed) expect(build()).toBe(v.expectedUri);
    else expect(build).toThrow(Gs1Error);
  });

  it.each(vectors.URIescape.map((v) => [v.input, v] as const))('escape %j', (_n, v) => {
    expect(escapeDlPathValue(v.input)).toBe(v.expectedPathEscaped);
    expect(escapeDlQueryValue(v.input)).toBe(v.expectedQueryEscaped);
  });
});

describe('parseDigitalLink', () => {
  it('keeps the stem, qualifiers, attributes and non-AI parameters', () => {
    const dl = parseDigitalLink(
      'https://truyxuat.example.vn/hue/01/08931234560003/10/LO%2F01/21/A1?17=261231&linkType=gs1:pip&context=vi',
    );
    expect(dl.stem).toBe('https://truyxuat.example.vn/hue');
    expect(dl.primaryKey).toEqual({ ai: '01', value: '08931234560003' });
    expect(dl.qualifiers).toEqual([
      { ai: '10', value: 'LO/01' },
      { ai: '21', value: 'A1' },
    ]);
    expect(dl.attributes).toEqual([{ ai: '17', value: '261231' }]);
    expect(dl.otherParams).toEqual([
      ['linkType', 'gs1:pip'],
      ['context', 'vi'],
    ]);
  });

  it('names the offending AI and the reason', () => {
    const error = (uri: string) => {
      try {
        parseDigitalLink(uri);
      } catch (e) {
        return e as Gs1Error;
      }
      throw new Error('expected a Gs1Error');
    };
    expect(error('https://id.gs1.org/01/08931234560002')).toMatchObject({ code: 'check_digit', ai: '01' });
    expect(error('https://id.gs1.org/01/08931234560003/21/A/10/B')).toMatchObject({ code: 'bad_qualifier' });
    expect(error('https://id.gs1.org/01/08931234560003?17=261332')).toMatchObject({ code: 'invalid_value', ai: '17' });
    expect(error('https://id.gs1.org/01/08931234560003?8200=x')).toMatchObject({
      code: 'not_a_dl_attribute',
      ai: '8200',
    });
  });

  it('accepts day 00 in YYMMD0 dates', () => {
    expect(parseDigitalLink('https://id.gs1.org/01/08931234560003?17=261200').attributes[0]!.value).toBe('261200');
  });

  it('builds the canonical form from any host, short names and GTIN-13', () => {
    expect(
      canonicalDigitalLink('https://shop.example.vn/x/gtin/8931234560003/ser/7?linkType=all&3103=000500&17=270101'),
    ).toBe('https://id.gs1.org/01/08931234560003/21/7?17=270101&3103=000500');
  });

  it('round-trips element strings and Digital Link', () => {
    const es = '(01)08931234560003(10)LOT/1(17)270630';
    const uri = buildDigitalLink(parseElementString(es).elements, { stem: 'https://truyxuat.example.vn' });
    expect(uri).toBe('https://truyxuat.example.vn/01/08931234560003/10/LOT%2F1?17=270630');
    expect(buildElementString(parseDigitalLink(uri).elements)).toBe(es);
  });
});
