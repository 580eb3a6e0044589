import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { ERROR_RESPONSES, IdParams, Nullable } from '../http/schemas.ts';
import { localeFromAcceptLanguage, type Locale } from '../shared/messages.ts';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listNotifications,
  listWebhooks,
  markNotificationRead,
} from './notifications.service.ts';

const Notification = Type.Object({
  id: Type.String(),
  organisationId: Nullable(Type.String({ description: 'null: a notification for the province' })),
  kind: Type.String({ description: 'recall.opened, shipment.rejected, …' }),
  title: Type.String({ description: 'In the language of ?lang, else Accept-Language (Vietnamese by default)' }),
  titleKey: Type.String(),
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  link: Nullable(Type.String()),
  payload: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Nullable(Type.String({ format: 'date-time' })),
});

const Webhook = Type.Object({
  id: Type.String(),
  organisationId: Type.String(),
  url: Type.String(),
  secretPrefix: Type.String(),
  kinds: Nullable(Type.Array(Type.String())),
  createdAt: Type.String({ format: 'date-time' }),
});

const LangQuery = { lang: Type.Optional(Type.Union([Type.Literal('vi'), Type.Literal('en')])) };

/** `/api/notifications` (the caller's in-app notifications) and `/api/notification-webhooks` (its endpoints). */
export const notificationsRoutes: RoutePlugin = async (app, { ctx }) => {
  const { db } = ctx;
  const localeOf = (request: { query: { lang?: Locale }; headers: { 'accept-language'?: string } }): Locale =>
    request.query.lang ?? localeFromAcceptLanguage(request.headers['accept-language']);

  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: "The caller's notifications (its organisation's; the province's too for the province), newest first",
        querystring: Type.Object({
          unread: Type.Optional(Type.Boolean()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          offset: Type.Optional(Type.Integer({ minimum: 0 })),
          ...LangQuery,
        }),
        response: {
          200: Type.Object({
            items: Type.Array(Notification),
            total: Type.Integer({ description: 'Matching notifications (unread ones with unread=true)' }),
            unread: Type.Integer(),
            limit: Type.Integer(),
            offset: Type.Integer(),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) =>
      listNotifications(db, request.caller, {
        ...(request.query.unread !== undefined ? { unread: request.query.unread } : {}),
        ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}),
        ...(request.query.offset !== undefined ? { offset: request.query.offset } : {}),
        locale: localeOf(request),
      }),
  );
  app.post(
    '/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark a notification read',
        params: IdParams,
        querystring: Type.Object(LangQuery),
        response: { 200: Notification, ...ERROR_RESPONSES },
      },
    },
    async (request) => markNotificationRead(db, request.caller, request.params.id, localeOf(request)),
  );

  app.get(
    '/notification-webhooks',
    {
      schema: {
        tags: ['notifications'],
        summary: "The organisation's webhook endpoints (administrators: keys:manage)",
        response: { 200: Type.Array(Webhook), ...ERROR_RESPONSES },
      },
    },
    async (request) => listWebhooks(db, request.caller),
  );
  app.post(
    '/notification-webhooks',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Add a webhook endpoint; the answer carries its signing secret, shown this once',
        body: Type.Object({
          url: Type.String({ minLength: 1, maxLength: 2000 }),
          kinds: Type.Optional(
            Type.Array(Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z][a-z0-9_.-]*$' }), {
              maxItems: 50,
              description: 'Only these kinds of notification (all when absent)',
            }),
          ),
        }),
        response: {
          201: Type.Intersect([
            Webhook,
            Type.Object({
              secret: Type.String({ description: 'Keys the X-Truyxuat-Signature HMAC; not shown again' }),
            }),
          ]),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => reply.status(201).send(await createWebhook(db, request.caller, request.body)),
  );
  app.delete(
    '/notification-webhooks/:id',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Remove a webhook endpoint',
        params: IdParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await deleteWebhook(db, request.caller, request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/notification-webhooks/:id/deliveries',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The latest deliveries to an endpoint, with their status and last error',
        params: IdParams,
        response: {
          200: Type.Array(
            Type.Object({
              id: Type.String(),
              notificationId: Type.String(),
              status: Type.String({ description: 'pending, delivered or failed' }),
              attempts: Type.Integer(),
              lastStatusCode: Nullable(Type.Integer()),
              lastError: Nullable(Type.String()),
              createdAt: Type.String({ format: 'date-time' }),
              deliveredAt: Nullable(Type.String({ format: 'date-time' })),
            }),
          ),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => listDeliveries(db, request.caller, request.params.id),
  );
};
