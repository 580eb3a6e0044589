import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { App, AppContext } from '../http/context.ts';
import { AppError } from '../shared/errors.ts';
import type { EpcFormat } from './query-document.ts';
import * as subscriptions from './subscription.service.ts';

/**
 * EPCIS 2.0 REST binding, subscriptions: `/queries/{queryName}/subscriptions` (webhooks) and the WebSocket upgrade
 * of `/queries/{queryName}/events`. Registered by the `/epcis` plugin, which reads bodies raw.
 */

const QueryNameParams = Type.Object({ queryName: Type.String({ maxLength: 100 }) });
const SubscriptionParams = Type.Object({
  queryName: Type.String({ maxLength: 100 }),
  subscriptionID: Type.String({ maxLength: 100 }),
});

/** Client messages are not part of the protocol; a stream holds this much unsent data before it gives up. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
/** An upgrade request whose socket nobody takes over is closed after this long without traffic. */
const UPGRADE_IDLE_MS = 30_000;

function jsonBody(request: FastifyRequest): unknown {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'application/ld+json')
    throw new AppError('unsupported_media_type', 'Send the subscription as application/json');
  try {
    return JSON.parse((request.body as Buffer).toString('utf8'));
  } catch {
    throw new AppError('validation', 'The body is not valid JSON', {
      problemType: 'epcisException:ValidationException',
      fields: [{ field: 'body', message: 'invalid JSON' }],
    });
  }
}

export function registerSubscriptionRoutes(app: App, ctx: AppContext): void {
  const { db } = ctx;

  // An upgrade refused before the WebSocket plugin marked it (e.g. a bad API key, found by the authentication hook)
  // is answered over the raw socket, which nobody reads afterwards: close it, or it stays open for ever.
  app.addHook('onResponse', async (request) => {
    if (request.headers.upgrade?.toLowerCase() === 'websocket') request.raw.socket.destroy();
  });
  // Upgrades of routes outside this plugin get no such hook: an idle timeout closes them. `ws` clears it on the
  // sockets it accepts.
  app.server.on('upgrade', (_request: unknown, socket: Socket) => {
    socket.setTimeout(UPGRADE_IDLE_MS, () => socket.destroy());
  });

  app.options(
    '/queries/:queryName/subscriptions',
    { schema: { tags: ['epcis'], summary: 'Subscription endpoint discovery', params: QueryNameParams } },
    async (_request, reply) => reply.status(204).header('Allow', 'OPTIONS, GET, POST').send(),
  );

  app.get(
    '/queries/:queryName/subscriptions',
    {
      schema: {
        tags: ['epcis'],
        summary: 'Subscriptions on a named query (webhooks), in pages',
        params: QueryNameParams,
        querystring: Type.Object({
          perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          nextPageToken: Type.Optional(Type.String({ maxLength: 100 })),
        }),
      },
    },
    async (request, reply) => {
      const { queryName } = request.params;
      const { perPage, nextPageToken } = request.query;
      const page = await subscriptions.listSubscriptions(db, request.caller, queryName, {
        ...(perPage ? { perPage } : {}),
        ...(nextPageToken ? { after: nextPageToken } : {}),
      });
      if (page.next) {
        const search = new URLSearchParams({
          nextPageToken: page.next,
          ...(perPage ? { perPage: String(perPage) } : {}),
        });
        void reply.header(
          'Link',
          `</epcis/queries/${encodeURIComponent(queryName)}/subscriptions?${search.toString()}>; rel="next"`,
        );
      }
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(page.subscriptions));
    },
  );

  app.post(
    '/queries/:queryName/subscriptions',
    {
      schema: {
        tags: ['epcis'],
        summary: 'Subscribe to a named query by webhook: {dest, signatureToken?, stream: true | schedule, …}',
        description:
          'Deliveries are EPCISQueryDocuments POSTed to dest, signed in the GS1-Signature header (hex HMAC-SHA256 of the body keyed with signatureToken).',
        params: QueryNameParams,
      },
    },
    async (request, reply) => {
      const { queryName } = request.params;
      const view = await subscriptions.createSubscription(db, request.caller, queryName, jsonBody(request));
      ctx.onWork?.();
      return reply
        .status(201)
        .header(
          'Location',
          `/epcis/queries/${encodeURIComponent(queryName)}/subscriptions/${encodeURIComponent(view.subscriptionID)}`,
        )
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(view));
    },
  );

  app.options(
    '/queries/:queryName/subscriptions/:subscriptionID',
    { schema: { tags: ['epcis'], summary: 'Subscription discovery', params: SubscriptionParams } },
    async (_request, reply) => reply.status(204).header('Allow', 'OPTIONS, GET, DELETE').send(),
  );

  app.get(
    '/queries/:queryName/subscriptions/:subscriptionID',
    {
      schema: {
        tags: ['epcis'],
        summary: 'One subscription, with its latest delivery attempts',
        params: SubscriptionParams,
      },
    },
    async (request, reply) => {
      const view = await subscriptions.getSubscription(
        db,
        request.caller,
        request.params.queryName,
        request.params.subscriptionID,
      );
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(view));
    },
  );

  app.delete(
    '/queries/:queryName/subscriptions/:subscriptionID',
    { schema: { tags: ['epcis'], summary: 'Unsubscribe', params: SubscriptionParams } },
    async (request, reply) => {
      await subscriptions.deleteSubscription(
        db,
        request.caller,
        request.params.queryName,
        request.params.subscriptionID,
      );
      return reply.status(204).send();
    },
  );
}

const plans = new WeakMap<FastifyRequest, subscriptions.EventStreamPlan>();

/**
 * Before a WebSocket upgrade of `/queries/{queryName}/events`: authenticates (the same API key or session cookie
 * as any request), refuses cross-site upgrades that ride on a session cookie, and checks the subscription
 * parameters, so that every refusal is an ordinary HTTP problem document instead of a socket that closes.
 */
export async function checkEventStreamUpgrade(
  ctx: AppContext,
  request: FastifyRequest,
  epcFormat: EpcFormat,
): Promise<void> {
  if (!request.ws) return;
  const caller = request.caller;
  const origin = request.headers.origin;
  if (caller.kind === 'user' && origin !== undefined) {
    let sameHost = false;
    try {
      sameHost = new URL(origin).host === request.headers.host;
    } catch {
      sameHost = false;
    }
    if (!sameHost) throw new AppError('forbidden', 'A cookie-authenticated WebSocket must come from this site');
  }
  plans.set(
    request,
    await subscriptions.prepareEventStream(
      ctx.db,
      caller,
      (request.params as { queryName: string }).queryName,
      request.query as Record<string, unknown>,
      epcFormat,
    ),
  );
}

/** The WebSocket side of `/queries/{queryName}/events`: streams new matching events until the client leaves. */
export function serveEventStream(ctx: AppContext, socket: WebSocket, request: FastifyRequest): void {
  const plan = plans.get(request);
  if (!plan) {
    socket.close(1011, 'Subscription not prepared');
    return;
  }
  const controller = new AbortController();
  socket.on('close', () => controller.abort());
  socket.on('message', () => undefined);
  subscriptions
    .runEventStream(
      ctx.db,
      plan,
      {
        send: (document) => {
          if (socket.readyState !== socket.OPEN) return true;
          if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return false;
          socket.send(document);
          return true;
        },
        close: (code, reason) => socket.close(code, reason),
      },
      controller.signal,
    )
    .catch((error: unknown) => {
      request.log.error({ err: error }, 'WebSocket subscription failed');
      if (socket.readyState === socket.OPEN) socket.close(1011, 'Internal error');
    });
}
