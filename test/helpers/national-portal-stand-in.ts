import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the National Traceability Portal's API, on loopback, following the behaviour documented in
 * docs/federation.md: client-credential tokens, idempotent PUTs keyed by tax code, GTIN, chain code and event key,
 * the portal's validation rules, and switches for its failure modes (expired tokens, 429 with Retry-After, 5xx or
 * a refused connection, a rejected image, an organisation not activated, an answer lost after the write).
 * Token lifetimes follow the injected clock, so tests simulate time instead of waiting.
 */

export interface StandInOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly now: () => Date;
  /** New organisations start active (default false: a portal administrator activates them). */
  readonly autoActivate?: boolean;
  readonly tokenLifetimeSeconds?: number;
}

export interface StoredWrite {
  readonly kind: 'organisation' | 'product' | 'chain' | 'event';
  readonly path: string;
  readonly at: string;
}

const UNITS = new Set(['KGM', 'GRM', 'LTR', 'MLT', 'H87', 'C62', 'TNE', 'BX', 'PK']);

function validGtin(gtin: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(gtin)) return false;
  const digits = gtin.padStart(14, '0').split('').map(Number);
  const sum = digits.slice(0, 13).reduce((s, d, i) => s + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === digits[13];
}

export class NationalPortalStandIn {
  readonly organisations = new Map<string, Record<string, unknown> & { status: string }>();
  readonly products = new Map<string, Record<string, unknown>>();
  readonly chains = new Map<string, Record<string, unknown> & { traceCode: string | null }>();
  readonly events = new Map<string, Record<string, unknown>>();
  /** Every write the portal stored, in the order it stored them (an update of the same key is a second entry). */
  readonly writes: StoredWrite[] = [];
  tokenRequests = 0;
  /** Every request that reached the server, answered or not. */
  requests = 0;

  private server: Server;
  private port = 0;
  private tokens = new Map<string, number>();
  private tokenSeq = 0;
  private traceSeq = 0;
  private rateLimited: { remaining: number; retryAfterSeconds: number } | undefined;
  private failing: 'http503' | undefined;
  private refusing = false;
  private dropAnswers = 0;
  private readonly rejectedImages = new Set<string>();

  constructor(private readonly options: StandInOptions) {
    this.server = this.makeServer();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    if (this.refusing) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // Failure switches -------------------------------------------------------------------------------------------

  /** Revokes every token issued so far (as if they expired on the portal's side). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** The next `count` requests answer 429 with `Retry-After: seconds`. */
  rateLimit(count: number, retryAfterSeconds: number): void {
    this.rateLimited = { remaining: count, retryAfterSeconds };
  }

  /** Answers 503 to everything (`http503`), stops listening (`refused`), or serves again (`false`). */
  async down(mode: 'http503' | 'refused' | false): Promise<void> {
    if (mode === 'refused' && !this.refusing) {
      await this.close();
      this.refusing = true;
    } else if (mode !== 'refused' && this.refusing) {
      this.refusing = false;
      this.server = this.makeServer();
      await this.start();
    }
    this.failing = mode === 'http503' ? 'http503' : undefined;
  }

  /** Images whose URL contains this text are refused (unreadable, too small …). */
  rejectImage(urlPart: string): void {
    this.rejectedImages.add(urlPart);
  }

  acceptImages(): void {
    this.rejectedImages.clear();
  }

  /** A portal administrator activates the organisation. */
  activate(taxCode: string): void {
    const org = this.organisations.get(taxCode);
    if (org) org.status = 'ACTIVE';
  }

  /** The next `count` writes are stored but their answer is lost (the connection drops). */
  loseAnswers(count: number): void {
    this.dropAnswers = count;
  }

  // The API ----------------------------------------------------------------------------------------------------

  private makeServer(): Server {
    return createServer((req, res) => {
      this.requests += 1;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
  }

  private answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private problem(res: ServerResponse, status: number, code: string, message: string, field?: string): void {
    this.answer(res, status, { code, message, ...(field ? { field } : {}) });
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    if (this.failing === 'http503') return this.problem(res, 503, 'SERVICE_UNAVAILABLE', 'Hệ thống đang bảo trì');
    if (this.rateLimited && this.rateLimited.remaining > 0) {
      this.rateLimited.remaining -= 1;
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(this.rateLimited.retryAfterSeconds),
      });
      res.end(JSON.stringify({ code: 'RATE_LIMITED', message: 'Too many requests' }));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (req.method === 'POST' && url.pathname === '/oauth2/token') return this.token(res, raw);

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expiresAt = bearer === undefined ? undefined : this.tokens.get(bearer);
    if (expiresAt === undefined || expiresAt <= this.options.now().getTime())
      return this.problem(res, 401, 'TOKEN_EXPIRED', 'Access token expired or invalid');
    if (req.method !== 'PUT') return this.problem(res, 405, 'METHOD_NOT_ALLOWED', 'Use PUT');

    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return this.problem(res, 400, 'INVALID_JSON', 'Body is not JSON');
    }
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'v1' || parts[1] !== 'organizations' || parts[2] === undefined)
      return this.problem(res, 404, 'NOT_FOUND', 'Unknown resource');
    const tax = parts[2];
    const done = (kind: StoredWrite['kind'], status: number, answer: unknown) => {
      this.writes.push({ kind, path: url.pathname, at: this.options.now().toISOString() });
      if (this.dropAnswers > 0) {
        this.dropAnswers -= 1;
        req.socket.destroy();
        return;
      }
      this.answer(res, status, answer);
    };

    if (parts.length === 3) {
      if (body.taxCode !== tax)
        return this.problem(res, 422, 'INVALID_TAX_CODE', 'taxCode differs from the path', 'taxCode');
      const existing = this.organisations.get(tax);
      const status = existing?.status ?? (this.options.autoActivate ? 'ACTIVE' : 'PENDING_ACTIVATION');
      this.organisations.set(tax, { ...body, status });
      return done('organisation', existing ? 200 : 201, { id: `ORG-${tax}`, taxCode: tax, status });
    }
    const org = this.organisations.get(tax);
    if (!org) return this.problem(res, 404, 'ORG_NOT_FOUND', 'Organisation not registered');
    if (org.status !== 'ACTIVE')
      return this.problem(res, 403, 'ORG_NOT_ACTIVATED', 'Organisation awaiting activation by a portal administrator');

    if (parts[3] === 'products' && parts.length === 5) {
      const gtin = parts[4]!;
      if (!validGtin(gtin) || body.gtin !== gtin)
        return this.problem(res, 422, 'INVALID_GTIN', 'GTIN is not valid', 'gtin');
      const images = Array.isArray(body.images) ? (body.images as string[]) : [];
      if (images.length === 0) return this.problem(res, 422, 'IMAGE_REQUIRED', 'At least one image', 'images');
      const bad = images.find((i) => [...this.rejectedImages].some((r) => i.includes(r)));
      if (bad !== undefined)
        return this.problem(res, 422, 'IMAGE_REJECTED', `Image could not be used: ${bad}`, 'images');
      if (typeof body.netContent !== 'number' || body.netContent <= 0)
        return this.problem(res, 422, 'NET_CONTENT_REQUIRED', 'Net content required', 'netContent');
      if (typeof body.unit !== 'string' || !UNITS.has(body.unit))
        return this.problem(res, 422, 'INVALID_UNIT', 'Unit not in the portal list', 'unit');
      const key = `${tax}/${gtin}`;
      const existed = this.products.has(key);
      this.products.set(key, body);
      return done('product', existed ? 200 : 201, { id: `PRD-${gtin}`, gtin });
    }
    if (parts[3] === 'chains' && parts.length === 5) {
      const code = parts[4]!;
      if (typeof body.gtin !== 'string' || !this.products.has(`${tax}/${body.gtin}`))
        return this.problem(res, 409, 'PRODUCT_NOT_FOUND', 'The chain’s product is not on the portal', 'gtin');
      const key = `${tax}/${code}`;
      const existing = this.chains.get(key);
      this.chains.set(key, { ...body, traceCode: existing?.traceCode ?? null });
      return done('chain', existing ? 200 : 201, {
        id: `CHN-${code}`,
        chainCode: code,
        traceCode: existing?.traceCode ?? null,
      });
    }
    if (parts[3] === 'chains' && parts[5] === 'events' && parts.length === 7) {
      const chain = this.chains.get(`${tax}/${parts[4]!}`);
      if (!chain) return this.problem(res, 409, 'CHAIN_NOT_FOUND', 'Send the chain before its events');
      if (typeof body.time !== 'string' || typeof body.stage !== 'string')
        return this.problem(res, 422, 'INVALID_EVENT', 'stage and time are required');
      const images = Array.isArray(body.images) ? (body.images as string[]) : [];
      const bad = images.find((i) => [...this.rejectedImages].some((r) => i.includes(r)));
      if (bad !== undefined)
        return this.problem(res, 422, 'IMAGE_REJECTED', `Image could not be used: ${bad}`, 'images');
      // The first event of a chain creates its trace code.
      if (chain.traceCode === null) {
        this.traceSeq += 1;
        chain.traceCode = `TXNG-${String(this.traceSeq).padStart(8, '0')}`;
      }
      const key = `${tax}/${parts[4]!}/${parts[6]!}`;
      const existed = this.events.has(key);
      this.events.set(key, body);
      return done('event', existed ? 200 : 201, { id: `EVT-${parts[6]!}`, traceCode: chain.traceCode });
    }
    return this.problem(res, 404, 'NOT_FOUND', 'Unknown resource');
  }

  private token(res: ServerResponse, raw: string): void {
    this.tokenRequests += 1;
    const form = new URLSearchParams(raw);
    if (
      form.get('grant_type') !== 'client_credentials' ||
      form.get('client_id') !== this.options.clientId ||
      form.get('client_secret') !== this.options.clientSecret
    )
      return this.answer(res, 401, { error: 'invalid_client', code: 'INVALID_CLIENT', message: 'Unknown client' });
    this.tokenSeq += 1;
    const value = `tok-${this.tokenSeq}`;
    const lifetime = this.options.tokenLifetimeSeconds ?? 3600;
    this.tokens.set(value, this.options.now().getTime() + lifetime * 1000);
    this.answer(res, 200, { access_token: value, token_type: 'Bearer', expires_in: lifetime });
  }
}

export async function startNationalPortalStandIn(options: StandInOptions): Promise<NationalPortalStandIn> {
  return new NationalPortalStandIn(options).start();
}
