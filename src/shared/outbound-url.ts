import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/**
 * The one guard against server-side request forgery for every URL the platform fetches on its own (pull
 * connectors, cross-node trace, webhooks, subscription destinations): a URL is an absolute http(s) URL without
 * credentials, its host is resolved and every address it resolves to must be public, the check runs inside the
 * connection's own DNS lookup (so a name that changes its answer between check and connect — DNS rebinding — is
 * refused too), and redirects are never followed (a 3xx is handed back to the caller, which checks the next URL
 * like any other).
 *
 * Refused: private (RFC 1918, unique-local), loopback, link-local (cloud metadata at 169.254.169.254 and
 * fd00:ec2::254 included), carrier-grade NAT, multicast, reserved and documentation ranges. Configuration may allow
 * some of them: `TRUYXUAT_OUTBOUND_ALLOW` lists addresses, CIDR ranges or the words `loopback` and `private`
 * (see docs/configuration.md); `TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS=true` (the older setting) allows every address.
 */

export class OutboundUrlError extends Error {
  override readonly name = 'OutboundUrlError';
}

const BLOCKED = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['100::', 64],
  ['64:ff9b::', 96],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/** An IPv4 address carried in an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, `::ffff:7f00:1`), if any. */
function mappedIpv4(address: string): string | null {
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1]!;
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return null;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** The address in the form the block lists compare: IPv4-mapped IPv6 addresses as IPv4. */
function normalise(address: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const family = net.isIP(address);
  if (family === 4) return { address, family: 'ipv4' };
  if (family === 6) {
    const v4 = mappedIpv4(address);
    return v4 !== null ? { address: v4, family: 'ipv4' } : { address, family: 'ipv6' };
  }
  return null;
}

/** True for addresses that are not on the public internet (private, loopback, link-local, multicast, reserved). */
export function isNonPublicAddress(address: string): boolean {
  const n = normalise(address);
  return n === null || BLOCKED.check(n.address, n.family);
}

/** Which non-public addresses configuration lets the platform reach. */
export interface OutboundPolicy {
  readonly allowAll: boolean;
  readonly allowed: net.BlockList;
  /** The setting as written, for messages. */
  readonly description: string;
}

const LOOPBACK: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
];
const PRIVATE: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
];

/**
 * Reads the policy from `TRUYXUAT_OUTBOUND_ALLOW` (comma-separated: `loopback`, `private`, an address or a CIDR
 * range). Read on every use, so the worker, the API and the CLI follow the same setting. Throws on a malformed entry.
 */
export function outboundPolicy(env: NodeJS.ProcessEnv = process.env): OutboundPolicy {
  const allowed = new net.BlockList();
  const raw = env.TRUYXUAT_OUTBOUND_ALLOW?.trim() ?? '';
  const allowAll = env.TRUYXUAT_ALLOW_PRIVATE_WEBHOOKS === 'true';
  for (const entry of raw.split(',').map((e) => e.trim().toLowerCase())) {
    if (entry === '') continue;
    if (entry === 'loopback' || entry === 'private') {
      for (const [network, prefix, family] of entry === 'loopback' ? LOOPBACK : PRIVATE)
        allowed.addSubnet(network, prefix, family);
      continue;
    }
    const [address, bits] = entry.split('/');
    const family = net.isIP(address ?? '');
    if (family === 0)
      throw new Error(`TRUYXUAT_OUTBOUND_ALLOW: "${entry}" is not an address, a CIDR range, loopback or private`);
    const kind = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) allowed.addAddress(address!, kind);
    else {
      const prefix = Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128))
        throw new Error(`TRUYXUAT_OUTBOUND_ALLOW: "${entry}" has a bad prefix length`);
      allowed.addSubnet(address!, prefix, kind);
    }
  }
  return { allowAll, allowed, description: allowAll ? 'all addresses' : raw || 'public addresses only' };
}

/** True when the policy refuses the address: it is not public and configuration does not allow it. */
export function isRefusedAddress(address: string, policy: OutboundPolicy = outboundPolicy()): boolean {
  if (policy.allowAll) return false;
  const n = normalise(address);
  if (n === null) return true;
  if (!BLOCKED.check(n.address, n.family)) return false;
  return !policy.allowed.check(n.address, n.family);
}

/** Parses a URL the platform will fetch: absolute http(s), a host, no user name or password inside. */
export function parseOutboundUrl(raw: string, field = 'url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundUrlError(`${field} must be an absolute http or https URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new OutboundUrlError(`${field} must be an http or https URL`);
  if (url.username !== '' || url.password !== '')
    throw new OutboundUrlError(`${field} must not carry credentials; give them separately`);
  if (url.hostname === '') throw new OutboundUrlError(`${field} has no host`);
  return url;
}

function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Resolves the URL's host and refuses it when any address is refused by the policy (checked on registration). */
export async function checkOutboundUrl(
  raw: string,
  options: { field?: string; policy?: OutboundPolicy } = {},
): Promise<URL> {
  const url = parseOutboundUrl(raw, options.field);
  const policy = options.policy ?? outboundPolicy();
  if (policy.allowAll) return url;
  const host = bareHost(url);
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new OutboundUrlError(`The host ${host} cannot be resolved`);
    }
  }
  if (addresses.length === 0 || addresses.some((a) => isRefusedAddress(a, policy)))
    throw new OutboundUrlError(
      `${options.field ?? 'url'} resolves to a private, loopback, link-local or metadata address (${host})`,
    );
  return url;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** A dns.lookup for http.request that fails when any address is refused: the check and the connection agree. */
export function guardedLookup(policy: OutboundPolicy = outboundPolicy()) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      if (addresses.length === 0 || addresses.some((a) => isRefusedAddress(a.address, policy))) {
        const e: NodeJS.ErrnoException = new Error(`Refused non-public address for ${hostname}`);
        e.code = 'EREFUSED_PRIVATE';
        return callback(e, []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      return callback(null, first.address, first.family);
    });
  };
}

export interface OutboundRequest {
  readonly method?: 'GET' | 'POST' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs?: number;
  /** Larger answers fail the request. */
  readonly maxResponseBytes?: number;
  readonly policy?: OutboundPolicy;
}

export interface OutboundResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * One guarded HTTP exchange. Throws OutboundUrlError for a refused URL or address, and an Error for a network
 * failure, a timeout, an answer cut short or one over the size bound. Redirects are returned, not followed.
 */
export async function fetchOutbound(raw: string, request: OutboundRequest = {}): Promise<OutboundResponse> {
  const url = parseOutboundUrl(raw);
  const policy = request.policy ?? outboundPolicy();
  const host = bareHost(url);
  if (net.isIP(host) && isRefusedAddress(host, policy))
    throw new OutboundUrlError(`${url.origin} is a private, loopback, link-local or metadata address`);
  const client = url.protocol === 'https:' ? https : http;
  const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
  const timeoutMs = request.timeoutMs ?? 30_000;
  const limit = request.maxResponseBytes ?? 20 * 1024 * 1024;
  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      reject(e);
    };
    const req = client.request(
      url,
      {
        method: request.method ?? 'GET',
        headers: { ...request.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        lookup: guardedLookup(policy),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > limit) {
            res.destroy();
            fail(new Error(`The answer from ${url.origin} is larger than ${limit} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (e) =>
          fail(res.complete ? e : new Error(`The connection to ${url.origin} closed before the answer ended`)),
        );
        res.on('close', () => {
          if (settled) return;
          if (!res.complete) return fail(new Error(`The connection to ${url.origin} closed before the answer ended`));
          settled = true;
          clearTimeout(deadline);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      },
    );
    const deadline = setTimeout(() => {
      req.destroy(new Error(`No answer from ${url.origin} within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) =>
      fail(
        e.code === 'EREFUSED_PRIVATE'
          ? new OutboundUrlError(`${url.hostname} resolves to a private, loopback, link-local or metadata address`)
          : new Error(`${url.origin}: ${e.message}`),
      ),
    );
    req.end(body);
  });
}

/** The `rel="next"` target of a `Link` header, resolved against the URL that answered. */
export function nextLink(header: string | string[] | undefined, base: string): string | null {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return null;
  for (const part of value.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /(^|;)\s*rel="?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(match[2]!))
      return new URL(match[1]!, base).toString();
  }
  return null;
}
