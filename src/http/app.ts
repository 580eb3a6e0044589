import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { sql } from 'kysely';
import type { Config } from '../config.ts';
import { epcisRoutes } from '../epcis/epcis.routes.ts';
import { identityRoutes } from '../registry/identity.routes.ts';
import { registryRoutes } from '../registry/registry.routes.ts';
import { registrationRoutes } from '../registry/registration.routes.ts';
import { AppError } from '../shared/errors.ts';
import { traceRoutes } from '../trace/trace.routes.ts';
import { registerAuthentication } from './auth.ts';
import { registerIdempotency } from './idempotency.ts';
import { registerRateLimits } from './rate-limit.ts';
import { auditRoutes } from '../audit/audit.routes.ts';
import type { App, AppContext, RoutePlugin } from './context.ts';
import { sendProblem } from './problem.ts';
import { HealthResponse } from './schemas.ts';
import { standardsRoutes } from '../standards/standards.routes.ts';
import { complianceRoutes } from '../standards/compliance.routes.ts';
import { webRoutes } from '../web/web.routes.ts';
import { notificationsRoutes } from '../notifications/notifications.routes.ts';
import { portalRoutes } from '../portal/portal.routes.ts';
import { labelsRoutes } from '../labels/labels.routes.ts';
import { resolverApiRoutes, resolverRoutes } from '../resolver/resolver.routes.ts';
import { connectorRoutes } from '../federation/connector.routes.ts';
import { crossNodeRoutes } from '../federation/cross-node.routes.ts';
import { providerRoutes } from '../federation/provider.routes.ts';
import { openDataRoutes } from '../federation/open-data.routes.ts';
import { nationalRoutes } from '../federation/national.routes.ts';
import { embedRoutes } from '../portal/embed.routes.ts';
import { insightsRoutes } from '../insights/insights.routes.ts';
import { eventPhotoRoutes } from '../epcis/event-photo.routes.ts';

export interface BuildOptions {
  readonly logger?: FastifyServerOptions['logger'];
}

/** Every capability's routes, with their prefix. A capability adds itself here. */
const ROUTES: readonly { prefix: string; plugin: RoutePlugin }[] = [
  { prefix: '/api', plugin: identityRoutes },
  { prefix: '/api', plugin: registryRoutes },
  { prefix: '/api', plugin: registrationRoutes },
  { prefix: '/epcis', plugin: epcisRoutes },
  { prefix: '/api', plugin: traceRoutes },
  { prefix: '/api', plugin: standardsRoutes },
  { prefix: '/api', plugin: complianceRoutes },
  { prefix: '/app', plugin: webRoutes },
  { prefix: '/api', plugin: notificationsRoutes },
  { prefix: '/api', plugin: labelsRoutes },
  { prefix: '', plugin: portalRoutes },
  { prefix: '', plugin: resolverRoutes },
  { prefix: '/api', plugin: resolverApiRoutes },
  { prefix: '/api', plugin: connectorRoutes },
  { prefix: '/api', plugin: crossNodeRoutes },
  { prefix: '/api', plugin: auditRoutes },
  { prefix: '/api', plugin: providerRoutes },
  { prefix: '/api', plugin: nationalRoutes },
  { prefix: '', plugin: openDataRoutes },
  { prefix: '', plugin: embedRoutes },
  { prefix: '/api', plugin: insightsRoutes },
  { prefix: '/api', plugin: eventPhotoRoutes },
];

/**
 * Builds the whole HTTP application without listening, so that tests use `app.inject` and the CLI decides where
 * to listen (Fastify's "build in one function, listen in another").
 */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? { level: ctx.config.logLevel },
    bodyLimit: ctx.config.maxBodyBytes,
    trustProxy: fastifyTrustProxy(ctx.config.trustProxy),
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    // Requests Node's HTTP parser refuses (raw non-ASCII in the URL, malformed headers) never reach a route; they
    // still get a problem document.
    clientErrorHandler: (error, socket) => {
      if (!socket.writable) return;
      const tooLarge = (error as NodeJS.ErrnoException).code === 'HPE_HEADER_OVERFLOW';
      const status = tooLarge ? 431 : 400;
      const body = JSON.stringify({
        type: '/problems/validation',
        title: 'Yêu cầu không hợp lệ / Malformed request',
        status,
        code: 'validation',
        detail: tooLarge ? 'Request headers are too large' : 'The request could not be parsed: percent-encode the URL',
      });
      socket.end(
        `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
          `Content-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(async (error, request, reply) => sendProblem(reply, request, error));
  app.setNotFoundHandler(async (request, reply) =>
    sendProblem(
      reply,
      request,
      new AppError('not_found', `No resource at ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // 'wasm-unsafe-eval' lets the back-office compile its own WebAssembly (the bundled barcode decoder for
        // cameras in browsers without BarcodeDetector); it allows no JavaScript eval.
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    hsts: ctx.config.secureCookies,
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'truyxuat API',
        description:
          'Platform API of truyxuat, the provincial product traceability system. Errors are RFC 7807 problem documents. ' +
          'Authenticate with `Authorization: Bearer tx_…` (API key) or the session cookie plus `X-CSRF-Token` for changes.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'API key tx_…' },
          session: { type: 'apiKey', in: 'cookie', name: 'tx_session' },
        },
      },
    },
  });
  // Tags start collapsed: with every capability's operations the page is long, and it opens fast this way.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'none' } });

  const rateLimiter = registerRateLimits(app, ctx.config);
  registerAuthentication(app, ctx);
  rateLimiter.afterAuthentication();
  registerIdempotency(app, ctx);

  app.get(
    '/health',
    { schema: { tags: ['health'], summary: 'Liveness: the process answers', response: { 200: HealthResponse } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/ready',
    { schema: { tags: ['health'], summary: 'Readiness: the database answers', response: { 200: HealthResponse } } },
    async () => {
      try {
        await sql`select 1`.execute(ctx.db);
      } catch (e) {
        throw new AppError('unavailable', 'The database does not answer', { cause: e });
      }
      return { status: 'ok' as const };
    },
  );

  for (const { prefix, plugin } of ROUTES) await app.register(plugin, { prefix, ctx });
  return app;
}

/** Fastify's form of TRUYXUAT_TRUST_PROXY; a hop count trusts that many proxies nearest to the server. */
function fastifyTrustProxy(
  setting: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return typeof setting === 'boolean' ? setting : [...setting];
}
