import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { DateTime, ERROR_RESPONSES, Nullable, Page, PageQuery } from '../http/schemas.ts';
import * as compliance from './compliance.service.ts';
import { selfAssessmentPdf } from './self-assessment-report.ts';
import { selfAssessment } from './self-assessment.ts';
import { Finding } from './standards.schemas.ts';

const LotCompliance = Type.Object({
  lot: Type.String(),
  gtin: Type.String(),
  productId: Type.String(),
  productName: Type.String(),
  productGroup: Type.String(),
  organisationId: Type.String(),
  standardId: Type.String(),
  profileId: Type.String(),
  version: Type.Integer(),
  score: Type.Integer(),
  errors: Type.Integer(),
  warnings: Type.Integer(),
  findings: Type.Array(Finding),
  eventCount: Type.Integer(),
  evaluatedAt: DateTime,
});
const Report = Type.Object({
  organisation: Nullable(Type.String()),
  productGroup: Nullable(Type.String()),
  lots: Type.Integer(),
  averageScore: Nullable(Type.Number()),
  lotsWithoutErrors: Type.Integer(),
  distribution: Type.Array(Type.Object({ band: Type.String(), lots: Type.Integer() })),
  byStandard: Type.Array(Type.Object({ standardId: Type.String(), lots: Type.Integer(), averageScore: Type.Number() })),
  commonGaps: Type.Array(
    Type.Object({
      code: Type.String(),
      cte: Type.String(),
      field: Nullable(Type.String()),
      severity: Type.String(),
      lots: Type.Integer(),
      share: Type.Number(),
    }),
  ),
});
const Verdict = Type.Union([Type.Literal('met'), Type.Literal('partly'), Type.Literal('not_met')]);
const SelfAssessment = Type.Object({
  organisationId: Type.String(),
  organisationName: Type.String(),
  generatedAt: DateTime,
  basis: Type.String(),
  verdict: Verdict,
  criteria: Type.Array(
    Type.Object({
      id: Type.String(),
      verdict: Verdict,
      measures: Type.Array(
        Type.Object({
          key: Type.String(),
          numerator: Type.Integer(),
          denominator: Type.Integer(),
          share: Nullable(Type.Number()),
        }),
      ),
      facts: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()])),
    }),
  ),
});
const Id = Type.String({ minLength: 1, maxLength: 100 });
const Lang = Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')]));

/** Compliance kept current: lot scores, reports per organisation and product group, self-assessment evidence. */
export const complianceRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['standards'];

  app.get(
    '/compliance/lots',
    {
      schema: {
        tags,
        summary: 'Current compliance of lots, lowest score first: an organisation sees its own, the province all',
        querystring: Type.Object({
          ...PageQuery,
          organisation: Type.Optional(Id),
          product: Type.Optional(Id),
          productGroup: Type.Optional(Type.String({ maxLength: 100 })),
          standard: Type.Optional(Type.String({ maxLength: 200 })),
          maxScore: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
        }),
        response: { 200: Page(LotCompliance), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, ...filter } = request.query;
      const page = await compliance.listLotCompliance(db, request.caller, { ...filter, limit, offset });
      return { ...page, limit, offset };
    },
  );

  app.get(
    '/compliance/report',
    {
      schema: {
        tags,
        summary: 'Compliance report of an organisation or a product group: average, distribution, common gaps',
        querystring: Type.Object({
          organisation: Type.Optional(Id),
          productGroup: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        }),
        response: { 200: Report, ...ERROR_RESPONSES },
      },
    },
    async (request) => compliance.complianceReport(db, request.caller, request.query),
  );

  app.get(
    '/compliance/self-assessment',
    {
      schema: {
        tags,
        summary: 'Self-assessment evidence (TCVN 13167:2025 / GS1 compliance criteria) of an organisation',
        querystring: Type.Object({ organisation: Id }),
        response: { 200: SelfAssessment, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const report = await selfAssessment(db, request.caller, request.query.organisation);
      return { ...report, criteria: report.criteria.map((c) => ({ ...c, measures: [...c.measures] })) };
    },
  );

  app.get(
    '/compliance/self-assessment.pdf',
    {
      schema: {
        tags,
        summary: 'The self-assessment evidence as a printable PDF (Vietnamese; ?lang=en)',
        querystring: Type.Object({ organisation: Id, lang: Lang }),
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const report = await selfAssessment(db, request.caller, request.query.organisation);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="self-assessment-${report.organisationId}.pdf"`)
        .send(await selfAssessmentPdf(report, request.query.lang ?? 'vi'));
    },
  );
};
