import { describe, expect, it } from 'vitest';
import { isMessageKey } from '../shared/messages.ts';
import type { SelfAssessmentCounts } from './compliance.repository.ts';
import { assessCriteria, CRITERIA, measure, overallVerdict, verdictOf } from './self-assessment.ts';

const counts: SelfAssessmentCounts = {
  products: [
    { id: 'a', gtin: '08935601000017' },
    { id: 'b', gtin: '08935601000018' },
  ],
  locations: [{ gln: '8935601000007' }],
  events: 20,
  eventsAtGln: 20,
  eventsWithGs1Lot: 19,
  shipping: 4,
  shippingWithDestination: 4,
  receiving: 2,
  receivingWithSource: 1,
  shipments: 0,
  shipmentsConfirmed: 0,
  declaredErroneous: 1,
  firstEventAt: new Date('2026-05-20T01:00:00Z'),
  lots: 8,
  lotsWithRequiredKdes: 6,
  lotsWithAllEvents: 8,
  averageScore: 91.25,
};

describe('self-assessment verdicts', () => {
  it('are met at 95 %, partly met from a 50 % mean, and not met without evidence', () => {
    expect(verdictOf([measure('x', 19, 20), measure('y', 1, 1)])).toBe('met');
    expect(verdictOf([measure('x', 10, 20), measure('y', 1, 1)])).toBe('partly');
    expect(verdictOf([measure('x', 1, 20), measure('y', 0, 1)])).toBe('not_met');
    expect(verdictOf([measure('x', 0, 0)])).toBe('not_met');
    expect(verdictOf([measure('x', 0, 0), measure('y', 5, 5)])).toBe('met');
    expect(measure('x', 2, 3).share).toBe(0.667);
  });

  it('come from the records: an invalid GTIN, a receipt without its supplier, nothing to share', () => {
    const criteria = assessCriteria(counts, { withStandard: 2, retentionDays: 730 });
    expect(criteria.map((c) => c.id)).toEqual([...CRITERIA]);
    const by = Object.fromEntries(criteria.map((c) => [c.id, c]));
    expect(by.identification!.measures[0]).toEqual({
      key: 'productsWithValidGtin',
      numerator: 1,
      denominator: 2,
      share: 0.5,
    });
    expect(by.identification!.verdict).toBe('partly');
    expect(by.sharing!.verdict).toBe('not_met');
    expect(by.one_step!.verdict).toBe('partly');
    expect(by.record_keeping).toMatchObject({ verdict: 'met', facts: { retentionDays: 730 } });
    expect(overallVerdict(criteria)).toBe('not_met');
    expect(overallVerdict(criteria.filter((c) => c.verdict === 'met'))).toBe('met');
  });

  it('have every label in the catalogue', () => {
    const criteria = assessCriteria(counts, { withStandard: 2, retentionDays: 730 });
    for (const c of criteria) {
      expect(isMessageKey(`compliance.criterion.${c.id}`)).toBe(true);
      for (const m of c.measures) expect(isMessageKey(`compliance.measure.${m.key}`), m.key).toBe(true);
      for (const f of Object.keys(c.facts)) expect(isMessageKey(`compliance.fact.${f}`), f).toBe(true);
    }
  });
});
