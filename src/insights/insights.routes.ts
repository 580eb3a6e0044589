import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { ERROR_RESPONSES, IdParams, Nullable } from '../http/schemas.ts';
import { periodicReport, listStoredReports, storedReport } from './insights.report.ts';
import * as service from './insights.service.ts';
import * as survey from './insights.survey.ts';

const Measure = Type.Union([
  Type.Literal('trained'),
  Type.Literal('tracing'),
  Type.Literal('standards'),
  Type.Literal('interoperable'),
  Type.Literal('connected'),
]);
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const TargetBody = Type.Object({
  measure: Measure,
  title: Type.String({ minLength: 1, maxLength: 300 }),
  titleEn: Type.String({ minLength: 1, maxLength: 300 }),
  target: Type.Number({ minimum: 0 }),
  unit: Type.Union([Type.Literal('percent'), Type.Literal('count')]),
  deadline: Day,
});
const TargetView = Type.Object({ id: Type.String(), ...TargetBody.properties });
const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });
const SurveyAnswersBody = Type.Object({
  productGroup: Type.String({ minLength: 1, maxLength: 50 }),
  products: Type.Integer({ minimum: 0, maximum: 100000 }),
  barcodeUse: Type.Union([Type.Literal('none'), Type.Literal('gtin'), Type.Literal('gtin_qr')]),
  records: Type.Union([
    Type.Literal('none'),
    Type.Literal('paper'),
    Type.Literal('spreadsheet'),
    Type.Literal('software'),
  ]),
  vendorSystem: Nullable(Type.String({ maxLength: 200 })),
  needs: Type.Array(
    Type.Union([
      Type.Literal('training'),
      Type.Literal('standard'),
      Type.Literal('stamps'),
      Type.Literal('connect_vendor'),
      Type.Literal('funding'),
    ]),
    { maxItems: 10 },
  ),
});
const Anything = Type.Object({}, { additionalProperties: true });

/** `/api/insights/…`: the province dashboard and plan, the business dashboard, the survey and the reports. */
export const insightsRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;

  app.get(
    '/insights/dashboard',
    {
      schema: {
        tags: ['insights'],
        summary: 'The province dashboard: plan progress and every figure, from the pre-aggregated counters',
        response: { 200: Anything, ...ERROR_RESPONSES },
      },
    },
    async (request) => service.provinceDashboard(db, request.caller),
  );

  app.post(
    '/insights/refresh',
    {
      schema: {
        tags: ['insights'],
        summary: 'Bring the counters up to date now (the worker does it every 5 minutes)',
        response: {
          200: Type.Object({
            events: Type.Integer(),
            scans: Type.Integer(),
            refreshedAt: Type.Union([Type.String(), Type.Null()]),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => service.refreshNow(db, request.caller),
  );

  app.get(
    '/insights/plan',
    {
      schema: {
        tags: ['insights'],
        summary: 'The plan targets with their measures: value, progress, trend',
        response: { 200: Type.Array(Anything), ...ERROR_RESPONSES },
      },
    },
    async (request) => service.planProgress(db, request.caller),
  );

  app.post(
    '/insights/plan',
    {
      schema: {
        tags: ['insights'],
        summary: 'Add a plan target',
        body: TargetBody,
        response: { 201: TargetView, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => reply.status(201).send(await service.saveTarget(db, request.caller, null, request.body)),
  );

  app.put(
    '/insights/plan/:id',
    {
      schema: {
        tags: ['insights'],
        summary: 'Change a plan target (target, measure, deadline, titles)',
        params: IdParams,
        body: TargetBody,
        response: { 200: TargetView, ...ERROR_RESPONSES },
      },
    },
    async (request) => service.saveTarget(db, request.caller, request.params.id, request.body),
  );

  app.delete(
    '/insights/plan/:id',
    {
      schema: {
        tags: ['insights'],
        summary: 'Remove a plan target',
        params: IdParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await service.deleteTarget(db, request.caller, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/insights/measures/:measure/organisations',
    {
      schema: {
        tags: ['insights'],
        summary: 'The organisations behind a measure’s number',
        params: Type.Object({ measure: Measure }),
        response: { 200: Anything, ...ERROR_RESPONSES },
      },
    },
    async (request) => service.measureOrganisations(db, request.caller, request.params.measure),
  );

  app.get(
    '/insights/business',
    {
      schema: {
        tags: ['insights'],
        summary: 'A business’s own dashboard: scans, alerts, compliance gaps, stamps, recall readiness',
        querystring: Type.Object({ organisationId: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: { 200: Anything, ...ERROR_RESPONSES },
      },
    },
    async (request) => service.businessDashboard(db, request.caller, request.query.organisationId),
  );

  app.get(
    '/insights/report',
    {
      schema: {
        tags: ['insights'],
        summary: 'The periodic report of the province (PDF or XLSX; Vietnamese unless lang=en)',
        querystring: Type.Object({
          period: Type.Union([Type.Literal('month'), Type.Literal('quarter'), Type.Literal('year')]),
          format: Type.Union([Type.Literal('pdf'), Type.Literal('xlsx')]),
          day: Type.Optional(Day),
          lang: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])),
        }),
        response: { 200: Binary, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { period, format, day, lang } = request.query;
      const { content, filename } = await periodicReport(db, request.caller, {
        period,
        format,
        locale: lang ?? 'vi',
        ...(day ? { day } : {}),
      });
      return reply
        .header(
          'content-type',
          format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        )
        .header('content-disposition', `attachment; filename="${filename}"`)
        .send(content);
    },
  );

  app.get(
    '/insights/reports',
    {
      schema: {
        tags: ['insights'],
        summary: 'Reports the worker generated at the end of each period',
        response: { 200: Type.Array(Anything), ...ERROR_RESPONSES },
      },
    },
    async (request) => listStoredReports(db, request.caller),
  );

  app.get(
    '/insights/reports/:id',
    {
      schema: {
        tags: ['insights'],
        summary: 'One generated report file',
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        response: { 200: Binary, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const r = await storedReport(db, request.caller, request.params.id);
      return reply
        .header(
          'content-type',
          r.format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        )
        .header(
          'content-disposition',
          `attachment; filename="bao-cao-truy-xuat-${r.period}-${r.period_start}.${r.format}"`,
        )
        .send(r.content);
    },
  );

  app.get(
    '/insights/surveys',
    {
      schema: {
        tags: ['insights'],
        summary: 'Readiness surveys (the province: with response counts; a business: with its own answers)',
        response: { 200: Type.Array(Anything), ...ERROR_RESPONSES },
      },
    },
    async (request) => survey.listSurveys(db, request.caller),
  );

  app.post(
    '/insights/surveys',
    {
      schema: {
        tags: ['insights'],
        summary: 'Send a readiness survey to every registered organisation',
        body: Type.Object({
          title: Type.String({ minLength: 1, maxLength: 300 }),
          closesOn: Type.Optional(Nullable(Day)),
        }),
        response: {
          201: Type.Object({ id: Type.String(), title: Type.String(), sentTo: Type.Integer() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => reply.status(201).send(await survey.sendSurvey(db, request.caller, request.body)),
  );

  app.put(
    '/insights/surveys/:id/response',
    {
      schema: {
        tags: ['insights'],
        summary: 'Answer a survey for the caller’s organisation (a second answer replaces the first)',
        params: IdParams,
        body: SurveyAnswersBody,
        response: { 200: Anything, ...ERROR_RESPONSES },
      },
    },
    async (request) => survey.answerSurvey(db, request.caller, request.params.id, request.body),
  );

  app.get(
    '/insights/surveys/:id/summary',
    {
      schema: {
        tags: ['insights'],
        summary: 'A survey’s answers with the next step each suggests, by product group and commune',
        params: IdParams,
        response: { 200: Anything, ...ERROR_RESPONSES },
      },
    },
    async (request) => survey.surveySummary(db, request.caller, request.params.id),
  );
};
