import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { DateTime, ERROR_RESPONSES, IdParams, Nullable, Page, PageQuery } from '../http/schemas.ts';
import { PROFILE_SCHEMA } from './profile.schema.ts';
import * as standards from './standards.service.ts';
import { Finding } from './standards.schemas.ts';

const Status = Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('superseded')]);
const Standard = Type.Object({
  id: Type.String(),
  profileId: Type.String(),
  version: Type.Integer(),
  status: Status,
  title: Type.String(),
  titleEn: Type.String(),
  productGroups: Type.Array(Type.String()),
  publishedAt: Nullable(DateTime),
  supersededAt: Nullable(DateTime),
  updatedAt: DateTime,
});
/** The profile document: its JSON Schema is `PROFILE_SCHEMA` (checked by the service, with field-level errors). */
const ProfileDocument = Type.Object({}, { additionalProperties: true, description: PROFILE_SCHEMA.title });
const StandardDetail = Type.Composite([Standard, Type.Object({ document: ProfileDocument })]);
const Evaluation = Type.Object({
  evaluationId: Type.String(),
  standardId: Type.String(),
  profileId: Type.String(),
  profileVersion: Type.Integer(),
  lot: Nullable(Type.String()),
  score: Type.Integer(),
  checks: Type.Integer(),
  errors: Type.Integer(),
  warnings: Type.Integer(),
  matched: Type.Array(Nullable(Type.String())),
  findings: Type.Array(Finding),
  eventIds: Type.Array(Type.String()),
  evaluatedAt: DateTime,
});

const StoredEvaluation = Type.Object({
  id: Type.String(),
  standardId: Type.String(),
  profileId: Type.String(),
  version: Type.Integer(),
  lot: Nullable(Type.String()),
  organisationId: Nullable(Type.String()),
  score: Type.Integer(),
  errors: Type.Integer(),
  warnings: Type.Integer(),
  findings: Type.Array(Finding),
  evaluatedAt: DateTime,
});

/** Base standards (TCCS): listing, authoring (the province), publishing, and evaluating a lot. */
export const standardsRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;
  const tags = ['standards'];

  app.get(
    '/standards',
    {
      schema: {
        tags,
        summary: 'Standards: published and superseded for everyone, drafts too for the province',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(Status),
          productGroup: Type.Optional(Type.String({ maxLength: 100 })),
          profileId: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: Page(Standard), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, status, productGroup, profileId } = request.query;
      const page = await standards.listStandards(db, request.caller, {
        limit,
        offset,
        ...(status ? { status } : {}),
        ...(productGroup ? { productGroup } : {}),
        ...(profileId ? { profileId } : {}),
      });
      return { ...page, limit, offset };
    },
  );

  app.get(
    '/standards/evaluations',
    {
      schema: {
        tags,
        summary: 'Stored lot evaluations, latest first: the province sees all, an organisation its own',
        querystring: Type.Object({ ...PageQuery, lot: Type.Optional(Type.String({ maxLength: 500 })) }),
        response: { 200: Page(StoredEvaluation), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, lot } = request.query;
      const page = await standards.listEvaluations(db, request.caller, { limit, offset, lot });
      return { ...page, limit, offset };
    },
  );

  app.get(
    '/standards/schema',
    { schema: { tags, summary: 'The JSON Schema of a standard profile document' } },
    async () => PROFILE_SCHEMA,
  );

  app.get(
    '/standards/:id',
    {
      schema: {
        tags,
        summary: 'A standard version with its profile document',
        params: IdParams,
        response: { 200: StandardDetail, ...ERROR_RESPONSES },
      },
    },
    async (request) => standards.getStandard(db, request.caller, request.params.id),
  );

  app.post(
    '/standards',
    {
      schema: {
        tags,
        summary: 'Create a draft (a new profile, or the next version of one)',
        body: Type.Object({ document: Type.Unknown() }),
        response: { 201: StandardDetail, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const created = await standards.createDraft(db, request.caller, request.body.document);
      return reply.code(201).send(created);
    },
  );

  app.post(
    '/standards/validate',
    {
      schema: {
        tags,
        summary: 'Check a profile document as saving it would, without saving (the province)',
        body: Type.Object({
          document: Type.Unknown(),
          draftId: Type.Optional(Type.String({ maxLength: 100, description: 'the draft it would replace' })),
        }),
        response: {
          200: Type.Object({
            valid: Type.Boolean(),
            problems: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
            nextVersion: Nullable(Type.Integer()),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => standards.checkDraft(db, request.caller, request.body.document, request.body.draftId),
  );

  app.put(
    '/standards/:id',
    {
      schema: {
        tags,
        summary: 'Replace the document of a draft',
        params: IdParams,
        body: Type.Object({ document: Type.Unknown() }),
        response: { 200: StandardDetail, ...ERROR_RESPONSES },
      },
    },
    async (request) => standards.updateDraft(db, request.caller, request.params.id, request.body.document),
  );

  app.post(
    '/standards/:id/publish',
    {
      schema: {
        tags,
        summary: 'Publish a draft; the published version of the same profile becomes superseded',
        params: IdParams,
        response: { 200: StandardDetail, ...ERROR_RESPONSES },
      },
    },
    async (request) => standards.publishStandard(db, request.caller, request.params.id),
  );

  app.post(
    '/standards/:id/evaluate',
    {
      schema: {
        tags,
        summary: 'Evaluate a lot (its visible backward trace) or a list of events against this standard version',
        params: IdParams,
        body: Type.Object({
          lot: Type.Optional(
            Type.String({ minLength: 1, maxLength: 500, description: 'Digital Link, EPC URN or URI' }),
          ),
          events: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 5000 })),
        }),
        response: { 200: Evaluation, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const result = await standards.evaluateLot(db, request.caller, request.params.id, {
        lot: request.body.lot,
        events: request.body.events,
      });
      return { ...result, findings: [...result.findings], matched: [...result.matched] };
    },
  );
};
