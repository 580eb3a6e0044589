import { Type } from '@sinclair/typebox';
import type { RoutePlugin } from '../http/context.ts';
import { DateTime, ERROR_RESPONSES, Nullable } from '../http/schemas.ts';
import { FEED_WINDOW_DAYS, providerOverview } from './provider.service.ts';

const Feed = Type.Object({
  organisationId: Type.String(),
  organisationName: Type.String(),
  delegationId: Type.String(),
  permissions: Type.Array(Type.String()),
  scope: Type.Object({ productIds: Type.Array(Type.String()), locationIds: Type.Array(Type.String()) }),
  validUntil: Nullable(DateTime),
  state: Type.String({ description: 'active, expired or revoked' }),
  revokedAt: Nullable(DateTime),
  lastEventAt: Nullable(DateTime),
  eventsInWindow: Type.Integer(),
  capturesInWindow: Type.Integer(),
  failedCapturesInWindow: Type.Integer(),
  errorRate: Nullable(Type.Number({ description: 'Failed captures / captures in the window' })),
});

const Provider = Type.Object({
  id: Type.String(),
  name: Type.String(),
  status: Type.String(),
  activeBusinesses: Type.Integer(),
  lastEventAt: Nullable(DateTime),
  errorRate: Nullable(Type.Number()),
  businesses: Type.Array(Feed),
});

/** `/api/federation/providers`: which solution provider serves which businesses, and each feed's health. */
export const providerRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/federation/providers',
    {
      schema: {
        tags: ['federation'],
        summary: `Solution providers, the businesses that delegated to them and each feed's health (last event, capture error rate over ${FEED_WINDOW_DAYS} days); the province sees all, a provider itself`,
        response: { 200: Type.Array(Provider), ...ERROR_RESPONSES },
      },
    },
    async (request) => providerOverview(ctx.db, request.caller),
  );
};
