import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { DateTime, ERROR_RESPONSES, IdParams, Nullable, Page, Problem } from '../http/schemas.ts';
import { dbFor, IdempotencyKeyHeaders } from '../http/idempotency.ts';
import * as registration from './registration.service.ts';

const RegistrationView = Type.Object({
  organisationId: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  taxCode: Nullable(Type.String()),
  provinceCode: Nullable(Type.String()),
  communeCode: Nullable(Type.String()),
  communeName: Nullable(Type.String()),
  address: Nullable(Type.String()),
  contactName: Nullable(Type.String()),
  contactEmail: Nullable(Type.String()),
  contactPhone: Nullable(Type.String()),
  status: Type.String(),
  applicant: Type.Object({
    id: Type.String(),
    displayName: Type.String(),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
  }),
  submittedAt: DateTime,
  decision: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  decidedAt: Nullable(DateTime),
  rounds: Type.Array(
    Type.Object({
      round: Type.Integer(),
      submittedAt: DateTime,
      decision: Type.String(),
      reason: Nullable(Type.String()),
      decidedAt: Nullable(DateTime),
    }),
  ),
});

/** The organisation fields of the sign-up form (the account's login and password are given once, at sign-up). */
const ApplicationFields = {
  name: Type.String({ minLength: 1, maxLength: 500 }),
  kind: Type.String({ maxLength: 40 }),
  taxCode: Type.String({ maxLength: 20 }),
  provinceCode: Type.Optional(Type.String({ maxLength: 2 })),
  communeCode: Type.Optional(Type.String({ maxLength: 10 })),
  communeName: Type.String({ maxLength: 500 }),
  address: Type.Optional(Type.String({ maxLength: 500 })),
  contactName: Type.String({ maxLength: 200 }),
  contactEmail: Type.Optional(Type.String({ maxLength: 200 })),
  contactPhone: Type.Optional(Type.String({ maxLength: 20 })),
};

const Decided = Type.Object({ organisationId: Type.String(), status: Type.String() });

/** Self-registration of businesses, and the province's review of it. */
export const registrationRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;

  app.post(
    '/registrations',
    {
      // Anonymous by design (the applicant has no account yet): the caller is anonymous whatever the request
      // carries, so no session can be made to act, and no CSRF token is needed; limited like sign-in.
      config: { publicForm: true, idempotent: true },
      schema: {
        tags: ['organisations'],
        summary: 'Sign a business up: a pending organisation and its first administrator, until the province approves',
        headers: IdempotencyKeyHeaders,
        body: Type.Object({
          ...ApplicationFields,
          password: Type.String({ maxLength: 256 }),
          locale: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])),
        }),
        response: {
          201: Type.Object({ organisationId: Type.String(), userId: Type.String(), status: Type.Literal('pending') }),
          400: Problem,
          409: Problem,
          422: Problem,
          429: Problem,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await registration.submitRegistration(dbFor(request, db), request.body, { ip: request.ip })),
  );

  app.get(
    '/registrations/own',
    {
      schema: {
        tags: ['organisations'],
        summary: 'The signed-in applicant’s own application, its decision and its earlier rounds',
        response: { 200: RegistrationView, ...ERROR_RESPONSES },
      },
    },
    async (request) => registration.ownApplication(db, request.caller),
  );

  app.put(
    '/registrations/own',
    {
      schema: {
        tags: ['organisations'],
        summary:
          'A rejected applicant corrects its application and submits it again: pending again, the rejection kept',
        body: Type.Object(ApplicationFields),
        response: {
          200: Type.Object({ organisationId: Type.String(), status: Type.Literal('pending') }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => registration.resubmitRegistration(db, request.caller, request.body, { ip: request.ip }),
  );

  app.get(
    '/registrations',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Self-registrations for the province to review (state=pending: not decided yet)',
        querystring: Type.Object({
          state: Type.Optional(
            Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
        }),
        response: { 200: Page(RegistrationView), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { state, limit = 50, offset = 0 } = request.query;
      const result = await registration.listRegistrations(db, request.caller, { state, limit, offset });
      return { ...result, limit, offset };
    },
  );

  app.post(
    '/registrations/:id/approve',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Approve a pending registration: the organisation becomes active',
        params: IdParams,
        response: { 200: Decided, ...ERROR_RESPONSES },
      },
    },
    async (request) => registration.decideRegistration(db, request.caller, request.params.id, { approve: true }),
  );

  app.post(
    '/registrations/:id/reject',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Reject a pending registration, with the reason the applicant will read',
        params: IdParams,
        body: Type.Object({ reason: Type.String({ maxLength: 1000 }) }),
        response: { 200: Decided, ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      registration.decideRegistration(db, request.caller, request.params.id, {
        approve: false,
        reason: request.body.reason,
      }),
  );
};
