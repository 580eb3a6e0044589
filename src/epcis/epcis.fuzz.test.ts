import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withCheckDigit } from '../identifiers/check-digit.ts';
import { EpcisValidationError } from './errors.ts';
import { documentEventHashes, parseEpcisDocument } from './index.ts';
import { buildJsonLdDocument, writeEpcisXml } from './xml-writer.ts';

/**
 * Property-based and mutation fuzzing of the EPCIS codecs, on the pure functions (no HTTP): the capture route hands
 * the body to `parseEpcisDocument`, and anything it throws other than EpcisValidationError becomes a 500.
 * FUZZ_RUNS raises the number of cases (default: CI size).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || undefined;
const runs = (ci: number) => ({ numRuns: RUNS ?? ci });

const gtin = fc.stringMatching(/^0893[0-9]{9}$/).map(withCheckDigit);
const gln = fc.stringMatching(/^893[0-9]{9}$/).map(withCheckDigit);
const code = fc.string({ unit: fc.constantFrom(...'ABCXYZ0123456789-_.'), minLength: 1, maxLength: 12 });
const time = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) })
  .map((ms) => new Date(ms).toISOString());
const offset = fc.constantFrom('+07:00', '+00:00', '-03:30', '+05:45', '-12:00');
// Text XML 1.0 can carry (capture refuses the rest, tested below).
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;
const text = fc.string({ maxLength: 40, unit: 'grapheme' }).filter((s) => !NOT_XML.test(s));

const objectEvent = fc.record(
  {
    type: fc.constant('ObjectEvent'),
    eventTime: time,
    eventTimeZoneOffset: offset,
    action: fc.constantFrom('ADD', 'OBSERVE', 'DELETE'),
    bizStep: fc.constantFrom('commissioning', 'shipping', 'receiving', 'inspecting', 'packing'),
    disposition: fc.constantFrom('active', 'in_transit', 'in_progress', 'recalled'),
    epcList: fc.array(
      fc.tuple(gtin, code).map(([g, s]) => `https://id.gs1.org/01/${g}/21/${s}`),
      { minLength: 1, maxLength: 3 },
    ),
    quantityList: fc.array(
      fc.record({
        epcClass: fc.tuple(gtin, code).map(([g, l]) => `https://id.gs1.org/01/${g}/10/${l}`),
        quantity: fc.integer({ min: 1, max: 100000 }).map((n) => n / 4),
        uom: fc.constantFrom('KGM', 'LTR', 'H87'),
      }),
      { maxLength: 2 },
    ),
    readPoint: gln.map((g) => ({ id: `https://id.gs1.org/414/${g}` })),
    bizLocation: gln.map((g) => ({ id: `https://id.gs1.org/414/${g}` })),
    sourceList: fc.array(
      gln.map((g) => ({ type: 'owning_party', source: `https://id.gs1.org/417/${g}` })),
      { maxLength: 1 },
    ),
    'ex:note': text,
    'ex:grade': fc.record({ 'ex:value': fc.integer({ min: -1000, max: 1000 }).map(String), 'ex:label': text }),
  },
  { requiredKeys: ['type', 'eventTime', 'eventTimeZoneOffset', 'action', 'epcList'] },
);

const jsonDocument = (events: unknown[]) => ({
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { ex: 'https://example.vn/ns/' }],
  type: 'EPCISDocument',
  schemaVersion: '2.0',
  creationDate: '2026-05-01T00:00:00Z',
  epcisBody: { eventList: events },
});

describe('EPCIS codecs keep the event hash across JSON-LD and XML', () => {
  it('JSON-LD → model → XML → model → JSON-LD: same hashes at every step', () =>
    fc.assert(
      fc.property(fc.array(objectEvent, { minLength: 1, maxLength: 3 }), (events) => {
        const fromJson = parseEpcisDocument(JSON.stringify(jsonDocument(events)), 'json');
        const hashes = documentEventHashes(fromJson);
        const xml = writeEpcisXml(fromJson.events, fromJson.namespaces, { creationDate: '2026-05-01T00:00:00Z' });
        const fromXml = parseEpcisDocument(xml, 'xml');
        expect(documentEventHashes(fromXml)).toEqual(hashes);
        const again = buildJsonLdDocument(fromXml.events, fromXml.namespaces, { creationDate: '2026-05-01T00:00:00Z' });
        expect(documentEventHashes(parseEpcisDocument(JSON.stringify(again), 'json'))).toEqual(hashes);
      }),
      runs(500),
    ));
});

describe('EPCIS capture refuses text XML cannot carry', () => {
  it('a control character in any extension value is a finding naming its field', () =>
    fc.assert(
      fc.property(
        objectEvent,
        fc.string({ maxLength: 10 }),
        fc.constantFrom('\u0001', '\u0008', '\u000b', '\u001f', '\uffff'),
        (event, around, control) => {
          const value = `${around}${control}${around}`;
          const bad = { ...event, 'ex:grade': { 'ex:value': '1', 'ex:label': value } };
          try {
            parseEpcisDocument(JSON.stringify(jsonDocument([bad])), 'json');
            expect.unreachable('a control character was accepted');
          } catch (e) {
            if (!(e instanceof EpcisValidationError)) throw e;
            expect(e.findings.map((f) => f.field)).toContain('ex:grade.ex:label');
          }
        },
      ),
      runs(200),
    ));
});

/** Anything but the codec's own validation error would reach the client as a 500. */
function onlyValidationErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof EpcisValidationError)) throw e;
  }
}

const SEED_EVENT = {
  type: 'ObjectEvent',
  eventTime: '2026-05-01T01:00:00.000Z',
  eventTimeZoneOffset: '+07:00',
  action: 'ADD',
  bizStep: 'commissioning',
  disposition: 'active',
  epcList: ['https://id.gs1.org/01/08935001000013/21/A1'],
  quantityList: [{ epcClass: 'https://id.gs1.org/01/08935001000013/10/L1', quantity: 2.5, uom: 'KGM' }],
  readPoint: { id: 'https://id.gs1.org/414/8935001000006' },
  'ex:note': 'Sen Tịnh Tâm',
};
const SEED_JSON = JSON.stringify(jsonDocument([SEED_EVENT]));
const SEED_XML = writeEpcisXml(
  parseEpcisDocument(SEED_JSON, 'json').events,
  { ex: 'https://example.vn/ns/' },
  { creationDate: '2026-05-01T00:00:00Z' },
);
const TOKENS = [
  ...'{}[]",:<>/=&;#\\\'\u0000\u001f\u00e9\u20ac\ud800 ',
  'null',
  'true',
  '-1e999',
  '1e400',
  '"@context"',
  '"type"',
  '"eventList"',
  '"ObjectEvent"',
  '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
  '&a;',
  '<![CDATA[x]]>',
  '<?xml version="1.0"?>',
  'xmlns:ex="urn:x"',
  '</epcisBody>',
  '<ObjectEvent>',
  '<eventTime>',
  '2026-13-45T99:99:99Z',
  '+25:00',
  'urn:epc:id:sgtin:',
  'https://id.gs1.org/01/',
  '__proto__',
  '"__proto__":{}',
  '"constructor":{"prototype":{}}',
];

/** A seed document with a few random edits: deletions, duplications and inserted tokens. */
const mutate = (seed: string) =>
  fc
    .array(
      fc.tuple(
        fc.nat(),
        fc.nat(60),
        fc.constantFrom('insert', 'delete', 'duplicate', 'replace'),
        fc.constantFrom(...TOKENS),
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((edits) =>
      edits.reduce((s, [at, len, op, token]) => {
        const i = s.length === 0 ? 0 : at % s.length;
        if (op === 'insert') return s.slice(0, i) + token + s.slice(i);
        if (op === 'delete') return s.slice(0, i) + s.slice(i + len);
        if (op === 'duplicate') return s.slice(0, i + len) + s.slice(i, i + len) + s.slice(i + len);
        return s.slice(0, i) + token + s.slice(i + token.length);
      }, seed),
    );

describe('mutated EPCIS documents are refused with a validation error, never a crash', () => {
  it('JSON-LD', () =>
    fc.assert(
      fc.property(mutate(SEED_JSON), (doc) => onlyValidationErrors(() => parseEpcisDocument(doc, 'json'))),
      runs(3_000),
    ));
  it('XML', () =>
    fc.assert(
      fc.property(mutate(SEED_XML), (doc) => onlyValidationErrors(() => parseEpcisDocument(doc, 'xml'))),
      runs(3_000),
    ));
  it('structurally valid JSON with values of the wrong kind anywhere', () => {
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const paths = ['eventTime', 'eventTimeZoneOffset', 'action', 'epcList', 'quantityList', 'readPoint', 'ex:note'];
    fc.assert(
      fc.property(fc.constantFrom(...paths), anyJson, (key, value) => {
        const doc = JSON.stringify(jsonDocument([{ ...SEED_EVENT, [key]: value }]));
        onlyValidationErrors(() => {
          const parsed = parseEpcisDocument(doc, 'json');
          documentEventHashes(parsed);
        });
      }),
      runs(3_000),
    );
  });
});
