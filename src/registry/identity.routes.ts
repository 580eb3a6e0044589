import { Type } from '@sinclair/typebox';
import { SESSION_COOKIE } from '../http/auth.ts';
import type { RoutePlugin } from '../http/context.ts';
import { DateTime, ERROR_RESPONSES, IdParams, Nullable, Page, PageQuery } from '../http/schemas.ts';
import { PERMISSIONS, ROLES, callerOrganisation } from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import * as identity from './identity.service.ts';
import { ownStanding } from './registration.service.ts';

const User = Type.Object({
  id: Type.String(),
  organisationId: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  displayName: Type.String(),
  role: Type.String(),
  status: Type.String(),
  locale: Type.String(),
  lastSignInAt: Nullable(DateTime),
  createdAt: DateTime,
});

const Me = Type.Object({
  kind: Type.String(),
  user: Type.Optional(User),
  organisationId: Type.Optional(Type.String()),
  permissions: Type.Array(Type.String()),
  province: Type.Boolean(),
  csrfToken: Type.Optional(Type.String()),
  /** The caller's organisation: its name and status (`pending`/`rejected`: a self-registration awaiting, or refused). */
  organisationName: Type.Optional(Type.String()),
  organisationStatus: Type.Optional(Type.String()),
  registration: Type.Optional(
    Nullable(Type.Object({ submittedAt: DateTime, decidedAt: Nullable(DateTime), reason: Nullable(Type.String()) })),
  ),
});

const ApiKey = Type.Object({
  id: Type.String(),
  organisationId: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  permissions: Type.Array(Type.String()),
  createdAt: DateTime,
  expiresAt: Nullable(DateTime),
  lastUsedAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
});

const Delegation = Type.Object({
  id: Type.String(),
  providerOrganisationId: Type.String(),
  providerName: Type.String(),
  organisationId: Type.String(),
  organisationName: Type.String(),
  permissions: Type.Array(Type.String()),
  scope: Type.Object({
    productIds: Type.Optional(Type.Array(Type.String())),
    locationIds: Type.Optional(Type.Array(Type.String())),
  }),
  validUntil: Nullable(DateTime),
  createdAt: DateTime,
  revokedAt: Nullable(DateTime),
});

const OrgQuery = Type.Object({ organisationId: Type.Optional(Type.String()) });
const Permission = Type.Union(PERMISSIONS.map((p) => Type.Literal(p)));
const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));

/** Sign-in, the current caller, users, API keys and delegations. */
export const identityRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;

  app.post(
    '/auth/sign-in',
    {
      schema: {
        tags: ['identity'],
        summary: 'Sign in with e-mail or phone and password; sets the session cookie',
        body: Type.Object({
          login: Type.String({ minLength: 1, maxLength: 200 }),
          password: Type.String({ minLength: 1, maxLength: 256 }),
        }),
        response: {
          200: Type.Object({ userId: Type.String(), csrfToken: Type.String(), expiresAt: DateTime }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const result = await identity.signIn(
        db,
        { ...request.body, userAgent: request.headers['user-agent'], ip: request.ip },
        new Date(),
        { lockAfter: ctx.config.signInLockAfter, lockForMs: ctx.config.signInLockMinutes * 60_000 },
      );
      void reply.setCookie(SESSION_COOKIE, result.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.config.secureCookies,
        expires: result.expiresAt,
      });
      return { userId: result.userId, csrfToken: result.csrfToken, expiresAt: result.expiresAt };
    },
  );

  app.post('/auth/sign-out', { schema: { tags: ['identity'], summary: 'End the session' } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await identity.signOut(db, token);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['identity'],
        summary: 'Who am I: the caller, its permissions and the CSRF token',
        response: { 200: Me },
      },
    },
    async (request) => {
      const caller = request.caller;
      if (caller.kind === 'anonymous' || caller.kind === 'system')
        return { kind: caller.kind, permissions: [], province: false };
      const base = {
        kind: caller.kind,
        organisationId: caller.organisationId,
        permissions: [...caller.permissions],
        province: caller.province,
        ...(await ownStanding(db, caller)),
      };
      if (caller.kind === 'apiKey') return base;
      const token = request.cookies[SESSION_COOKIE];
      const session = token ? await identity.resolveSession(db, token) : undefined;
      return {
        ...base,
        user: await identity.getUser(db, caller, caller.userId),
        ...(session ? { csrfToken: session.csrfToken } : {}),
      };
    },
  );

  app.get(
    '/users',
    {
      schema: {
        tags: ['identity'],
        summary: 'Users of an organisation (the province may list all)',
        querystring: Type.Object({ ...PageQuery, organisationId: Type.Optional(Type.String()) }),
        response: { 200: Page(User), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { limit = 50, offset = 0, q, organisationId } = request.query;
      const result = await identity.listUsers(db, request.caller, {
        limit,
        offset,
        ...(q ? { search: q } : {}),
        ...(organisationId ? { organisationId } : {}),
      });
      return { ...result, limit, offset };
    },
  );

  app.post(
    '/users',
    {
      schema: {
        tags: ['identity'],
        summary: 'Create a user',
        body: Type.Object({
          organisationId: Type.Optional(Type.String()),
          email: Type.Optional(Type.String({ maxLength: 200 })),
          phone: Type.Optional(Type.String({ maxLength: 20 })),
          displayName: Type.String({ minLength: 1, maxLength: 200 }),
          password: Type.String({ minLength: 1, maxLength: 256 }),
          role: Role,
          locale: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])),
        }),
        response: { 201: User, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const organisationId = request.body.organisationId ?? callerOrganisation(request.caller);
      if (!organisationId)
        throw new AppError('validation', 'organisationId is required', {
          fields: [{ field: 'organisationId', message: 'required' }],
        });
      const { id } = await identity.createUser(db, request.caller, { ...request.body, organisationId });
      return reply.status(201).send(await identity.getUser(db, request.caller, id));
    },
  );

  app.get(
    '/users/:id',
    { schema: { tags: ['identity'], params: IdParams, response: { 200: User, ...ERROR_RESPONSES } } },
    async (request) => identity.getUser(db, request.caller, request.params.id),
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags: ['identity'],
        params: IdParams,
        body: Type.Object({
          displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          role: Type.Optional(Role),
          status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
          locale: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])),
          password: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
        }),
        response: { 200: User, ...ERROR_RESPONSES },
      },
    },
    async (request) => identity.updateUser(db, request.caller, request.params.id, request.body),
  );

  app.get(
    '/api-keys',
    {
      schema: { tags: ['identity'], querystring: OrgQuery, response: { 200: Type.Array(ApiKey), ...ERROR_RESPONSES } },
    },
    async (request) => identity.listApiKeys(db, request.caller, request.query.organisationId),
  );

  app.post(
    '/api-keys',
    {
      schema: {
        tags: ['identity'],
        summary: 'Create an API key; the key is in this answer only',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          permissions: Type.Array(Permission, { minItems: 1 }),
          organisationId: Type.Optional(Type.String()),
          expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
        }),
        response: {
          201: Type.Object({ id: Type.String(), key: Type.String(), prefix: Type.String() }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const { expiresAt, ...rest } = request.body;
      const created = await identity.createApiKey(db, request.caller, {
        ...rest,
        ...(expiresAt ? { expiresAt: new Date(expiresAt) } : {}),
      });
      return reply.status(201).send(created);
    },
  );

  app.post(
    '/api-keys/:id/rotate',
    {
      schema: {
        tags: ['identity'],
        summary:
          'Rotate an API key: a new secret (in this answer only); the previous one works until previousValidUntil',
        params: IdParams,
        querystring: OrgQuery,
        response: {
          200: Type.Object({
            id: Type.String(),
            key: Type.String(),
            prefix: Type.String(),
            previousValidUntil: DateTime,
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) =>
      identity.rotateApiKey(db, request.caller, request.params.id, {
        organisationId: request.query.organisationId,
        graceHours: ctx.config.apiKeyRotationGraceHours,
      }),
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        tags: ['identity'],
        summary: 'Revoke an API key',
        params: IdParams,
        querystring: OrgQuery,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await identity.revokeApiKey(db, request.caller, request.params.id, request.query.organisationId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/delegations',
    {
      schema: {
        tags: ['identity'],
        summary: 'Delegations granted by, or to, an organisation',
        querystring: OrgQuery,
        response: { 200: Type.Array(Delegation), ...ERROR_RESPONSES },
      },
    },
    async (request) => identity.listDelegations(db, request.caller, request.query.organisationId),
  );

  app.post(
    '/delegations',
    {
      schema: {
        tags: ['identity'],
        summary: 'Grant a solution provider rights over this organisation’s data',
        body: Type.Object({
          providerOrganisationId: Type.String(),
          permissions: Type.Array(Permission, { minItems: 1 }),
          productIds: Type.Optional(Type.Array(Type.String())),
          locationIds: Type.Optional(Type.Array(Type.String())),
          validUntil: Type.Optional(Type.String({ format: 'date-time' })),
          organisationId: Type.Optional(Type.String()),
        }),
        response: { 201: Type.Object({ id: Type.String() }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { validUntil, ...rest } = request.body;
      const created = await identity.grantDelegation(db, request.caller, {
        ...rest,
        ...(validUntil ? { validUntil: new Date(validUntil) } : {}),
      });
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/delegations/:id',
    {
      schema: {
        tags: ['identity'],
        summary: 'Revoke a delegation',
        params: IdParams,
        querystring: OrgQuery,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await identity.revokeDelegation(db, request.caller, request.params.id, request.query.organisationId);
      return reply.status(204).send(null);
    },
  );
};
