import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEpcisDocument } from '../epcis/index.ts';
import { publicEvent } from '../portal/public-fields.ts';
import { checkEvent, evaluate } from './evaluate.ts';
import type { StandardProfile } from './profile.ts';
import { validateProfile } from './profile.schema.ts';
import { BUILT_IN_PROFILES } from './profiles/index.ts';

/**
 * The standard profile format fed arbitrary documents: `validateProfile` (what saving a draft runs) never throws
 * and answers only typed problems (field + message); a document it accepts can be applied — evaluation, the
 * capture-time check and the public projection of events never throw either. Documents are random JSON and the
 * built-in profiles with a random member replaced or removed. FUZZ_RUNS raises the number of cases.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || undefined;
const runs = (ci: number) => ({ numRuns: RUNS ?? ci });
const TIMEOUT = RUNS ? 3_600_000 : undefined;

const EVENTS = parseEpcisDocument(
  JSON.stringify({
    '@context': [
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { tx: 'https://truyxuat.vn/epcis/' },
    ],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-06-01T00:00:00Z',
    epcisBody: {
      eventList: [
        {
          type: 'ObjectEvent',
          eventTime: '2026-06-01T01:00:00Z',
          eventTimeZoneOffset: '+07:00',
          action: 'ADD',
          bizStep: 'commissioning',
          bizLocation: { id: 'https://id.gs1.org/414/8936000190101' },
          quantityList: [{ epcClass: 'https://id.gs1.org/01/08936000190019/10/L1', quantity: 10, uom: 'KGM' }],
          ilmd: { 'tx:harvestDate': '2026-05-30', 'tx:note': { '@value': 'x' } },
        },
        {
          type: 'TransformationEvent',
          eventTime: '2026-06-02T01:00:00Z',
          eventTimeZoneOffset: '+07:00',
          bizStep: 'commissioning',
          inputQuantityList: [{ epcClass: 'https://id.gs1.org/01/08936000190019/10/L1', quantity: 10, uom: 'KGM' }],
          outputQuantityList: [{ epcClass: 'https://id.gs1.org/01/08936000190026/10/P1', quantity: 4, uom: 'KGM' }],
        },
      ],
    },
  }),
  'json',
).events;

const isProblem = (p: unknown) =>
  typeof p === 'object' &&
  p !== null &&
  typeof (p as { field: unknown }).field === 'string' &&
  typeof (p as { message: unknown }).message === 'string';

/** Validates; when accepted, applies the profile to the sample events. Throws only on a defect. */
function validateAndApply(document: unknown): void {
  const problems = validateProfile(document);
  expect(Array.isArray(problems)).toBe(true);
  expect(problems.every(isProblem)).toBe(true);
  if (problems.length > 0) return;
  const profile = document as StandardProfile;
  evaluate(profile, EVENTS);
  EVENTS.forEach((e, i) => checkEvent(profile, e, i));
  for (const e of EVENTS) publicEvent(e, profile.publicFields, new Map(), {});
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path (as keys) into a JSON value. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
  return out;
}

function mutate(document: Json, path: (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const copy = structuredClone(document) as Record<string | number, Json>;
  let at: Record<string | number, Json> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (replacement === undefined) {
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete at[last];
  } else at[last] = replacement;
  return copy;
}

const builtIn = BUILT_IN_PROFILES.map((p) => JSON.parse(JSON.stringify(p)) as Json);
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>('(a+)+$', '[', '', '$location.', 'ilmd..x', -1, 1e308, 2 ** 53 + 1, [], {}, 'x'.repeat(10_000)),
);
const mutatedProfile = fc
  .tuple(fc.nat(builtIn.length - 1), fc.nat(), hostileValue, fc.boolean())
  .map(([which, pick, value, remove]) => {
    const base = builtIn[which]!;
    const paths = pathsOf(base);
    return mutate(base, paths[pick % paths.length]!, remove ? undefined : value);
  });

describe('standard profile format: never crashes, only typed problems', () => {
  it('the built-in profiles are valid and apply cleanly', () => {
    for (const p of builtIn) {
      expect(validateProfile(p)).toEqual([]);
      validateAndApply(p);
    }
  });

  it('arbitrary JSON documents', () => fc.assert(fc.property(fc.jsonValue(), validateAndApply), runs(2_000)), TIMEOUT);

  it(
    'built-in profiles with one member replaced or removed',
    () => fc.assert(fc.property(mutatedProfile, validateAndApply), runs(3_000)),
    TIMEOUT,
  );

  it(
    'built-in profiles with several members replaced',
    () =>
      fc.assert(
        fc.property(
          fc.nat(builtIn.length - 1),
          fc.array(fc.tuple(fc.nat(), hostileValue), { minLength: 2, maxLength: 5 }),
          (which, edits) => {
            let doc: Json = builtIn[which]!;
            for (const [pick, value] of edits) {
              const paths = pathsOf(doc);
              doc = mutate(doc, paths[pick % paths.length]!, value);
            }
            validateAndApply(doc);
          },
        ),
        runs(1_000),
      ),
    TIMEOUT,
  );
});
