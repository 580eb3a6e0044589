import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { hasValidCheckDigit } from '../identifiers/check-digit.ts';
import { callerOrganisation, requireAuthenticated, seesEverything, type Caller } from '../shared/caller.ts';
import { notFound } from '../shared/errors.ts';
import * as repo from './compliance.repository.ts';
import { resolveStandards } from './compliance.service.ts';

/**
 * Evidence for a business's self-assessment of its traceability system against TCVN 13167:2025, which builds on
 * GS1's Global Traceability Compliance Criteria. The criteria are grouped as REQUIREMENTS.md names them
 * (identification, capture, sharing, one step back and forward, record keeping); their wording here is our
 * paraphrase, not the standard's text. Each criterion gets measures computed from the records and a verdict the
 * business reviews before it declares conformity.
 */

export const CRITERIA = ['identification', 'capture', 'sharing', 'one_step', 'record_keeping'] as const;
export type CriterionId = (typeof CRITERIA)[number];
export type Verdict = 'met' | 'partly' | 'not_met';

export interface Measure {
  /** Catalogue key suffix `compliance.measure.<key>`. */
  readonly key: string;
  readonly numerator: number;
  readonly denominator: number;
  /** numerator / denominator, three decimals; null when there is nothing to count. */
  readonly share: number | null;
}

export interface Criterion {
  readonly id: CriterionId;
  readonly verdict: Verdict;
  readonly measures: readonly Measure[];
  /** Facts shown with the measures (dates, retention), never part of the verdict. */
  readonly facts: Readonly<Record<string, string | number | null>>;
}

export interface SelfAssessment {
  readonly organisationId: string;
  readonly organisationName: string;
  readonly generatedAt: Date;
  readonly basis: string;
  readonly criteria: readonly Criterion[];
  /** The overall verdict: met when every criterion is met, not met when any is not met, else partly. */
  readonly verdict: Verdict;
}

export const MET_SHARE = 0.95;
export const PARTLY_SHARE = 0.5;

export function measure(key: string, numerator: number, denominator: number): Measure {
  return {
    key,
    numerator,
    denominator,
    share: denominator === 0 ? null : Math.round((1000 * numerator) / denominator) / 1000,
  };
}

/**
 * A criterion is met when every measure with something to count reaches 95 %, partly met when their mean reaches
 * 50 %, not met otherwise — and not met when nothing can be counted (no records are no evidence).
 */
export function verdictOf(measures: readonly Measure[]): Verdict {
  const shares = measures.map((m) => m.share).filter((s): s is number => s !== null);
  if (shares.length === 0) return 'not_met';
  if (shares.every((s) => s >= MET_SHARE)) return 'met';
  return shares.reduce((a, b) => a + b, 0) / shares.length >= PARTLY_SHARE ? 'partly' : 'not_met';
}

export function overallVerdict(criteria: readonly Criterion[]): Verdict {
  if (criteria.every((c) => c.verdict === 'met')) return 'met';
  return criteria.some((c) => c.verdict === 'not_met') ? 'not_met' : 'partly';
}

/** Builds the criteria from the counts (pure: the arithmetic the report shows). */
export function assessCriteria(
  counts: repo.SelfAssessmentCounts,
  standards: { withStandard: number; retentionDays: number | null },
): Criterion[] {
  const validGtins = counts.products.filter((p) => /^\d{14}$/.test(p.gtin) && hasValidCheckDigit(p.gtin)).length;
  const validGlns = counts.locations.filter((l) => /^\d{13}$/.test(l.gln) && hasValidCheckDigit(l.gln)).length;
  const make = (id: CriterionId, measures: Measure[], facts: Criterion['facts'] = {}): Criterion => ({
    id,
    verdict: verdictOf(measures),
    measures,
    facts,
  });
  return [
    make('identification', [
      measure('productsWithValidGtin', validGtins, counts.products.length),
      measure('locationsWithValidGln', validGlns, counts.locations.length),
      measure('eventsAtGlnLocation', counts.eventsAtGln, counts.events),
      measure('eventsWithGs1Lot', counts.eventsWithGs1Lot, counts.events),
    ]),
    make(
      'capture',
      [
        measure('productsWithStandard', standards.withStandard, counts.products.length),
        measure('lotsWithRequiredKdes', counts.lotsWithRequiredKdes, counts.lots),
      ],
      {
        events: counts.events,
        averageScore: counts.averageScore === null ? null : Math.round(counts.averageScore * 10) / 10,
      },
    ),
    make('sharing', [measure('shipmentsConfirmed', counts.shipmentsConfirmed, counts.shipments)], {
      format: 'EPCIS 2.0 / CBV 2.0',
    }),
    make('one_step', [
      measure('receivingWithSource', counts.receivingWithSource, counts.receiving),
      measure('shippingWithDestination', counts.shippingWithDestination, counts.shipping),
      measure('lotsWithAllEvents', counts.lotsWithAllEvents, counts.lots),
    ]),
    make(
      'record_keeping',
      [
        measure(
          'productsWithRetention',
          standards.retentionDays === null ? 0 : standards.withStandard,
          counts.products.length,
        ),
        measure('eventsKept', counts.events, counts.events),
      ],
      {
        retentionDays: standards.retentionDays,
        firstEventAt: counts.firstEventAt?.toISOString() ?? null,
        declaredErroneous: counts.declaredErroneous,
      },
    ),
  ];
}

/**
 * The self-assessment evidence of an organisation: the organisation itself or the province may ask; any other
 * organisation's answers 404.
 */
export async function selfAssessment(
  db: Kysely<DB>,
  caller: Caller,
  organisationId: string,
  now = new Date(),
): Promise<SelfAssessment> {
  requireAuthenticated(caller);
  if (!seesEverything(caller) && callerOrganisation(caller) !== organisationId) throw notFound('Organisation');
  const name = await repo.organisationName(db, organisationId);
  if (name === undefined) throw notFound('Organisation');
  const counts = await repo.selfAssessmentCounts(db, organisationId);
  const products = await repo.productsByGtin(
    db,
    counts.products.map((p) => p.gtin),
  );
  const standards = await resolveStandards(db, [...products.values()]);
  const retention = [...standards.values()].map((s) => s.profile.retentionDays);
  const criteria = assessCriteria(counts, {
    withStandard: standards.size,
    retentionDays: retention.length === 0 ? null : Math.max(...retention),
  });
  return {
    organisationId,
    organisationName: name,
    generatedAt: now,
    basis: 'TCVN 13167:2025 / GS1 Global Traceability Compliance Criteria',
    criteria,
    verdict: overallVerdict(criteria),
  };
}
