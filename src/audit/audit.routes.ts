import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { ERROR_RESPONSES, Nullable } from '../http/schemas.ts';
import * as audit from './audit.service.ts';

const Entry = Type.Object({
  seq: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.Object({
    kind: Type.String(),
    userId: Nullable(Type.String()),
    apiKeyId: Nullable(Type.String()),
    organisationId: Nullable(Type.String()),
    detail: Nullable(Type.String()),
  }),
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.String(),
  organisationId: Nullable(Type.String()),
  changeDigest: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Type.String(),
  hash: Type.String(),
});

const Digest = Type.Object({
  date: Type.String(),
  entries: Type.Integer(),
  firstSeq: Nullable(Type.String()),
  lastSeq: Nullable(Type.String()),
  digest: Type.String(),
  chainHash: Type.String(),
});

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Id = Type.String({ minLength: 1, maxLength: 200 });

/** The province's view of the audit log: browse with filters, daily digests to publish, chain verification. */
export const auditRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;

  app.get(
    '/audit/entries',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first, with filters (province only); page with ?before=<nextBefore>',
        querystring: Type.Object({
          organisationId: Type.Optional(Id),
          actorOrganisationId: Type.Optional(Id),
          actorUserId: Type.Optional(Id),
          action: Type.Optional(Id),
          objectType: Type.Optional(Id),
          objectId: Type.Optional(Id),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          before: Type.Optional(Type.String({ pattern: '^\\d{1,18}$' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(Entry), nextBefore: Nullable(Type.String()) }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const { from, to, before, ...rest } = request.query;
      return audit.listAuditEntries(db, request.caller, {
        ...rest,
        ...(from !== undefined ? { from: new Date(from) } : {}),
        ...(to !== undefined ? { to: new Date(to) } : {}),
        ...(before !== undefined ? { beforeSeq: before } : {}),
      });
    },
  );

  app.get(
    '/audit/digests',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Daily digests of the audit log (Huế calendar days, province only): publish them so that rewriting is detectable',
        querystring: Type.Object({ from: Day, to: Type.Optional(Day) }),
        response: { 200: Type.Array(Digest), ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      audit.listDailyDigests(db, request.caller, {
        from: request.query.from,
        to: request.query.to ?? request.query.from,
      }),
  );

  app.get(
    '/audit/verification',
    {
      schema: {
        tags: ['audit'],
        summary: 'Checks the whole hash chain and names the first broken entry (province only)',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            entries: Type.Integer(),
            headSeq: Type.String(),
            headHash: Type.String(),
            firstBroken: Type.Optional(
              Type.Object({ seq: Type.String(), reason: Type.String(), messageKey: Type.String() }),
            ),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => audit.verifyForCaller(db, request.caller),
  );
};
