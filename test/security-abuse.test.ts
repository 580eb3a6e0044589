import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../src/config.ts';
import { buildApp } from '../src/http/app.ts';
import { TokenBuckets } from '../src/http/rate-limit.ts';
import { resolveApiKey, rotateApiKey, signIn } from '../src/registry/identity.service.ts';
import { verifyChain } from '../src/audit/index.ts';
import { createUser } from '../src/registry/identity.service.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';

const PASSWORD = 'mật-khẩu-an-toàn';

async function newUser(t: TestApp, org: string): Promise<{ id: string; email: string }> {
  const email = `khoa-${Math.random().toString(36).slice(2, 10)}@example.vn`;
  const { id } = await createUser(t.db, SYSTEM, {
    organisationId: org,
    email,
    displayName: 'Người thử khóa',
    password: PASSWORD,
    role: 'org_operator',
  });
  return { id, email };
}

const attempt = (t: TestApp, login: string, password: string, ip = '203.113.1.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { login, password }, remoteAddress: ip });

describe('account lockout', () => {
  let t: TestApp;
  let org: string;
  beforeAll(async () => {
    t = await startTestApp({ signInLockAfter: 3, signInLockMinutes: 10 });
    org = await makeOrganisation(t.db);
  });
  afterAll(async () => t?.close());

  it('locks after N failed sign-ins, audits each failure, and refuses the right password while locked', async () => {
    const user = await newUser(t, org);
    for (let i = 0; i < 3; i++) expect((await attempt(t, user.email, 'sai-mật-khẩu')).statusCode).toBe(401);
    const locked = await attempt(t, user.email, PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['content-type']).toContain('application/problem+json');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(9 * 60);
    const rows = await t.db
      .selectFrom('audit_entry')
      .selectAll()
      .where('object_id', '=', user.id)
      .where('action', 'like', 'auth.%')
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => r.action)).toEqual([
      'auth.sign_in_failed',
      'auth.sign_in_failed',
      'auth.sign_in_failed',
      'auth.sign_in_refused_locked',
    ]);
    expect(rows.map((r) => (r.detail as { failures?: number }).failures)).toEqual([1, 2, 3, undefined]);
    expect(rows[2]!.detail).toHaveProperty('lockedUntil');
    expect(rows[0]).toMatchObject({ actor_kind: 'anonymous', actor_detail: 'ip:203.113.1.1', organisation_id: org });
    expect((await verifyChain(t.db)).ok).toBe(true);
  });

  it('unlocks when the period is over (clock injected) and starts the count again', async () => {
    const user = await newUser(t, org);
    const policy = { lockAfter: 3, lockForMs: 10 * 60_000 };
    const start = new Date();
    for (let i = 0; i < 3; i++) {
      await expect(signIn(t.db, { login: user.email, password: 'sai' }, start, policy)).rejects.toMatchObject({
        code: 'unauthenticated',
      });
    }
    const during = new Date(start.getTime() + 9 * 60_000);
    await expect(signIn(t.db, { login: user.email, password: PASSWORD }, during, policy)).rejects.toMatchObject({
      code: 'rate_limited',
    });
    const after = new Date(start.getTime() + 10 * 60_000 + 1000);
    // One more failure after the lock ran out counts as the first of a new series, not as the fourth.
    await expect(signIn(t.db, { login: user.email, password: 'sai' }, after, policy)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    const row = await t.db.selectFrom('app_user').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.failed_sign_ins).toBe(1);
    const ok = await signIn(t.db, { login: user.email, password: PASSWORD }, after, policy);
    expect(ok.userId).toBe(user.id);
  });

  it('counts failures in the database, so two servers on one database lock together', async () => {
    const user = await newUser(t, org);
    const second = await buildApp({ db: t.db, config: t.config }, { logger: false });
    try {
      expect((await attempt(t, user.email, 'sai-1')).statusCode).toBe(401);
      const other = await second.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { login: user.email, password: 'sai-2' },
      });
      expect(other.statusCode).toBe(401);
      expect((await attempt(t, user.email, 'sai-3')).statusCode).toBe(401);
      const locked = await second.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { login: user.email, password: PASSWORD },
      });
      expect(locked.statusCode).toBe(429);
    } finally {
      await second.close();
    }
  });

  it('audits failed sign-ins of unknown logins without revealing them', async () => {
    const r = await attempt(t, 'khong-ton-tai@example.vn', 'whatever-1');
    expect(r.statusCode).toBe(401);
    const row = await t.db
      .selectFrom('audit_entry')
      .selectAll()
      .where('object_type', '=', 'login')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.action).toBe('auth.sign_in_failed');
    expect(row.object_id).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain('khong-ton-tai');
  });
});

describe('API key rotation', () => {
  let t: TestApp;
  let org: string;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp({ apiKeyRotationGraceHours: 2 });
    org = await makeOrganisation(t.db);
    admin = (await signInAs(t, org, 'org_admin')).headers;
  });
  afterAll(async () => t?.close());

  it('issues a new secret, keeps the old one valid for the grace period, then refuses it', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: admin,
      payload: { name: 'máy chủ kho', permissions: ['epcis:query'] },
    });
    expect(created.statusCode).toBe(201);
    const old = created.json<{ id: string; key: string }>();
    const rotated = await t.app.inject({ method: 'POST', url: `/api/api-keys/${old.id}/rotate`, headers: admin });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const fresh = rotated.json<{ id: string; key: string; previousValidUntil: string }>();
    expect(fresh.id).toBe(old.id);
    expect(fresh.key).not.toBe(old.key);
    const graceEnd = new Date(fresh.previousValidUntil).getTime();
    expect(graceEnd - Date.now()).toBeGreaterThan(119 * 60_000);
    const me = (key: string) => t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${key}` } });
    expect((await me(fresh.key)).statusCode).toBe(200);
    expect((await me(old.key)).statusCode).toBe(200);
    // After the grace period the old secret is refused; the new one still works.
    const later = new Date(graceEnd + 1000);
    expect(await resolveApiKey(t.db, old.key, later)).toBeUndefined();
    expect(await resolveApiKey(t.db, fresh.key, later)).toMatchObject({ kind: 'apiKey', apiKeyId: old.id });
    const audit = await t.db.selectFrom('audit_entry').selectAll().where('object_id', '=', old.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['identity.api_key.create', 'identity.api_key.rotate']);
  });

  it('ends the previous grace at once on a second rotation, and refuses to rotate a revoked key', async () => {
    const key = await apiKeyFor(t, org, ['epcis:query']);
    const first = await rotateApiKey(t.db, SYSTEM, key.id, { organisationId: org, graceHours: 24 });
    await rotateApiKey(t.db, SYSTEM, key.id, { organisationId: org, graceHours: 0 });
    expect(await resolveApiKey(t.db, first.key)).toBeUndefined();
    const original = key.headers.authorization!.slice('Bearer '.length);
    expect(await resolveApiKey(t.db, original)).toBeUndefined();
    const revoke = await t.app.inject({ method: 'DELETE', url: `/api/api-keys/${key.id}`, headers: admin });
    expect(revoke.statusCode).toBe(204);
    const again = await t.app.inject({ method: 'POST', url: `/api/api-keys/${key.id}/rotate`, headers: admin });
    expect(again.statusCode).toBe(409);
  });
});

describe('rate limits', () => {
  let t: TestApp;
  let org: string;
  beforeAll(async () => {
    t = await startTestApp({
      rateLimits: {
        signIn: { perIp: 2, perKey: 0 },
        capture: { perIp: 1000, perKey: 2 },
        resolver: { perIp: 3, perKey: 0 },
        reports: { perIp: 2, perKey: 0 },
      },
    });
    org = await makeOrganisation(t.db);
  });
  afterAll(async () => t?.close());

  async function expect429(
    send: () => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>,
    allowed: number,
  ) {
    for (let i = 0; i < allowed; i++) expect((await send()).statusCode).not.toBe(429);
    const r = await send();
    expect(r.statusCode, r.body).toBe(429);
    expect(String(r.headers['content-type'])).toContain('application/problem+json');
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const problem = JSON.parse(r.body) as { status: number; code: string; type: string; title: string };
    expect(problem).toMatchObject({ status: 429, code: 'rate_limited', type: '/problems/rate_limited' });
    expect(problem.title).not.toBe('');
    return r;
  }

  it('limits sign-in per address', async () => {
    await expect429(() => attempt(t, 'ai-do@example.vn', 'sai-mật-khẩu', '198.51.100.7'), 2);
    // Another address is not affected.
    expect((await attempt(t, 'ai-do@example.vn', 'sai-mật-khẩu', '198.51.100.8')).statusCode).toBe(401);
  });

  it('says why in the caller’s language: Vietnamese by default, English by Accept-Language', async () => {
    const send = (ip: string, headers: Record<string, string> = {}) =>
      t.app.inject({ url: '/01/09506000134352/10/ABC', remoteAddress: ip, headers });
    const vi = JSON.parse((await expect429(() => send('192.0.2.90'), 3)).body) as { title: string; detail: string };
    expect(vi.title).toBe('Quá nhiều yêu cầu, vui lòng thử lại sau');
    expect(vi.detail).toMatch(/^Quá nhiều yêu cầu; vui lòng thử lại sau \d+ giây$/);
    const en = await send('192.0.2.90', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(en.statusCode).toBe(429);
    const problem = JSON.parse(en.body) as { title: string; detail: string };
    expect(problem.title).toBe('Too many requests, try again later');
    expect(problem.detail).toMatch(/^Too many requests; retry after \d+ s$/);
  });

  it('limits capture per API key, independently of other keys on the same address', async () => {
    const a = await apiKeyFor(t, org, ['epcis:capture']);
    const b = await apiKeyFor(t, org, ['epcis:capture']);
    const send = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/epcis/capture',
        headers: { ...headers, 'content-type': 'application/ld+json' },
        payload: '{"not":"an EPCIS document"}',
      });
    await expect429(() => send(a.headers), 2);
    expect((await send(b.headers)).statusCode).toBe(400);
  });

  it('limits the resolver per address', async () => {
    await expect429(() => t.app.inject({ url: '/01/09506000134352/10/ABC', remoteAddress: '192.0.2.44' }), 3);
    const other = await t.app.inject({ url: '/01/09506000134352/10/ABC', remoteAddress: '192.0.2.45' });
    expect(other.statusCode).not.toBe(429);
  });

  it('limits reports per address: generated reports and the consumer page’s problem form', async () => {
    const inspector = await signInAs(t, await makeOrganisation(t.db, { kind: 'authority' }), 'province_admin');
    await expect429(
      () => t.app.inject({ url: '/api/compliance/report', headers: inspector.headers, remoteAddress: '192.0.2.60' }),
      2,
    );
    await expect429(
      () =>
        t.app.inject({
          method: 'POST',
          url: '/p/01/09506000134352/10/ABC/bao-cao',
          payload: { message: 'Sản phẩm có dấu hiệu bất thường' },
          remoteAddress: '192.0.2.61',
        }),
      2,
    );
  });
});

describe('token buckets', () => {
  it('refill over time and say how long to wait', () => {
    let now = 0;
    const buckets = new TokenBuckets(6, () => now);
    for (let i = 0; i < 6; i++) expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(10);
    expect(buckets.take('b')).toBe(0);
    now += 10_000;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(10);
  });

  it('default limits are on and generous enough for people and the resolver’s scan rate', () => {
    expect(DEFAULT_RATE_LIMITS.signIn.perIp).toBeGreaterThanOrEqual(30);
    expect(DEFAULT_RATE_LIMITS.resolver.perIp).toBeGreaterThanOrEqual(60_000);
  });
});
