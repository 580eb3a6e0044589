import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { recordAudit } from '../audit/index.ts';
import { notify } from '../notifications/index.ts';
import { callerOrganisation, requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError, notFound } from '../shared/errors.ts';
import * as repo from './insights.repository.ts';
import { requireProvince } from './insights.service.ts';

/**
 * The readiness survey (the plan's "survey, consult, guide"): the province sends a questionnaire to the registered
 * organisations, each answers in the app, and the answers are summarised per product group and commune with the
 * next step each answer suggests.
 */

export const BARCODE_USE = ['none', 'gtin', 'gtin_qr'] as const;
export const RECORD_KEEPING = ['none', 'paper', 'spreadsheet', 'software'] as const;
export const NEEDS = ['training', 'standard', 'stamps', 'connect_vendor', 'funding'] as const;

export interface SurveyAnswers {
  readonly productGroup: string;
  readonly products: number;
  readonly barcodeUse: (typeof BARCODE_USE)[number];
  readonly records: (typeof RECORD_KEEPING)[number];
  readonly vendorSystem: string | null;
  readonly needs: readonly (typeof NEEDS)[number][];
}

export type NextStep = 'training' | 'gs1_membership' | 'adopt_standard' | 'connect_vendor' | 'stamps' | 'ready';

/**
 * The next steps an answer suggests (pure): training when the organisation was never trained or keeps no or paper
 * records; a GS1 membership when it uses no barcode; the published standard of its product group when one exists;
 * connecting its existing vendor system through a provider delegation; stamps when it asks for them.
 */
export function suggestNextSteps(
  answers: SurveyAnswers,
  facts: { readonly trained: boolean; readonly standardForGroup: string | null },
): { step: NextStep; standard?: string }[] {
  const steps: { step: NextStep; standard?: string }[] = [];
  if (
    !facts.trained ||
    answers.records === 'none' ||
    answers.records === 'paper' ||
    answers.needs.includes('training')
  ) {
    steps.push({ step: 'training' });
  }
  if (answers.barcodeUse === 'none') steps.push({ step: 'gs1_membership' });
  if (facts.standardForGroup) steps.push({ step: 'adopt_standard', standard: facts.standardForGroup });
  if (answers.vendorSystem || answers.needs.includes('connect_vendor')) steps.push({ step: 'connect_vendor' });
  if (answers.needs.includes('stamps') && answers.barcodeUse !== 'none') steps.push({ step: 'stamps' });
  if (steps.length === 0) steps.push({ step: 'ready' });
  return steps;
}

export async function sendSurvey(db: Kysely<DB>, caller: Caller, input: { title: string; closesOn?: string | null }) {
  requireProvince(caller);
  requirePermission(caller, 'province:write');
  const title = input.title.trim();
  if (!title || title.length > 300) {
    throw new AppError('validation', 'A title of 1 to 300 characters is required', {
      fields: [{ field: 'title', message: 'required' }],
    });
  }
  if (input.closesOn && !/^\d{4}-\d{2}-\d{2}$/.test(input.closesOn)) {
    throw new AppError('validation', 'closesOn is a date YYYY-MM-DD', {
      fields: [{ field: 'closesOn', message: 'date' }],
    });
  }
  const id = randomUUID();
  const organisations = await repo.registeredOrganisations(db);
  const send = async (trx: Kysely<DB>) => {
    await trx
      .insertInto('insight_survey')
      .values({
        id,
        title,
        sent_by: caller.kind === 'user' ? caller.userId : null,
        closes_on: input.closesOn ?? null,
      })
      .execute();
    for (const o of organisations) {
      await notify(trx, {
        organisationId: o.id,
        kind: 'survey.sent',
        titleKey: 'insights.survey.sent',
        params: { title },
        link: '/app/survey',
        payload: { surveyId: id },
      });
    }
    await recordAudit(trx, caller, {
      action: 'insights.survey.send',
      objectType: 'insight_survey',
      objectId: id,
      change: { title, closesOn: input.closesOn ?? null },
      detail: { sentTo: organisations.length },
    });
  };
  // The demo sends its survey inside its own transaction.
  if (db.isTransaction) await send(db);
  else await db.transaction().execute(send);
  return { id, title, sentTo: organisations.length };
}

export async function listSurveys(db: Kysely<DB>, caller: Caller) {
  requirePermission(caller, 'registry:read');
  const own = callerOrganisation(caller);
  const surveys = await db
    .selectFrom('insight_survey')
    .select(['id', 'title', 'sent_at', 'closes_on'])
    .orderBy('sent_at', 'desc')
    .execute();
  const counts = await db
    .selectFrom('insight_survey_response')
    .select(['survey_id', db.fn.countAll<string>().as('n')])
    .groupBy('survey_id')
    .execute();
  const mine = own
    ? await db.selectFrom('insight_survey_response').selectAll().where('organisation_id', '=', own).execute()
    : [];
  return surveys.map((s) => ({
    id: s.id,
    title: s.title,
    sentAt: s.sent_at.toISOString(),
    closesOn: s.closes_on,
    ...(seesEverything(caller) ? { responses: Number(counts.find((c) => c.survey_id === s.id)?.n ?? 0) } : {}),
    ownAnswers: mine.find((m) => m.survey_id === s.id)?.answers ?? null,
  }));
}

function validateAnswers(a: SurveyAnswers): void {
  const fields: { field: string; message: string }[] = [];
  if (!Number.isInteger(a.products) || a.products < 0 || a.products > 100_000) {
    fields.push({ field: 'products', message: 'a whole number ≥ 0' });
  }
  if (!BARCODE_USE.includes(a.barcodeUse)) fields.push({ field: 'barcodeUse', message: 'unknown value' });
  if (!RECORD_KEEPING.includes(a.records)) fields.push({ field: 'records', message: 'unknown value' });
  if (a.needs.some((n) => !NEEDS.includes(n))) fields.push({ field: 'needs', message: 'unknown value' });
  if (a.vendorSystem !== null && a.vendorSystem.length > 200)
    fields.push({ field: 'vendorSystem', message: 'too long' });
  if (fields.length) throw new AppError('validation', 'The answers are not valid', { fields });
}

/** An organisation answers (or corrects its answer to) a survey. */
export async function answerSurvey(db: Kysely<DB>, caller: Caller, surveyId: string, answers: SurveyAnswers) {
  requirePermission(caller, 'registry:write');
  const own = callerOrganisation(caller);
  if (!own) throw new AppError('forbidden', 'Only an organisation answers a survey');
  const survey = await db.selectFrom('insight_survey').select(['id']).where('id', '=', surveyId).executeTakeFirst();
  if (!survey) throw notFound('survey');
  validateAnswers(answers);
  const group = await db
    .selectFrom('product_group')
    .select('code')
    .where('code', '=', answers.productGroup)
    .executeTakeFirst();
  if (!group) {
    throw new AppError('validation', 'Unknown product group', {
      fields: [{ field: 'productGroup', message: 'unknown' }],
    });
  }
  const clean = { ...answers, vendorSystem: answers.vendorSystem?.trim() || null };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('insight_survey_response')
      .values({
        survey_id: surveyId,
        organisation_id: own,
        answers: JSON.stringify(clean),
        submitted_by: caller.kind === 'user' ? caller.userId : null,
      })
      .onConflict((oc) =>
        oc.columns(['survey_id', 'organisation_id']).doUpdateSet({
          answers: JSON.stringify(clean),
          submitted_at: new Date(),
        }),
      )
      .execute();
    await recordAudit(trx, caller, {
      action: 'insights.survey.answer',
      objectType: 'insight_survey',
      objectId: surveyId,
      organisationId: own,
      change: clean,
    });
  });
  return { surveyId, answers: clean };
}

/** The answers of one survey, each with its suggested next steps, and counts per product group and commune. */
export async function surveySummary(db: Kysely<DB>, caller: Caller, surveyId: string) {
  requireProvince(caller);
  const survey = await db
    .selectFrom('insight_survey')
    .select(['id', 'title', 'sent_at', 'closes_on'])
    .where('id', '=', surveyId)
    .executeTakeFirst();
  if (!survey) throw notFound('survey');
  const [responses, trained, published, organisations] = await Promise.all([
    db
      .selectFrom('insight_survey_response as r')
      .innerJoin('organisation as o', 'o.id', 'r.organisation_id')
      .select(['r.organisation_id', 'o.name', 'o.commune_name', 'r.answers', 'r.submitted_at'])
      .where('r.survey_id', '=', surveyId)
      .orderBy('o.name')
      .execute(),
    repo.trainedOrganisationIds(db),
    repo.publishedStandards(db),
    repo.registeredOrganisations(db),
  ]);
  const rows = responses.map((r) => {
    const answers = r.answers as unknown as SurveyAnswers;
    const standard = published.find((s) => s.product_groups.includes(answers.productGroup));
    return {
      organisationId: r.organisation_id,
      organisationName: r.name,
      commune: r.commune_name,
      submittedAt: r.submitted_at.toISOString(),
      answers,
      nextSteps: suggestNextSteps(answers, {
        trained: trained.has(r.organisation_id),
        standardForGroup: standard?.profile_id ?? null,
      }),
    };
  });
  const tally = (key: (r: (typeof rows)[number]) => string) => {
    const map = new Map<string, { key: string; responses: number; steps: Record<string, number> }>();
    for (const r of rows) {
      const k = key(r);
      const entry = map.get(k) ?? { key: k, responses: 0, steps: {} };
      entry.responses += 1;
      for (const s of r.nextSteps) entry.steps[s.step] = (entry.steps[s.step] ?? 0) + 1;
      map.set(k, entry);
    }
    return [...map.values()].sort((a, b) => a.key.localeCompare(b.key, 'vi'));
  };
  return {
    id: survey.id,
    title: survey.title,
    sentAt: survey.sent_at.toISOString(),
    closesOn: survey.closes_on,
    sentTo: organisations.length,
    responses: rows,
    byProductGroup: tally((r) => r.answers.productGroup),
    byCommune: tally((r) => r.commune ?? ''),
  };
}
