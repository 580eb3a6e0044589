import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { glnOf, indexEpcs } from '../epcis/event-index.ts';
import type { EpcisEvent } from '../epcis/model.ts';
import { callerOrganisation, requirePermission, seesEverything, type Caller } from '../shared/caller.ts';
import { AppError, notFound } from '../shared/errors.ts';
import * as repo from './provider.repository.ts';

/**
 * Solution providers: a provider organisation captures for the businesses that delegated to it (the delegation
 * itself — rights, products or locations, end date, revocation — lives in the registry). Here: the delegation's
 * product and location scope, enforced on every capture made through it, and the province's overview of which
 * provider serves which businesses with the health of each feed.
 */

/** Days over which a feed's error rate is counted. */
export const FEED_WINDOW_DAYS = 30;

/**
 * Refuses a capture through a delegation whose scope does not cover every event: each GTIN an event names must be
 * one of the delegated products', and each location (bizLocation, readPoint) one of the delegated locations'. An
 * empty list in the scope means all of the business's.
 */
export async function checkDelegatedScope(
  db: Kysely<DB> | Transaction<DB>,
  delegationId: string,
  organisationId: string,
  events: readonly EpcisEvent[],
): Promise<void> {
  const row = await repo.delegationScope(db, delegationId);
  const productIds = row?.scope.productIds ?? [];
  const locationIds = row?.scope.locationIds ?? [];
  if (productIds.length === 0 && locationIds.length === 0) return;
  const gtins = new Set(await repo.gtinsOfProducts(db, organisationId, productIds));
  const glns = new Set(await repo.glnsOfLocations(db, organisationId, locationIds));
  events.forEach((event, index) => {
    if (productIds.length > 0) {
      for (const epc of indexEpcs(event)) {
        if (epc.gtin !== null && !gtins.has(epc.gtin))
          throw new AppError('forbidden', `The delegation does not cover the product ${epc.gtin}`, {
            fields: [
              {
                field: `eventList/${index}`,
                message: `GTIN ${epc.gtin} is outside the delegation`,
                messageKey: 'federation.delegation.product',
              },
            ],
          });
      }
    }
    if (locationIds.length > 0) {
      for (const place of [event.bizLocation?.id, event.readPoint?.id]) {
        if (place === undefined) continue;
        const gln = glnOf(place);
        if (gln === null || !glns.has(gln))
          throw new AppError('forbidden', `The delegation does not cover the location ${place}`, {
            fields: [
              {
                field: `eventList/${index}`,
                message: `${place} is outside the delegation`,
                messageKey: 'federation.delegation.location',
              },
            ],
          });
      }
    }
  });
}

export interface ProviderFeed {
  readonly organisationId: string;
  readonly organisationName: string;
  readonly delegationId: string;
  readonly permissions: string[];
  readonly scope: { productIds: string[]; locationIds: string[] };
  readonly validUntil: Date | null;
  /** active, expired or revoked */
  readonly state: 'active' | 'expired' | 'revoked';
  readonly revokedAt: Date | null;
  readonly lastEventAt: Date | null;
  readonly eventsInWindow: number;
  readonly capturesInWindow: number;
  readonly failedCapturesInWindow: number;
  /** failed / captures over the window; null without captures. */
  readonly errorRate: number | null;
}

export interface ProviderOverview {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly activeBusinesses: number;
  readonly lastEventAt: Date | null;
  readonly errorRate: number | null;
  readonly businesses: ProviderFeed[];
}

/**
 * Which provider serves which businesses, and the health of each feed (last event captured through it, capture
 * error rate over FEED_WINDOW_DAYS). The province sees every provider; a provider sees its own.
 */
export async function providerOverview(db: Kysely<DB>, caller: Caller, now = new Date()): Promise<ProviderOverview[]> {
  requirePermission(caller, 'registry:read');
  let only: string | undefined;
  if (!seesEverything(caller)) {
    only = callerOrganisation(caller);
    if (only === undefined) throw notFound('Provider');
  }
  const providers = await repo.providers(db, only);
  if (!seesEverything(caller) && providers.length === 0)
    throw new AppError('forbidden', 'Only the province and solution providers see provider feeds');
  const ids = providers.map((p) => p.id);
  const since = new Date(now.getTime() - FEED_WINDOW_DAYS * 86_400_000);
  const [delegations, events, captures] = await Promise.all([
    repo.delegationsTo(db, ids),
    repo.eventFeed(db, ids, since),
    repo.captureFeed(db, ids, since),
  ]);
  const key = (p: string | null, o: string) => `${p ?? ''}|${o}`;
  const eventsBy = new Map(events.map((e) => [key(e.via_organisation_id, e.owner_organisation_id), e]));
  const capturesBy = new Map(captures.map((c) => [key(c.via_organisation_id, c.organisation_id), c]));
  return providers.map((p) => {
    // One row per business: its latest delegation to this provider.
    const latest = new Map<string, (typeof delegations)[number]>();
    for (const d of delegations.filter((x) => x.provider_organisation_id === p.id)) {
      const seen = latest.get(d.organisation_id);
      if (!seen || d.created_at > seen.created_at) latest.set(d.organisation_id, d);
    }
    const businesses: ProviderFeed[] = [...latest.values()].map((d) => {
      const e = eventsBy.get(key(p.id, d.organisation_id));
      const c = capturesBy.get(key(p.id, d.organisation_id));
      const state =
        d.revoked_at !== null ? 'revoked' : d.valid_until !== null && d.valid_until <= now ? 'expired' : 'active';
      return {
        organisationId: d.organisation_id,
        organisationName: d.organisation_name,
        delegationId: d.id,
        permissions: d.permissions,
        scope: { productIds: d.scope.productIds ?? [], locationIds: d.scope.locationIds ?? [] },
        validUntil: d.valid_until,
        state,
        revokedAt: d.revoked_at,
        lastEventAt: e ? new Date(e.last_event_at) : null,
        eventsInWindow: e?.recent_events ?? 0,
        capturesInWindow: c?.captures ?? 0,
        failedCapturesInWindow: c?.failed ?? 0,
        errorRate: c && c.captures > 0 ? c.failed / c.captures : null,
      };
    });
    const captured = businesses.reduce((n, b) => n + b.capturesInWindow, 0);
    const failed = businesses.reduce((n, b) => n + b.failedCapturesInWindow, 0);
    const last = businesses.map((b) => b.lastEventAt).filter((d): d is Date => d !== null);
    return {
      id: p.id,
      name: p.name,
      status: p.status,
      activeBusinesses: businesses.filter((b) => b.state === 'active').length,
      lastEventAt: last.length > 0 ? new Date(Math.max(...last.map((d) => d.getTime()))) : null,
      errorRate: captured > 0 ? failed / captured : null,
      businesses,
    };
  });
}
