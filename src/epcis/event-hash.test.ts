import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalNumber, canonicalTimestamp, eventHash, preHashString } from './event-hash.ts';
import { documentEventHashes, parseEpcisDocument, type ObjectEvent } from './index.ts';
import { HASH_VECTORS, listFiles } from './test-corpus.ts';

const examples = path.join(HASH_VECTORS, 'examples');
const parse = (file: string) =>
  parseEpcisDocument(readFileSync(file), file.endsWith('.xml') ? 'xml' : 'json', { xmlElementOrder: 'lenient' });
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

/** Stale or corrupted upstream `.prehashes` (see the corpus README); their `.hashes` stay authoritative. */
const STALE_PREHASHES: Record<string, number[] | 'all'> = {
  epcisDocWithAllGS1Keys: 'all',
  epcisDocWithCustomSchemaInContext: [1],
  epcisDocWithDefaultSchemaInContext: [1],
};

const inputs = listFiles(examples, /\.(xml|jsonld)$/).filter((f) =>
  existsSync(path.join(examples, f.replace(/\.(xml|jsonld)$/, '.hashes'))),
);

describe('CBV 2.0 event hash against the reference vectors', () => {
  it('covers every example that has expected hashes', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(36);
  });

  it.each(inputs)('%s', (file) => {
    const base = file.replace(/\.(xml|jsonld)$/, '');
    const parsed = parse(path.join(examples, file));
    const expected = lines(path.join(examples, `${base}.hashes`));
    const prehashFile = path.join(examples, `${base}.prehashes`);
    const stale = STALE_PREHASHES[base];
    if (existsSync(prehashFile) && stale !== 'all') {
      const pre = lines(prehashFile);
      parsed.events.forEach((event, i) => {
        if (stale?.includes(i)) return;
        const options = parsed.hashIgnoreFields ? { ignoreFields: parsed.hashIgnoreFields } : {};
        expect(preHashString(event, parsed.namespaces, options), `pre-hash of event ${i}`).toBe(pre[i]);
      });
    }
    expect(documentEventHashes(parsed)).toEqual(expected);
  });

  const equal = listFiles(path.join(HASH_VECTORS, 'expected_equal'), /\.(xml|json)$/);
  it.each(equal)('expected_equal/%s collapses to one hash', (file) => {
    const parsed = parse(path.join(HASH_VECTORS, 'expected_equal', file));
    expect(parsed.events.length).toBeGreaterThan(1);
    expect(new Set(documentEventHashes(parsed)).size).toBe(1);
  });

  it('gives distinct hashes for the distinct XML examples', () => {
    const all = listFiles(examples, /\.xml$/).flatMap((f) => documentEventHashes(parse(path.join(examples, f))));
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('pre-hash canonicalisation rules', () => {
  it('normalises timestamps to UTC milliseconds, rounding half up', () => {
    expect(canonicalTimestamp('2023-02-02T11:04:03.1415Z')).toBe('2023-02-02T11:04:03.142Z');
    expect(canonicalTimestamp('2023-02-02T11:04:03.1414Z')).toBe('2023-02-02T11:04:03.141Z');
    expect(canonicalTimestamp('2020-03-04T11:00:30+01:00')).toBe('2020-03-04T10:00:30.000Z');
    expect(canonicalTimestamp('2020-12-31T23:59:59.9996Z')).toBe('2021-01-01T00:00:00.000Z');
    expect(canonicalTimestamp('not a time')).toBe('not a time');
  });
  it('normalises numbers as the reference does', () => {
    expect(canonicalNumber('26.0')).toBe('26');
    expect(canonicalNumber('0.050')).toBe('0.05');
    expect(canonicalNumber('+12.10000')).toBe('12.1');
    expect(canonicalNumber('0.00001')).toBe('1e-05');
    expect(canonicalNumber('111100001111000011110000')).toBe('111100001111000003641344');
    expect(canonicalNumber('12a')).toBeNull();
  });
  it('ignores eventID, recordTime, errorDeclaration and JSON-LD comments', () => {
    const base: ObjectEvent = {
      type: 'ObjectEvent',
      eventTime: '2024-01-01T00:00:00Z',
      eventTimeZoneOffset: '+07:00',
      action: 'OBSERVE',
      epcList: ['urn:epc:id:sgtin:8935001.012345.1'],
    };
    const annotated: ObjectEvent = {
      ...base,
      eventID: 'urn:uuid:4f1b2c1e-0000-4000-8000-000000000000',
      recordTime: '2024-01-02T00:00:00Z',
      errorDeclaration: { declarationTime: '2024-01-03T00:00:00Z', reason: 'incorrect_data' },
      'rdfs:comment': 'a note',
    };
    expect(eventHash(annotated)).toBe(eventHash(base));
    expect(eventHash({ ...base, bizStep: 'shipping' })).not.toBe(eventHash(base));
  });
  it('gives the same hash for an EPC URN and its Digital Link, bare CBV words and their URIs', () => {
    const urn: ObjectEvent = {
      type: 'ObjectEvent',
      eventTime: '2024-01-01T07:00:00+07:00',
      eventTimeZoneOffset: '+07:00',
      action: 'OBSERVE',
      bizStep: 'receiving',
      epcList: ['urn:epc:id:sgtin:8935001.012345.1'],
    };
    const dl: ObjectEvent = {
      ...urn,
      eventTime: '2024-01-01T00:00:00.000Z',
      bizStep: 'https://ref.gs1.org/cbv/BizStep-receiving',
      epcList: ['https://example.vn/01/08935001123453/21/1?x=1'],
    };
    expect(eventHash(dl)).toBe(eventHash(urn));
  });
});
