import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { asSystem, NO_SCOPE, runInScope, SYSTEM_SCOPE, type DbScope, type ScopeHolder } from '../db/scope.ts';
import type { DB } from '../db/schema.ts';
import { listActiveDelegationsToProvider } from '../registry/identity.repository.ts';
import { resolveApiKey, resolveSession } from '../registry/identity.service.ts';
import { callerOrganisation, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import type { App, AppContext } from './context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: set for every request before any handler runs. */
    caller: Caller;
    /** The row-level-security scope the request's statements run in (`none` until the caller is known). */
    dbScope: ScopeHolder;
  }
  interface FastifyContextConfig {
    /**
     * The route never acts for a signed-in user (a public form such as the consumer page's problem report): its
     * caller is anonymous whatever the request carries, so it needs no CSRF token.
     */
    publicForm?: boolean;
  }
}

export const SESSION_COOKIE = 'tx_session';
export const CSRF_HEADER = 'x-csrf-token';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the caller of every request: `Authorization: Bearer tx_…` (API key) or the session cookie.
 * Cookie-authenticated writes must echo the session's CSRF token in `X-CSRF-Token`; API keys need none because
 * browsers never attach them on their own.
 *
 * Every request runs in a database scope (row-level security, `src/db/scope.ts`): `none` from its arrival, the
 * caller's once known. The scope is entered again before the handler because body parsing runs outside it.
 */
export function registerAuthentication(app: App, ctx: AppContext): void {
  app.decorateRequest('caller', null as never);
  app.decorateRequest('dbScope', null as never);
  app.addHook('onRequest', (request, _reply, done) => {
    const holder: ScopeHolder = { scope: NO_SCOPE };
    request.dbScope = holder;
    runInScope(holder, () => {
      // The credential lookups read API keys and sessions of every organisation: that is their job.
      asSystem(async () => {
        const caller = await authenticate(ctx, request);
        return { caller, scope: await databaseScope(ctx.db, caller) };
      }).then(
        ({ caller, scope }) => {
          request.caller = caller;
          holder.scope = scope;
          done();
        },
        (error: Error) => done(error),
      );
    });
  });
  app.addHook('preHandler', (request, _reply, done) => {
    runInScope(request.dbScope, () => done());
  });
}

/**
 * The rows a caller's statements may reach: everything for the province (and the system), the caller's own
 * organisation plus those that granted it an active delegation for a business, nothing for an anonymous caller.
 */
export async function databaseScope(db: Kysely<DB>, caller: Caller, now = new Date()): Promise<DbScope> {
  if (seesEverything(caller)) return SYSTEM_SCOPE;
  const own = callerOrganisation(caller);
  if (own === undefined) return NO_SCOPE;
  const delegations = await asSystem(() => listActiveDelegationsToProvider(db, own, now));
  return { kind: 'org', organisations: [own, ...delegations.map((d) => d.organisation_id)] };
}

async function authenticate(ctx: AppContext, request: FastifyRequest): Promise<Caller> {
  if (request.routeOptions.config.publicForm === true) return { kind: 'anonymous' };
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const caller = match ? await resolveApiKey(ctx.db, match[1]!) : undefined;
    if (!caller) throw new AppError('unauthenticated', 'The API key is invalid, expired or revoked');
    return caller;
  }
  const token = request.cookies[SESSION_COOKIE];
  if (token === undefined || token === '') return { kind: 'anonymous' };
  const session = await resolveSession(ctx.db, token);
  if (!session) return { kind: 'anonymous' };
  if (UNSAFE_METHODS.has(request.method) && !isSignInOrOut(request)) {
    if (request.headers[CSRF_HEADER] !== session.csrfToken) {
      throw new AppError('forbidden', 'Missing or wrong X-CSRF-Token header for a cookie-authenticated change');
    }
  }
  return session.caller;
}

function isSignInOrOut(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0];
  return path === '/api/auth/sign-in' || path === '/api/auth/sign-out';
}
