import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasValidCheckDigit } from './check-digit.ts';
import { parseDigitalLink } from './digital-link.ts';
import { compressDigitalLink, decompressDigitalLink, isCompressedDigitalLink } from './dl-compression.ts';
import { Gs1Error } from './errors.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const vectors = JSON.parse(
  fs.readFileSync(
    path.resolve(repoRoot, '../shared/conformance/digital-link-js/vectors/digital-link-js-vectors.json'),
    'utf8',
  ),
) as {
  validation: { description: string; uri: string; expectedValid: boolean; caveat?: string }[];
  compression: {
    description: string;
    op: 'compress' | 'decompress';
    options?: { useOptimisations: boolean; compressOtherKeyValuePairs: boolean };
    input: string;
    expected: string;
  }[];
  compressionDetection: { uri: string; isCompressed: boolean }[];
  checkDigit: { keyLengthArg: number; value: string; expectedValid: boolean }[];
};

describe('digital-link.js compression vectors (conformance/digital-link-js)', () => {
  it.each(vectors.compression.map((v) => [v.description, v] as const))('%s', (_d, v) => {
    if (v.op === 'compress') {
      const options = v.options ?? { useOptimisations: true, compressOtherKeyValuePairs: true };
      expect(
        compressDigitalLink(v.input, {
          optimise: options.useOptimisations,
          compressOtherParams: options.compressOtherKeyValuePairs,
        }),
      ).toBe(v.expected);
    } else {
      expect(decompressDigitalLink(v.input)).toBe(v.expected);
    }
  });

  it.each(vectors.compressionDetection.map((v) => [v.uri, v.isCompressed] as const))('detects %s', (uri, expected) => {
    expect(isCompressedDigitalLink(uri)).toBe(expected);
  });

  it('round-trips AI data with every value encoding and the optimisation codes', () => {
    const uris = [
      'https://id.gs1.org/01/08931234560003/22/2A/10/ab12/21/Zz-_9?17=270100&3103=000750&linkType=gs1%3Apip',
      'https://example.vn/hue/414/8931234000011/254/KHO%2F1',
      'https://id.gs1.org/253/8931234000011DOC%21?8017=089312340000000011',
      'https://id.gs1.org/00/089312340000000011?02=08931234560003&37=0012&4330=001230-&4321=1',
      'https://id.gs1.org/8003/08931234000011SER01',
      'https://id.gs1.org/01/08931234560003?7007=260101260201&7030=704ABC',
    ];
    for (const uri of uris) {
      const compressed = compressDigitalLink(uri);
      expect(isCompressedDigitalLink(compressed)).toBe(true);
      const back = parseDigitalLink(decompressDigitalLink(compressed));
      const original = parseDigitalLink(uri);
      expect(new Set(back.elements.map((e) => `${e.ai}=${e.value}`))).toEqual(
        new Set(original.elements.map((e) => `${e.ai}=${e.value}`)),
      );
      expect(back.otherParams).toEqual(original.otherParams);
    }
  });

  it('keeps the primary key readable when asked (partially compressed)', () => {
    const uri = 'https://truyxuat.example.vn/hue/01/08931234560003/10/LO26/21/S%2B1?17=270630';
    const partial = compressDigitalLink(uri, { uncompressedPrimaryKey: true });
    expect(partial).toMatch(/^https:\/\/truyxuat\.example\.vn\/hue\/01\/08931234560003\/[A-Za-z0-9_-]+$/);
    expect(isCompressedDigitalLink(partial)).toBe(true);
    expect(decompressDigitalLink(partial)).toBe(uri);
    expect(compressDigitalLink('https://id.gs1.org/01/08931234560003', { uncompressedPrimaryKey: true })).toBe(
      'https://id.gs1.org/01/08931234560003',
    );
  });

  it('rejects data that does not decode', () => {
    expect(() => decompressDigitalLink('https://id.gs1.org/____')).toThrow(Gs1Error);
    expect(() => decompressDigitalLink('https://id.gs1.org/01/x')).toThrow(Gs1Error);
  });
});

describe('digital-link.js validation vectors', () => {
  // README: "Where this file disagrees with ../gs1-syntax-engine-vectors, follow the syntax engine". The engine
  // rejects a trailing slash after the path (vector 'https://a/stem/00/006141411234567890/'), this library accepts it.
  const TRAILING_SLASH = 'https://example.com/01/00000001234565/';
  const valid = (uri: string, zeroSuppressed = false) => {
    try {
      if (isCompressedDigitalLink(uri)) return decompressDigitalLink(uri) !== '';
      parseDigitalLink(uri, { permitZeroSuppressedGtin: zeroSuppressed });
      return true;
    } catch (e) {
      if (e instanceof Gs1Error) return false;
      throw e;
    }
  };
  const plain = vectors.validation.filter((v) => v.caveat === undefined && v.uri !== TRAILING_SLASH);
  it.each(plain.map((v) => [v.description, v] as const))('%s', (_d, v) => {
    expect(valid(v.uri)).toBe(v.expectedValid);
  });
  it('follows the Syntax Engine where the README says so (trailing slash)', () => {
    expect(valid(TRAILING_SLASH)).toBe(false);
    expect(valid(TRAILING_SLASH.slice(0, -1))).toBe(true);
  });
  // Caveat "zero-pads GTIN-8/12/13 in the path": the library's behaviour is our permitZeroSuppressedGtin option.
  const padding = vectors.validation.filter((v) => v.caveat?.includes('zero-pads'));
  it.each(padding.map((v) => [v.uri, v] as const))('zero-suppressed GTIN %s (with the option on)', (_u, v) => {
    expect(valid(v.uri, true)).toBe(v.expectedValid);
    expect(valid(v.uri, false)).toBe(false);
  });
  // Caveat "GIAI (8004) has no check digit … Do not treat as normative": the dictionary rule X..30 + GCP accepts them.
  const giai = vectors.validation.filter((v) => v.caveat?.includes('8004'));
  it.each(giai.map((v) => [v.uri] as const))('GIAI %s follows the dictionary (accepted)', (uri) => {
    expect(valid(uri)).toBe(true);
  });
  // Caveat "accepts any linkType value syntactically": so do we; the resolver decides what a link type means.
  const linkType = vectors.validation.filter((v) => v.caveat?.includes('linkType'));
  it.each(linkType.map((v) => [v.uri, v] as const))('linkType %s', (_u, v) => {
    expect(valid(v.uri)).toBe(v.expectedValid);
  });
});

describe('digital-link.js check-digit vectors', () => {
  it.each(vectors.checkDigit.map((v) => [v.value, v] as const))('%s', (_value, v) => {
    const covered = v.keyLengthArg > 0 ? v.value.slice(0, v.keyLengthArg) : v.value;
    expect(hasValidCheckDigit(covered)).toBe(v.expectedValid);
  });
});
