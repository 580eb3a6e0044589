import type { FastifyRequest } from 'fastify';
import { resolveApiKey, resolveSession } from '../registry/identity.service.ts';
import type { Caller } from '../shared/caller.ts';
import { AppError } from '../shared/errors.ts';
import type { App, AppContext } from './context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: set for every request before any handler runs. */
    caller: Caller;
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
 */
export function registerAuthentication(app: App, ctx: AppContext): void {
  app.decorateRequest('caller', null as never);
  app.addHook('onRequest', async (request) => {
    request.caller = await authenticate(ctx, request);
  });
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
