import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { ERROR_RESPONSES, IdParams, Nullable } from '../http/schemas.ts';
import { localeFromAcceptLanguage, type Locale } from '../shared/messages.ts';
import {
  listNationalEnrolments,
  listNationalRecords,
  listNationalSyncLog,
  nationalSyncHealth,
  startNationalSync,
  resyncNational,
  retryNationalRecord,
  setNationalEnrolment,
} from './national.service.ts';

const TAGS = ['federation'];
const Kind = Type.Union([
  Type.Literal('organisation'),
  Type.Literal('product'),
  Type.Literal('chain'),
  Type.Literal('event'),
]);
const Outcome = Type.Union([
  Type.Literal('sent'),
  Type.Literal('retry'),
  Type.Literal('failed'),
  Type.Literal('waiting'),
]);
const Status = Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')]);
const DateTime = Type.String({ format: 'date-time' });

const Health = Type.Object({
  platform: Type.String(),
  configured: Type.Boolean({ description: 'The portal URL and client credentials are set; otherwise nothing is sent' }),
  enrolledOrganisations: Type.Integer(),
  kinds: Type.Array(Type.Object({ kind: Kind, pending: Type.Integer(), sent: Type.Integer(), failed: Type.Integer() })),
  totals: Type.Object({ pending: Type.Integer(), sent: Type.Integer(), failed: Type.Integer() }),
  lastSuccessAt: Nullable(DateTime),
  oldestPendingAt: Nullable(DateTime),
  pausedUntil: Nullable(DateTime),
  lastError: Nullable(
    Type.Object({
      at: DateTime,
      code: Nullable(Type.String()),
      httpStatus: Nullable(Type.Integer()),
      recordKind: Kind,
      recordKey: Type.String(),
      detail: Nullable(Type.String()),
    }),
  ),
});

const Explained = {
  code: Nullable(
    Type.String({ description: 'The portal’s error code or the sync’s own (LOCAL_*, DEPENDENCY_FAILED …)' }),
  ),
  httpStatus: Nullable(Type.Integer()),
  detail: Nullable(Type.String({ description: 'The portal’s own words, as received' })),
  explanation: Nullable(Type.String({ description: 'What happened, in the language asked for' })),
  fix: Nullable(Type.String({ description: 'What the user should do about it' })),
};

const LogEntry = Type.Object({
  id: Type.String(),
  outboxId: Type.String(),
  organisationId: Type.String(),
  organisationName: Type.String(),
  recordKind: Kind,
  recordKey: Type.String(),
  at: DateTime,
  attempt: Type.Integer(),
  outcome: Outcome,
  ...Explained,
});

const SyncRecord = Type.Object({
  id: Type.String(),
  organisationId: Type.String(),
  organisationName: Type.String(),
  recordKind: Kind,
  recordKey: Type.String(),
  status: Status,
  attempts: Type.Integer(),
  queuedAt: DateTime,
  nextAttemptAt: DateTime,
  lastAttemptAt: Nullable(DateTime),
  sentAt: Nullable(DateTime),
  portalRef: Nullable(Type.String({ description: 'The portal’s id, or a chain’s trace code' })),
  ...Explained,
});

const Enrolment = Type.Object({
  organisationId: Type.String(),
  organisationName: Type.String(),
  taxCode: Nullable(Type.String()),
  enabled: Type.Boolean(),
  decidedAt: DateTime,
  portalStatus: Nullable(
    Type.String({ description: 'The portal’s word on the organisation (PENDING_ACTIVATION, ACTIVE)' }),
  ),
  pausedUntil: Nullable(DateTime),
});

const Page = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
  lang: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])),
};

const paged = <T extends Record<string, unknown>>(q: T & { limit?: number; offset?: number }) => ({
  ...(q.limit !== undefined ? { limit: q.limit } : {}),
  ...(q.offset !== undefined ? { offset: q.offset } : {}),
});

/** `/api/federation/national/…`: sync to the National Traceability Portal (health, log, records, enrolment). */
export const nationalRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;
  // After a restart the self-scheduling sync job may be gone: start it again when the portal is configured.
  app.addHook('onReady', async () => {
    if (ctx.config.nationalPortal !== undefined) await startNationalSync(db);
  });
  const localeOf = (request: { query: { lang?: Locale }; headers: { 'accept-language'?: string } }): Locale =>
    request.query.lang ?? localeFromAcceptLanguage(request.headers['accept-language']);

  app.get(
    '/federation/national/health',
    {
      schema: {
        tags: TAGS,
        summary: 'Sync health: pending, sent and failed records per kind, last success, oldest pending, last error',
        response: { 200: Health, ...ERROR_RESPONSES },
      },
    },
    async (request) => nationalSyncHealth(db, request.caller),
  );

  app.get(
    '/federation/national/log',
    {
      schema: {
        tags: TAGS,
        summary: 'The sync log, newest first, each entry with its explanation and fix (a business sees its own)',
        querystring: Type.Object({
          organisationId: Type.Optional(Type.String({ maxLength: 100 })),
          recordKind: Type.Optional(Kind),
          outcome: Type.Optional(Outcome),
          code: Type.Optional(Type.String({ maxLength: 64 })),
          recordId: Type.Optional(Type.String({ maxLength: 100, description: 'One outbox record’s history' })),
          ...Page,
        }),
        response: {
          200: Type.Object({
            items: Type.Array(LogEntry),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const q = request.query;
      return listNationalSyncLog(db, request.caller, {
        organisationId: q.organisationId,
        recordKind: q.recordKind,
        outcome: q.outcome,
        code: q.code,
        outboxId: q.recordId,
        ...paged(q),
        locale: localeOf(request),
      });
    },
  );

  app.get(
    '/federation/national/records',
    {
      schema: {
        tags: TAGS,
        summary: 'Records in the outbox with their sync status and, when not sent, why and how to fix it',
        querystring: Type.Object({ status: Type.Optional(Status), recordKind: Type.Optional(Kind), ...Page }),
        response: {
          200: Type.Object({
            items: Type.Array(SyncRecord),
            total: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) =>
      listNationalRecords(db, request.caller, {
        status: request.query.status,
        recordKind: request.query.recordKind,
        ...paged(request.query),
        locale: localeOf(request),
      }),
  );

  app.post(
    '/federation/national/records/:id/retry',
    {
      schema: {
        tags: TAGS,
        summary: 'Send one record again now (province); the portal’s keys make it an update, never a duplicate',
        params: IdParams,
        querystring: Type.Object({ lang: Page.lang }),
        response: { 200: SyncRecord, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const view = await retryNationalRecord(db, request.caller, request.params.id, localeOf(request));
      ctx.onWork?.();
      return view;
    },
  );

  app.post(
    '/federation/national/resync',
    {
      schema: {
        tags: TAGS,
        summary: 'Queue every record of one enrolled organisation, or of all, again (province)',
        body: Type.Object({ organisationId: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: {
          202: Type.Object({ queued: Type.Integer(), invalid: Type.Integer() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const result = await resyncNational(db, request.caller, request.body.organisationId);
      ctx.onWork?.();
      return reply.code(202).send(result);
    },
  );

  app.get(
    '/federation/national/enrolments',
    {
      schema: {
        tags: TAGS,
        summary: 'Organisations enrolled for the national sync (a business sees its own)',
        response: { 200: Type.Array(Enrolment), ...ERROR_RESPONSES },
      },
    },
    async (request) => listNationalEnrolments(db, request.caller),
  );

  app.put(
    '/federation/national/enrolments/:organisationId',
    {
      schema: {
        tags: TAGS,
        summary: 'Enrol an organisation for the national sync, or withdraw it (province)',
        params: Type.Object({ organisationId: Type.String({ maxLength: 100 }) }),
        body: Type.Object({ enabled: Type.Boolean() }),
        response: { 200: Enrolment, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const view = await setNationalEnrolment(db, request.caller, request.params.organisationId, request.body.enabled);
      ctx.onWork?.();
      return view;
    },
  );
};
