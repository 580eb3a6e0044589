import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { isRefusedAddress, outboundPolicy, type OutboundPolicy } from '../shared/outbound-url.ts';

/**
 * The policy of a delivery that does not allow private destinations: the addresses TRUYXUAT_OUTBOUND_ALLOW lists are
 * reachable, the blanket TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS is not (a caller that honours it asks with `allowPrivate`).
 */
function strictPolicy(): OutboundPolicy {
  return { ...outboundPolicy(), allowAll: false };
}

/**
 * Outgoing webhook requests for EPCIS subscriptions, guarded against server-side request forgery: the destination
 * host is resolved and refused when any address is private, loopback, link-local or otherwise not public; the check
 * runs inside the connection's own DNS lookup, so a name that changes its answer between the check and the request
 * (DNS rebinding) is refused too. Redirects are not followed, the whole exchange has a deadline and the answer is
 * read up to a bound and dropped.
 */

/** Refused destination (bad URL or a non-public address). */
export class DestinationError extends Error {
  override readonly name = 'DestinationError';
}

/** Whether an address is off the public internet: the one classification of `src/shared/outbound-url.ts`. */
export { isNonPublicAddress } from '../shared/outbound-url.ts';

/** Parses and checks a subscription destination: an absolute http(s) URL without credentials. */
export function parseDestination(dest: string): URL {
  let url: URL;
  try {
    url = new URL(dest);
  } catch {
    throw new DestinationError('dest must be an absolute http or https URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new DestinationError('dest must be an http or https URL');
  if (url.username !== '' || url.password !== '') throw new DestinationError('dest must not carry credentials');
  if (url.hostname === '') throw new DestinationError('dest has no host');
  return url;
}

function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Resolves the destination's host and refuses it when any of its addresses is not public (unless allowed). */
export async function checkDestination(dest: string, allowPrivate: boolean): Promise<URL> {
  const url = parseDestination(dest);
  if (allowPrivate) return url;
  const host = bareHost(url);
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new DestinationError(`The host ${host} of dest cannot be resolved`);
    }
  }
  if (addresses.length === 0 || addresses.some((address) => isRefusedAddress(address, strictPolicy())))
    throw new DestinationError(`dest resolves to a private, loopback or link-local address (${host})`);
  return url;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** dns.lookup that fails for non-public addresses: the check and the connection use the same answer. */
function guardedLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const policy = strictPolicy();
    const refused = addresses.find((a) => isRefusedAddress(a.address, policy));
    if (refused || addresses.length === 0) {
      const e: NodeJS.ErrnoException = new Error(`Refused non-public address for ${hostname}`);
      e.code = 'EREFUSED_PRIVATE';
      return callback(e, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    return callback(null, first.address, first.family);
  });
}

export interface WebhookRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly allowPrivate: boolean;
}

export interface WebhookOutcome {
  /** The receiver answered 2xx. */
  readonly ok: boolean;
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/** POSTs one webhook body; never throws (a refusal, timeout or network error is an outcome with `error`). */
export async function postWebhook(request: WebhookRequest): Promise<WebhookOutcome> {
  const started = performance.now();
  const done = (status: number | null, error: string | null): WebhookOutcome => ({
    ok: status !== null && status >= 200 && status < 300 && error === null,
    status,
    error,
    durationMs: Math.round(performance.now() - started),
  });
  let url: URL;
  try {
    url = parseDestination(request.url);
    if (!request.allowPrivate && net.isIP(bareHost(url)) && isRefusedAddress(bareHost(url), strictPolicy()))
      throw new DestinationError('dest is a non-public address');
  } catch (e) {
    return done(null, e instanceof Error ? e.message : String(e));
  }
  const client = url.protocol === 'https:' ? https : http;
  const body = Buffer.from(request.body, 'utf8');
  return new Promise<WebhookOutcome>((resolve) => {
    let settled = false;
    const finish = (status: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(done(status, error));
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(body.length) },
        ...(request.allowPrivate ? {} : { lookup: guardedLookup }),
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? null;
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > request.maxResponseBytes) {
            // The answer does not matter beyond its status: stop reading a receiver that talks too much.
            res.destroy();
            finish(status, null);
          }
        });
        res.on('end', () => finish(status, null));
        res.on('error', (e) => finish(status, e.message));
        res.on('close', () => finish(status, null));
      },
    );
    const deadline = setTimeout(() => {
      req.destroy(new Error(`No answer within ${request.timeoutMs} ms`));
    }, request.timeoutMs);
    req.on('error', (e) => finish(null, e.message));
    req.end(body);
  });
}
