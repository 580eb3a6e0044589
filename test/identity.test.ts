import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('health and documentation', () => {
  it('answers /health, /ready and serves OpenAPI at /docs', async () => {
    expect((await t.app.inject('/health')).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/ready')).statusCode).toBe(200);
    const spec = await t.app.inject('/docs/json');
    expect(spec.statusCode).toBe(200);
    expect(spec.json().paths['/api/auth/sign-in']).toBeDefined();
    expect((await t.app.inject('/docs')).statusCode).toBeLessThan(400);
  });
  it('sets security headers and a request id', async () => {
    const r = await t.app.inject('/health');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['x-request-id']).toBeTruthy();
  });
  it('answers unknown routes with a problem document', async () => {
    const r = await t.app.inject({ url: '/api/nothing-here', headers: { 'accept-language': 'vi' } });
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ status: 404, code: 'not_found', title: 'Không tìm thấy' });
  });
});

describe('sign-in and sessions', () => {
  it('signs in, knows the caller, and requires the CSRF token for cookie writes', async () => {
    const org = await makeOrganisation(t.db);
    const me = await signInAs(t, org, 'org_admin');
    const who = await t.app.inject({ url: '/api/auth/me', headers: { cookie: me.cookie } });
    expect(who.json()).toMatchObject({ kind: 'user', organisationId: org, province: false, csrfToken: me.csrf });

    const withoutCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: { cookie: me.cookie },
      payload: { name: 'erp', permissions: ['epcis:capture'] },
    });
    expect(withoutCsrf.statusCode).toBe(403);
    const withCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: me.headers,
      payload: { name: 'erp', permissions: ['epcis:capture'] },
    });
    expect(withCsrf.statusCode).toBe(201);
    expect(withCsrf.json().key).toMatch(/^tx_[A-Za-z0-9]{12}_/);

    const out = await t.app.inject({ method: 'POST', url: '/api/auth/sign-out', headers: { cookie: me.cookie } });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ url: '/api/auth/me', headers: { cookie: me.cookie } });
    expect(after.json().kind).toBe('anonymous');
  });

  it('rejects a wrong password without saying whether the login exists, and locks after five failures', async () => {
    const org = await makeOrganisation(t.db);
    const me = await signInAs(t, org, 'org_operator');
    const user = await t.db
      .selectFrom('app_user')
      .select('email')
      .where('id', '=', me.userId)
      .executeTakeFirstOrThrow();
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { login: 'nobody@example.vn', password: 'whatever-1' },
    });
    expect(unknown.statusCode).toBe(401);
    for (let i = 0; i < 5; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/auth/sign-in',
        payload: { login: user.email, password: 'wrong-password' },
      });
      expect(r.statusCode).toBe(401);
      expect(r.json().detail).toBe(unknown.json().detail);
    }
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      payload: { login: user.email, password: 'mật-khẩu-an-toàn' },
    });
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('stores only hashes of passwords, session tokens and API keys', async () => {
    const org = await makeOrganisation(t.db);
    const me = await signInAs(t, org);
    const token = me.cookie.split('=')[1]!;
    const user = await t.db
      .selectFrom('app_user')
      .select('password_hash')
      .where('id', '=', me.userId)
      .executeTakeFirstOrThrow();
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    expect(
      await t.db.selectFrom('user_session').selectAll().where('token_hash', '=', token).executeTakeFirst(),
    ).toBeUndefined();
    const key = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: me.headers,
      payload: { name: 'k', permissions: ['epcis:query'] },
    });
    const secret = key.json().key.split('_').slice(2).join('_');
    const rows = await t.db.selectFrom('api_key').select('secret_hash').execute();
    expect(rows.some((r) => r.secret_hash.includes(secret))).toBe(false);
  });
});

describe('API keys', () => {
  it('work for their organisation and scope only, and stop working when revoked', async () => {
    const a = await makeOrganisation(t.db);
    const b = await makeOrganisation(t.db);
    const adminA = await signInAs(t, a, 'org_admin');
    const readOnly = await apiKeyFor(t, a, ['registry:read']);
    const me = await t.app.inject({ url: '/api/auth/me', headers: readOnly.headers });
    expect(me.json()).toMatchObject({ kind: 'apiKey', organisationId: a, permissions: ['registry:read'] });

    const users = await t.app.inject({ url: '/api/users', headers: readOnly.headers });
    expect(users.statusCode).toBe(200);
    expect(users.json().items.every((u: { organisationId: string }) => u.organisationId === a)).toBe(true);
    const otherOrg = await t.app.inject({ url: `/api/users?organisationId=${b}`, headers: readOnly.headers });
    expect(otherOrg.statusCode).toBe(404);
    const create = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: readOnly.headers,
      payload: { email: 'x@example.vn', displayName: 'X', password: '12345678', role: 'org_operator' },
    });
    expect(create.statusCode).toBe(403);

    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/api-keys/${readOnly.id}`,
      headers: adminA.headers,
    });
    expect(revoke.statusCode).toBe(204);
    const afterRevoke = await t.app.inject({ url: '/api/users', headers: readOnly.headers });
    expect(afterRevoke.statusCode).toBe(401);
    expect(afterRevoke.headers['content-type']).toContain('application/problem+json');
  });

  it('cannot grant more than the creator holds', async () => {
    const a = await makeOrganisation(t.db);
    const admin = await signInAs(t, a, 'org_admin');
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/api-keys',
      headers: admin.headers,
      payload: { name: 'k', permissions: ['province:write'] },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].field).toBe('permissions/0');
  });
});

describe('users across organisations', () => {
  it('hides another organisation’s users (404) and forbids province roles to businesses', async () => {
    const a = await makeOrganisation(t.db);
    const b = await makeOrganisation(t.db);
    const adminA = await signInAs(t, a, 'org_admin');
    const userB = await signInAs(t, b, 'org_operator');
    expect((await t.app.inject({ url: `/api/users/${userB.userId}`, headers: adminA.headers })).statusCode).toBe(404);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${userB.userId}`,
      headers: adminA.headers,
      payload: { status: 'disabled' },
    });
    expect(patch.statusCode).toBe(404);
    const escalate = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: adminA.headers,
      payload: { email: 'boss@example.vn', displayName: 'Boss', password: '12345678', role: 'province_admin' },
    });
    expect(escalate.statusCode).toBe(400);
    const operatorA = await signInAs(t, a, 'org_operator');
    const selfPromote = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${operatorA.userId}`,
      headers: operatorA.headers,
      payload: { role: 'org_admin' },
    });
    expect(selfPromote.statusCode).toBe(403);
  });

  it('lets the province see every organisation’s users', async () => {
    const authority = await makeOrganisation(t.db, { kind: 'authority' });
    const province = await signInAs(t, authority, 'province_inspector');
    const b = await makeOrganisation(t.db);
    const userB = await signInAs(t, b, 'org_operator');
    const r = await t.app.inject({ url: `/api/users/${userB.userId}`, headers: province.headers });
    expect(r.statusCode).toBe(200);
  });

  it('rejects invalid input with a problem document naming the field', async () => {
    const a = await makeOrganisation(t.db);
    const admin = await signInAs(t, a, 'org_admin');
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...admin.headers, 'accept-language': 'en' },
      payload: { email: 'not-an-email', displayName: 'X', password: '12345678', role: 'org_operator' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({
      code: 'validation',
      errors: [{ field: 'email', message: 'Not a valid e-mail address' }],
    });
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin.headers,
      payload: { displayName: 'X' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toMatch(/^body\//);
  });
});

describe('delegations', () => {
  it('lets a provider act only for organisations that delegated to it, until revoked', async () => {
    const { actingOrganisation } = await import('../src/registry/identity.service.ts');
    const provider = await makeOrganisation(t.db, { kind: 'provider' });
    const business = await makeOrganisation(t.db);
    const other = await makeOrganisation(t.db);
    const businessAdmin = await signInAs(t, business, 'org_admin');
    const providerKey = await apiKeyFor(t, provider, ['epcis:capture', 'registry:read']);
    const providerCaller = (await import('../src/registry/identity.service.ts')).resolveApiKey;
    const caller = await providerCaller(t.db, providerKey.headers.authorization!.slice(7));
    expect(caller).toBeDefined();

    await expect(actingOrganisation(t.db, caller!, 'epcis:capture', business)).rejects.toMatchObject({
      code: 'forbidden',
    });
    const grant = await t.app.inject({
      method: 'POST',
      url: '/api/delegations',
      headers: businessAdmin.headers,
      payload: { providerOrganisationId: provider, permissions: ['epcis:capture'] },
    });
    expect(grant.statusCode).toBe(201);
    await expect(actingOrganisation(t.db, caller!, 'epcis:capture', business)).resolves.toMatchObject({
      organisationId: business,
    });
    await expect(actingOrganisation(t.db, caller!, 'epcis:capture', other)).rejects.toMatchObject({
      code: 'forbidden',
    });
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/delegations/${grant.json().id}`,
      headers: businessAdmin.headers,
    });
    expect(revoke.statusCode).toBe(204);
    await expect(actingOrganisation(t.db, caller!, 'epcis:capture', business)).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});

describe('requests the HTTP parser refuses', () => {
  it('answers raw non-ASCII in the URL with a problem document', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as { port: number }).port;
    const net = await import('node:net');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          Buffer.concat([
            Buffer.from('GET /epcis/events?GE_eventTime='),
            Buffer.from('hôm-qua', 'utf8'),
            Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
          ]),
        );
      });
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('application/problem+json');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, code: 'validation' });
  });
});
