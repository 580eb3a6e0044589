import type { NationalPortalConfig } from '../../config.ts';
import { parseRetryAfter, type Clock } from './backoff.ts';
import type { NationalPlatform, NationalRecord, SendOutcome } from './platform.ts';

/**
 * The National Traceability Portal (truyxuatnguongoc.gov.vn) behind the `NationalPlatform` interface. Its
 * integration guide is not public; this follows the behaviour described in docs/federation.md ("National
 * Traceability Portal"): client-credential tokens from `POST /oauth2/token`, and one idempotent `PUT` per record
 * under the organisation's tax code, keyed by the portal's own keys (tax code, GTIN, chain code, event key).
 */

export const NATIONAL_PORTAL_PLATFORM = 'vn-national-portal';

/** A token is renewed this long before it expires, so no call goes out with a token about to lapse. */
const TOKEN_REFRESH_MARGIN_MS = 60_000;
const MAX_ANSWER_BYTES = 64 * 1024;

interface CachedToken {
  readonly value: string;
  readonly expiresAt: number;
}

/** An error answer of the portal: `{ code, message, field? }`. */
interface PortalProblem {
  readonly code: string;
  readonly message: string;
  readonly field: string | null;
}

class TransportError extends Error {
  override readonly name = 'TransportError';
}

/** The token endpoint refused: the outcome every send waiting for that token gets. */
class TokenRefused extends Error {
  override readonly name = 'TokenRefused';
  constructor(readonly outcome: SendOutcome) {
    super('Token refused');
  }
}

export interface PortalClientOptions {
  readonly config: NationalPortalConfig;
  readonly clock: Clock;
  /** Replaces global fetch (tests never need it: they run a real stand-in server). */
  readonly fetch?: typeof fetch;
}

export interface NationalPortalClient extends NationalPlatform {
  /** Token requests made so far (the dashboard and tests read it). */
  readonly tokenRequests: () => number;
}

const seg = encodeURIComponent;

function pathOf(record: NationalRecord): string {
  switch (record.kind) {
    case 'organisation':
      return `/v1/organizations/${seg(record.key)}`;
    case 'product':
      return `/v1/organizations/${seg(record.organisationKey)}/products/${seg(record.key)}`;
    case 'chain':
      return `/v1/organizations/${seg(record.organisationKey)}/chains/${seg(record.key)}`;
    case 'event':
      return `/v1/organizations/${seg(record.organisationKey)}/chains/${seg(record.chainKey)}/events/${seg(record.key)}`;
  }
}

async function readAnswer(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length > MAX_ANSWER_BYTES || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function problemOf(answer: unknown, fallbackCode: string): PortalProblem {
  const o = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>;
  const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.slice(0, 500) : null);
  return {
    code:
      str(o.code)
        ?.toUpperCase()
        .replace(/[^A-Z0-9_]/g, '_') ?? fallbackCode,
    message: str(o.message) ?? '',
    field: str(o.field),
  };
}

/** Why a call failed without an answer, in words that name no secret. */
function transportDetail(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'No answer within the timeout';
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code) return `Connection failed (${cause.code})`;
    return `Connection failed (${error.message.slice(0, 200)})`;
  }
  return 'Connection failed';
}

export function nationalPortalClient(options: PortalClientOptions): NationalPortalClient {
  const { config, clock } = options;
  const doFetch = options.fetch ?? fetch;
  let token: CachedToken | undefined;
  let pendingToken: Promise<CachedToken> | undefined;
  let requests = 0;

  async function call(method: string, path: string, init: { headers: Record<string, string>; body?: string }) {
    try {
      return await doFetch(`${config.baseUrl}${path}`, {
        method,
        headers: init.headers,
        ...(init.body === undefined ? {} : { body: init.body }),
        redirect: 'error',
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch (e) {
      throw new TransportError(transportDetail(e));
    }
  }

  async function fetchToken(): Promise<CachedToken> {
    requests += 1;
    const response = await call('POST', '/oauth2/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: config.clientId,
        client_secret: config.clientSecret,
      }).toString(),
    });
    const answer = await readAnswer(response);
    if (!response.ok) {
      // A refused token request is answered like a refused call: rate limits and outages pause, bad credentials stop.
      if (response.status === 400 || response.status === 401) {
        const problem = problemOf(answer, 'INVALID_CLIENT');
        throw new TokenRefused({
          kind: 'unauthorised',
          httpStatus: response.status,
          code: 'INVALID_CLIENT',
          detail: problem.message || `Token refused (HTTP ${response.status})`,
        });
      }
      const outcome = outcomeOf(response, answer);
      throw new TokenRefused(
        outcome.kind === 'rateLimited' || outcome.kind === 'unavailable'
          ? outcome
          : {
              kind: 'unavailable',
              httpStatus: response.status,
              code: 'PORTAL_UNAVAILABLE',
              detail: `Token endpoint answered HTTP ${response.status}`,
            },
      );
    }
    const o = (answer ?? {}) as { access_token?: unknown; expires_in?: unknown };
    if (typeof o.access_token !== 'string' || typeof o.expires_in !== 'number')
      throw new TransportError('The token answer has no access_token or expires_in');
    return { value: o.access_token, expiresAt: clock().getTime() + o.expires_in * 1000 };
  }

  async function currentToken(): Promise<string> {
    if (token && clock().getTime() < token.expiresAt - TOKEN_REFRESH_MARGIN_MS) return token.value;
    // One refresh at a time: concurrent sends wait for the same token.
    pendingToken ??= fetchToken().finally(() => {
      pendingToken = undefined;
    });
    token = await pendingToken;
    return token.value;
  }

  async function sendOnce(record: NationalRecord): Promise<{ response: Response; answer: unknown }> {
    const bearer = await currentToken();
    const response = await call('PUT', pathOf(record), {
      headers: {
        authorization: `Bearer ${bearer}`,
        'content-type': 'application/json; charset=utf-8',
        accept: 'application/json',
        // The path already makes the call idempotent; the header lets the portal's gateway say so in its logs.
        'idempotency-key': `${record.kind}:${pathOf(record)}`,
      },
      body: JSON.stringify(record.body),
    });
    return { response, answer: await readAnswer(response) };
  }

  async function send(record: NationalRecord): Promise<SendOutcome> {
    try {
      let { response, answer } = await sendOnce(record);
      if (response.status === 401) {
        // Expired or revoked before its announced time: fetch a new token once and repeat the call.
        token = undefined;
        ({ response, answer } = await sendOnce(record));
      }
      return outcomeOf(response, answer);
    } catch (e) {
      if (e instanceof TokenRefused) return e.outcome;
      if (e instanceof TransportError)
        return { kind: 'unavailable', httpStatus: null, code: 'PORTAL_UNAVAILABLE', detail: e.message };
      throw e;
    }
  }

  function outcomeOf(response: Response, answer: unknown): SendOutcome {
    const status = response.status;
    if (status >= 200 && status < 300) {
      const o = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>;
      const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v.slice(0, 200) : null);
      return {
        kind: 'accepted',
        httpStatus: status,
        ref: str(o.id),
        status: str(o.status),
        traceCode: str(o.traceCode),
      };
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock()) ?? null;
      return { kind: 'rateLimited', httpStatus: status, retryAfterMs };
    }
    if (status >= 500 || status === 408) {
      const problem = problemOf(answer, 'PORTAL_UNAVAILABLE');
      return {
        kind: 'unavailable',
        httpStatus: status,
        code: 'PORTAL_UNAVAILABLE',
        detail: problem.message || `HTTP ${status}`,
      };
    }
    const problem = problemOf(answer, `HTTP_${status}`);
    if (status === 401)
      return { kind: 'unauthorised', httpStatus: status, code: 'INVALID_TOKEN', detail: problem.message };
    if (problem.code === 'ORG_NOT_ACTIVATED')
      return { kind: 'organisationInactive', httpStatus: status, code: problem.code, detail: problem.message };
    return { kind: 'rejected', httpStatus: status, code: problem.code, detail: problem.message, field: problem.field };
  }

  return { id: NATIONAL_PORTAL_PLATFORM, send, tokenRequests: () => requests };
}
