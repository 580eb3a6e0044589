import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withCheckDigit } from './check-digit.ts';
import { buildDigitalLink, canonicalDigitalLink, parseDigitalLink } from './digital-link.ts';
import { compressDigitalLink, decompressDigitalLink, isCompressedDigitalLink } from './dl-compression.ts';
import { buildElementString, parseElementString } from './element-string.ts';
import { Gs1Error } from './errors.ts';
import { interpretGs1 } from './interpret.ts';
import { gmnCheckCharacters, parseGtin } from './keys.ts';
import { CSET82 } from './linters.ts';

/** FUZZ_RUNS raises the number of cases of every property (default: CI size); long runs get a long timeout. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || undefined;
const runsOf = (ci: number) => ({ numRuns: RUNS ?? ci });
const TIMEOUT = RUNS ? 3_600_000 : undefined;

/** Runs `fn`; anything thrown must be the documented Gs1Error. */
const onlyGs1Errors = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof Gs1Error)) throw e;
  }
};

const SEEDS = [
  'https://id.gs1.org/01/08931234560003/10/LO%2F26/21/A1?17=270630&3103=000750&linkType=gs1:pip',
  'https://truyxuat.example.vn/hue/414/8931234000011/254/KHO1',
  'https://id.gs1.org/00/089312340000000011?02=08931234560003&37=12',
  'https://id.gs1.org/HxHKVAdpQgZzjr-hCDKigI',
  '(01)08931234560003(10)LO26(17)270600(21)S%1',
  ']C1010893123456000310LO26\x1d17270630',
  'urn:epc:id:sgtin:8931234.056000.A1',
  '8931234560003',
];
const ALPHABET = [...'0123456789()%/?&=#+^:.-_~ []\x1d\x00é€AZaz'];

/** A seed with a few random insertions, deletions and replacements. */
const mutated = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(fc.tuple(fc.nat(200), fc.constantFrom(...ALPHABET), fc.constantFrom('insert', 'delete', 'replace')), {
      maxLength: 6,
    }),
  )
  .map(([seed, edits]) =>
    edits.reduce((s, [at, ch, op]) => {
      const i = s.length === 0 ? 0 : at % s.length;
      if (op === 'insert') return s.slice(0, i) + ch + s.slice(i);
      if (op === 'delete') return s.slice(0, i) + s.slice(i + 1);
      return s.slice(0, i) + ch + s.slice(i + 1);
    }, seed),
  );
const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), mutated);

describe('parsers never throw anything but Gs1Error (random and mutated input)', () => {
  const runs = runsOf(1500);
  it(
    'parseDigitalLink',
    () =>
      fc.assert(
        fc.property(anyText, (s) => onlyGs1Errors(() => parseDigitalLink(s))),
        runs,
      ),
    TIMEOUT,
  );
  it(
    'parseDigitalLink, lenient',
    () =>
      fc.assert(
        fc.property(anyText, (s) =>
          onlyGs1Errors(() => parseDigitalLink(s, { permitConvenienceAlphas: true, permitZeroSuppressedGtin: true })),
        ),
        runs,
      ),
    TIMEOUT,
  );
  it(
    'parseElementString',
    () =>
      fc.assert(
        fc.property(anyText, (s) => onlyGs1Errors(() => parseElementString(s))),
        runs,
      ),
    TIMEOUT,
  );
  it(
    'canonicalDigitalLink and compressDigitalLink',
    () =>
      fc.assert(
        fc.property(anyText, (s) => {
          onlyGs1Errors(() => canonicalDigitalLink(s));
          onlyGs1Errors(() => compressDigitalLink(s));
        }),
        runs,
      ),
    TIMEOUT,
  );
  it(
    'decompressDigitalLink and isCompressedDigitalLink on random base64url segments',
    () =>
      fc.assert(
        fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{0,120}$/), anyText, (segment, s) => {
          onlyGs1Errors(() => decompressDigitalLink(`https://id.gs1.org/${segment}`));
          onlyGs1Errors(() => decompressDigitalLink(s));
          expect(typeof isCompressedDigitalLink(s)).toBe('boolean');
        }),
        runs,
      ),
    TIMEOUT,
  );
  it(
    'interpretGs1, parseGtin and gmnCheckCharacters',
    () =>
      fc.assert(
        fc.property(anyText, (s) => {
          onlyGs1Errors(() => interpretGs1(s));
          onlyGs1Errors(() => parseGtin(s));
          onlyGs1Errors(() => gmnCheckCharacters(s));
        }),
        runs,
      ),
    TIMEOUT,
  );
});

describe('whatever parses has one canonical form', () => {
  it(
    'canonicalDigitalLink of any accepted input parses to the same elements and is a fixed point',
    () =>
      fc.assert(
        fc.property(anyText, (s) => {
          let canonical: string;
          let elements: string[];
          try {
            elements = parseDigitalLink(s).elements.map((e) => `${e.ai}=${e.value}`);
            canonical = canonicalDigitalLink(s);
          } catch (e) {
            if (e instanceof Gs1Error) return;
            throw e;
          }
          expect(
            parseDigitalLink(canonical)
              .elements.map((e) => `${e.ai}=${e.value}`)
              .sort(),
          ).toEqual(elements.sort());
          expect(canonicalDigitalLink(canonical)).toBe(canonical);
        }),
        runsOf(1500),
      ),
    TIMEOUT,
  );
});

describe('valid data survives every conversion', () => {
  const x = fc.string({ unit: fc.constantFrom(...CSET82), minLength: 1, maxLength: 20 });
  const gtin = fc.stringMatching(/^[0-9]{13}$/).map(withCheckDigit);
  const date = fc.tuple(
    fc.integer({ min: 0, max: 99 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 0, max: 28 }),
  );
  const yymmdd = date.map(([y, m, d]) => [y, m, d].map((n) => String(n).padStart(2, '0')).join(''));
  const product = fc.record({
    gtin,
    lot: fc.option(x),
    serial: fc.option(x),
    expiry: fc.option(yymmdd),
    internal: fc.option(x),
  });

  it(
    'element strings → Digital Link → compressed → back',
    () =>
      fc.assert(
        fc.property(product, (p) => {
          const elements = [
            { ai: '01', value: p.gtin },
            ...(p.lot === null ? [] : [{ ai: '10', value: p.lot }]),
            ...(p.serial === null ? [] : [{ ai: '21', value: p.serial }]),
            ...(p.expiry === null ? [] : [{ ai: '17', value: p.expiry }]),
            ...(p.internal === null ? [] : [{ ai: '91', value: p.internal }]),
          ];
          const key = (es: readonly { ai: string; value: string }[]) => es.map((e) => `${e.ai}=${e.value}`).sort();
          const uri = buildDigitalLink(elements, { stem: 'https://truyxuat.example.vn/hue' });
          expect(key(parseDigitalLink(uri).elements)).toEqual(key(elements));
          expect(key(parseDigitalLink(decompressDigitalLink(compressDigitalLink(uri))).elements)).toEqual(
            key(elements),
          );
          expect(key(parseElementString(buildElementString(elements, { form: 'raw' })).elements)).toEqual(
            key(elements),
          );
          expect(key(parseElementString(buildElementString(elements)).elements)).toEqual(key(elements));
        }),
        runsOf(500),
      ),
    TIMEOUT,
  );
});
