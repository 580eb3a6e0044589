import type { FastifyRequest } from 'fastify';
import type { Config, RateLimits } from '../config.ts';
import { AppError } from '../shared/errors.ts';
import { localeFromAcceptLanguage, t } from '../shared/messages.ts';
import type { App } from './context.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The rate-limit class of the route, set when routes are registered (see `classify`). */
    rateLimitClass?: RateLimitClass;
  }
}

/**
 * Request rate limits: in-process token buckets per client address and per credential (API key or signed-in
 * user), for the routes an attacker would hammer: sign-in, EPCIS capture, the resolver and generated reports.
 * The buckets live in this process: with several instances behind a load balancer each enforces its own, so the
 * configured numbers are per instance (docs/security.md). What must hold across instances — the lock of an
 * account after repeated failed sign-ins — is kept in PostgreSQL by the identity service, not here.
 *
 * The resolver is the hot path: a route's class is decided once when it is registered, so a request costs one
 * property read, one Map lookup and a little arithmetic.
 */

export type RateLimitClass = keyof RateLimits;

/** The largest number of buckets kept per class and side before idle ones are dropped. */
const MAX_BUCKETS = 100_000;

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets of one capacity: `perMinute` tokens, refilled continuously, burst up to a minute's worth. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes one token for `key`: 0 when granted, else the whole seconds until one is available. */
  take(key: string): number {
    const now = this.clock();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.sweep(now);
      bucket = { tokens: this.perMinute, at: now };
      this.buckets.set(key, bucket);
    } else if (now > bucket.at) {
      bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * this.perMs);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000));
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Drops buckets that have refilled completely (they behave as new ones); if none has, the oldest half. */
  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.perMs >= this.perMinute) this.buckets.delete(key);
    }
    if (this.buckets.size < MAX_BUCKETS) return;
    let drop = this.buckets.size / 2;
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

const RESOLVER_ROUTE = /^\/(\d{2,4}\/\*|:compressed\/?)$/;
const REPORT_ROUTE = /(\/report|\/export|\.pdf$|\.xlsx$|\.csv$)/;

/** The class of a route from its method and URL pattern as registered (prefix included), or none. */
export function classify(method: string, url: string): RateLimitClass | undefined {
  // Self-registration is anonymous and creates an account: limited like sign-in.
  if (method === 'POST' && (url === '/api/auth/sign-in' || url === '/api/registrations')) return 'signIn';
  if (method === 'POST' && (url === '/epcis/capture' || url === '/epcis/events')) return 'capture';
  if ((method === 'GET' || method === 'HEAD') && RESOLVER_ROUTE.test(url)) return 'resolver';
  // Consumer problem reports (the form on the consumer page) and generated reports and exports (PDF, XLSX, CSV).
  if (method === 'POST' && url === '/p/*') return 'reports';
  if ((method === 'GET' || method === 'HEAD') && url.startsWith('/api/') && REPORT_ROUTE.test(url)) return 'reports';
  return undefined;
}

/** The 429 problem, its detail in the caller's language (Accept-Language, Vietnamese by default). */
function limited(retryAfter: number, request: FastifyRequest): AppError {
  const locale = localeFromAcceptLanguage(request.headers['accept-language']);
  return new AppError('rate_limited', t(locale, 'problem.rate_limited.detail', { seconds: retryAfter }), {
    details: { retryAfter },
  });
}

export interface RateLimiter {
  /** Adds the per-credential check; register after authentication so that the caller is known. */
  afterAuthentication(): void;
}

/**
 * Registers the limits on `app`: call before any route is registered (the classes are attached to routes as they
 * are added) and before authentication (the per-address check runs first, so floods of bad credentials cost no
 * database lookups). Does nothing when `config.rateLimits` is null.
 */
export function registerRateLimits(app: App, config: Config, clock: () => number = Date.now): RateLimiter {
  const limits = config.rateLimits;
  if (limits === null) return { afterAuthentication: () => undefined };
  const perIp = new Map<RateLimitClass, TokenBuckets>();
  const perKey = new Map<RateLimitClass, TokenBuckets>();
  for (const cls of Object.keys(limits) as RateLimitClass[]) {
    if (limits[cls].perIp > 0) perIp.set(cls, new TokenBuckets(limits[cls].perIp, clock));
    if (limits[cls].perKey > 0) perKey.set(cls, new TokenBuckets(limits[cls].perKey, clock));
  }

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const cls = methods.map((m) => classify(m, route.url)).find((c) => c !== undefined);
    if (cls !== undefined) route.config = { ...(route.config ?? {}), rateLimitClass: cls };
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const cls = request.routeOptions.config.rateLimitClass;
    if (cls === undefined) return;
    const wait = perIp.get(cls)?.take(request.ip) ?? 0;
    if (wait > 0) throw limited(wait, request);
  });

  return {
    afterAuthentication() {
      app.addHook('onRequest', async (request: FastifyRequest) => {
        const cls = request.routeOptions.config.rateLimitClass;
        if (cls === undefined) return;
        const caller = request.caller;
        const key =
          caller.kind === 'apiKey' ? `k:${caller.apiKeyId}` : caller.kind === 'user' ? `u:${caller.userId}` : null;
        if (key === null) return;
        const wait = perKey.get(cls)?.take(key) ?? 0;
        if (wait > 0) throw limited(wait, request);
      });
    },
  };
}
