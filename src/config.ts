import path from 'node:path';

/**
 * All configuration, read once from the environment (documented in docs/configuration.md). Command-line flags
 * override these values where the CLI offers them.
 */
export interface Config {
  /** PostgreSQL server URL; absent → the embedded database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Folder of the embedded database, uploads and the lock file. */
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  /** Public base URL, used in QR codes, Digital Links and the `Location` headers. */
  readonly publicUrl: string;
  readonly logLevel: string;
  /** Load the Huế demo data set on the first start of an empty database. */
  readonly demoOnFirstStart: boolean;
  /** Largest request body accepted (bytes), EPCIS capture included. */
  readonly maxBodyBytes: number;
  /** Largest uploaded file (bytes): images, documents, import sheets. */
  readonly maxUploadBytes: number;
  /** Set cookies with the Secure flag (behind HTTPS). */
  readonly secureCookies: boolean;
  /** Request header in which the reverse proxy puts the scanner's province code (resolver scan log); none if unset. */
  readonly scanRegionHeader: string | undefined;
  /** Scan alerts: more scans of one serial than this within the window raise `many_scans`. */
  readonly scanAlertMaxScans: number;
  /** Scan alerts: scans of one serial from more provinces than this within the window raise `many_regions`. */
  readonly scanAlertMaxRegions: number;
  /** Scan alerts: the window of the two rules above, in hours. */
  readonly scanAlertWindowHours: number;
  /** SMTP server for notification e-mails (`smtp://user:pass@host:587`, `smtps://…`); absent → e-mails stay queued. */
  readonly smtpUrl: string | undefined;
  /** The From address of notification e-mails. */
  readonly mailFrom: string;
  /**
   * Which reverse proxies may set `X-Forwarded-For` (the client address behind rate limits and the hashed scan
   * log): `false` (none: the socket's address counts), `true` (any), a hop count, or addresses/CIDRs.
   */
  readonly trustProxy: boolean | number | readonly string[];
  /** Request rate limits per client address and per credential (see docs/security.md); `null` turns them off. */
  readonly rateLimits: RateLimits | null;
  /** Failed sign-ins in a row after which an account is locked, and for how long (minutes). */
  readonly signInLockAfter: number;
  readonly signInLockMinutes: number;
  /** After an API key is rotated, its previous secret keeps working this many hours. */
  readonly apiKeyRotationGraceHours: number;
  /**
   * The National Traceability Portal's API (base URL and client credentials); absent when any of the three is
   * unset, and then nothing is sent. The secret is never logged.
   */
  readonly nationalPortal: NationalPortalConfig | undefined;
  /** How often the national sync looks for new or changed records, in seconds. */
  readonly nationalSyncIntervalSeconds: number;
}

export interface NationalPortalConfig {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Timeout of one call to the portal, in milliseconds. */
  readonly timeoutMs: number;
}

function nationalPortalFromEnv(env: NodeJS.ProcessEnv): NationalPortalConfig | undefined {
  const baseUrl = env.TRUYXUAT_NATIONAL_PORTAL_URL?.trim().replace(/\/+$/, '');
  const clientId = env.TRUYXUAT_NATIONAL_PORTAL_CLIENT_ID?.trim();
  const clientSecret = env.TRUYXUAT_NATIONAL_PORTAL_CLIENT_SECRET?.trim();
  if (!baseUrl || !clientId || !clientSecret) return undefined;
  if (!/^https?:\/\//i.test(baseUrl)) throw new Error('TRUYXUAT_NATIONAL_PORTAL_URL must be an http(s) URL');
  return { baseUrl, clientId, clientSecret, timeoutMs: intFromEnv(env, 'TRUYXUAT_NATIONAL_PORTAL_TIMEOUT_MS', 15_000) };
}

function trustProxyFromEnv(env: NodeJS.ProcessEnv): Config['trustProxy'] {
  const raw = env.TRUYXUAT_TRUST_PROXY?.trim();
  if (raw === undefined || raw === '') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (/^(true|false|yes|no|on|off)$/i.test(raw)) return boolFromEnv(env, 'TRUYXUAT_TRUST_PROXY', false);
  return raw
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function boolFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = intFromEnv(env, 'PORT', 3000);
  const host = env.HOST ?? '0.0.0.0';
  const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  return {
    databaseUrl,
    dataDir: path.resolve(env.TRUYXUAT_DATA ?? 'data'),
    host,
    port,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    logLevel: env.LOG_LEVEL ?? 'info',
    demoOnFirstStart: boolFromEnv(env, 'TRUYXUAT_DEMO', databaseUrl === undefined),
    maxBodyBytes: intFromEnv(env, 'TRUYXUAT_MAX_BODY_BYTES', 20 * 1024 * 1024),
    maxUploadBytes: intFromEnv(env, 'TRUYXUAT_MAX_UPLOAD_BYTES', 10 * 1024 * 1024),
    secureCookies: boolFromEnv(env, 'TRUYXUAT_SECURE_COOKIES', false),
    scanRegionHeader: env.TRUYXUAT_SCAN_REGION_HEADER?.trim().toLowerCase() || undefined,
    scanAlertMaxScans: intFromEnv(env, 'TRUYXUAT_SCAN_ALERT_MAX_SCANS', 20),
    scanAlertMaxRegions: intFromEnv(env, 'TRUYXUAT_SCAN_ALERT_MAX_REGIONS', 2),
    scanAlertWindowHours: Math.max(1, intFromEnv(env, 'TRUYXUAT_SCAN_ALERT_WINDOW_HOURS', 24)),
    smtpUrl: env.SMTP_URL?.trim() || undefined,
    mailFrom: env.MAIL_FROM?.trim() || 'truyxuat <no-reply@localhost>',
    trustProxy: trustProxyFromEnv(env),
    rateLimits: rateLimitsFromEnv(env),
    signInLockAfter: Math.max(1, intFromEnv(env, 'TRUYXUAT_SIGN_IN_LOCK_AFTER', 5)),
    signInLockMinutes: Math.max(1, intFromEnv(env, 'TRUYXUAT_SIGN_IN_LOCK_MINUTES', 15)),
    apiKeyRotationGraceHours: intFromEnv(env, 'TRUYXUAT_API_KEY_ROTATION_GRACE_HOURS', 24),
    nationalPortal: nationalPortalFromEnv(env),
    nationalSyncIntervalSeconds: Math.max(10, intFromEnv(env, 'TRUYXUAT_NATIONAL_SYNC_INTERVAL_SECONDS', 300)),
  };
}

/** Requests per minute (token bucket, burst = one minute's worth); 0 leaves that side unlimited. */
export interface RateLimit {
  readonly perIp: number;
  readonly perKey: number;
}
export interface RateLimits {
  readonly signIn: RateLimit;
  readonly capture: RateLimit;
  readonly resolver: RateLimit;
  readonly reports: RateLimit;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  signIn: { perIp: 60, perKey: 0 },
  capture: { perIp: 600, perKey: 600 },
  resolver: { perIp: 60_000, perKey: 60_000 },
  reports: { perIp: 60, perKey: 120 },
};

/** `TRUYXUAT_RATE_LIMITS=off` disables every limit; `TRUYXUAT_RATE_LIMIT_<CLASS>=perIp[,perKey]` sets one class. */
function rateLimitsFromEnv(env: NodeJS.ProcessEnv): RateLimits | null {
  if (!boolFromEnv(env, 'TRUYXUAT_RATE_LIMITS', true)) return null;
  const one = (name: string, fallback: RateLimit): RateLimit => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const parts = raw.split(',').map((p) => p.trim());
    if (parts.length > 2 || !parts.every((p) => /^\d+$/.test(p))) {
      throw new Error(`${name} must be "perIp" or "perIp,perKey" (requests per minute), got "${raw}"`);
    }
    return { perIp: Number(parts[0]), perKey: parts[1] === undefined ? fallback.perKey : Number(parts[1]) };
  };
  return {
    signIn: one('TRUYXUAT_RATE_LIMIT_SIGN_IN', DEFAULT_RATE_LIMITS.signIn),
    capture: one('TRUYXUAT_RATE_LIMIT_CAPTURE', DEFAULT_RATE_LIMITS.capture),
    resolver: one('TRUYXUAT_RATE_LIMIT_RESOLVER', DEFAULT_RATE_LIMITS.resolver),
    reports: one('TRUYXUAT_RATE_LIMIT_REPORTS', DEFAULT_RATE_LIMITS.reports),
  };
}
