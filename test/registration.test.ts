import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTaxCheckDigit } from '../src/registry/tax-code.ts';
import { makeOrganisation, signInAs, startTestApp, type SignedIn, type TestApp } from './helpers/app.ts';

/** Self-registration: a business signs itself up, waits, and the province approves or rejects it. */

let t: TestApp;
let province: SignedIn;
let business: SignedIn;
let serial = 100_000;

beforeAll(async () => {
  t = await startTestApp();
  province = await signInAs(t, await makeOrganisation(t.db, { kind: 'authority' }), 'province_admin');
  business = await signInAs(t, await makeOrganisation(t.db), 'org_admin');
});
afterAll(async () => t?.close());

/** A fresh valid tax code (some nine-digit bodies have no check digit: skip those). */
function taxCode(): string {
  for (;;) {
    serial += 1;
    const code = withTaxCheckDigit(`330${serial}`);
    if (code !== undefined) return code;
  }
}

function application(overrides: Record<string, unknown> = {}) {
  serial += 1;
  return {
    name: `HTX Sen Tịnh Tâm ${serial}`,
    kind: 'cooperative',
    taxCode: taxCode(),
    communeCode: '19774',
    communeName: 'Phường Thuận Hóa',
    address: '1 Đinh Tiên Hoàng',
    contactName: 'Trần Văn Sen',
    contactEmail: `sen${serial}@example.vn`,
    contactPhone: `09${String(serial).padStart(8, '0')}`,
    password: 'hạt-sen-2026',
    ...overrides,
  };
}

async function register(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/registrations', payload: body, headers });
}

async function signIn(login: string, password: string): Promise<SignedIn> {
  const r = await t.app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { login, password } });
  expect(r.statusCode, r.body).toBe(200);
  const cookie = `tx_session=${r.cookies.find((c) => c.name === 'tx_session')!.value}`;
  const csrf = r.json<{ csrfToken: string }>().csrfToken;
  return {
    userId: r.json<{ userId: string }>().userId,
    organisationId: '',
    cookie,
    csrf,
    headers: { cookie, 'x-csrf-token': csrf },
  };
}

describe('signing up', () => {
  it('creates a pending organisation with its first administrator, tells the province and audits it', async () => {
    const body = application();
    const r = await register(body);
    expect(r.statusCode, r.body).toBe(201);
    const { organisationId, userId, status } = r.json<{ organisationId: string; userId: string; status: string }>();
    expect(status).toBe('pending');

    const organisation = await t.db
      .selectFrom('organisation')
      .selectAll()
      .where('id', '=', organisationId)
      .executeTakeFirstOrThrow();
    expect(organisation).toMatchObject({
      name: body.name,
      kind: 'cooperative',
      tax_code: body.taxCode,
      status: 'pending',
      province_code: '46',
      commune_code: '19774',
      commune_name: 'Phường Thuận Hóa',
      contact_email: body.contactEmail,
    });
    const user = await t.db.selectFrom('app_user').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    expect(user).toMatchObject({ organisation_id: organisationId, role: 'org_admin', email: body.contactEmail });
    expect(user.password_hash).toMatch(/^\$argon2id\$/);

    const notice = await t.db
      .selectFrom('notification')
      .selectAll()
      .where('kind', '=', 'registration.submitted')
      .where('organisation_id', 'is', null)
      .execute();
    expect(notice.map((n) => (n.payload as { organisationId: string }).organisationId)).toContain(organisationId);
    const audit = await t.db
      .selectFrom('audit_entry')
      .select(['action', 'actor_kind'])
      .where('object_id', '=', organisationId)
      .execute();
    expect(audit).toEqual([{ action: 'registry.registration.submit', actor_kind: 'anonymous' }]);
  });

  it('names every bad field at once, in Vietnamese', async () => {
    const r = await register(
      application({
        kind: 'authority',
        taxCode: '0100109107',
        communeName: ' ',
        contactEmail: '',
        contactPhone: '',
        password: 'ngắn',
      }),
      { 'accept-language': 'vi' },
    );
    expect(r.statusCode).toBe(400);
    const problem = r.json<{ errors: { field: string; message: string }[] }>();
    const byField = Object.fromEntries(problem.errors.map((e) => [e.field, e.message]));
    expect(byField).toMatchObject({
      kind: 'Loại tổ chức này không tự đăng ký được; liên hệ Sở Khoa học và Công nghệ',
      taxCode: 'Số kiểm tra của mã số thuế không đúng',
      communeName: 'Chọn hoặc nhập xã/phường',
      contactEmail: 'Nhập thư điện tử hoặc số điện thoại để đăng nhập',
      password: 'Mật khẩu phải có ít nhất 8 ký tự',
    });
    expect(await t.db.selectFrom('organisation').select('id').where('name', '=', 'x').execute()).toEqual([]);
  });

  it('refuses a tax code or a login already registered, leaving nothing half made', async () => {
    const first = application();
    expect((await register(first)).statusCode).toBe(201);
    const sameTax = await register(application({ taxCode: first.taxCode }));
    expect(sameTax.statusCode).toBe(409);
    expect(sameTax.json().errors[0].field).toBe('taxCode');

    const sameLogin = application({ contactEmail: first.contactEmail });
    const r = await register(sameLogin);
    expect(r.statusCode).toBe(409);
    expect(r.json().errors[0].field).toBe('contactEmail');
    const orphan = await t.db
      .selectFrom('organisation')
      .select('id')
      .where('tax_code', '=', sameLogin.taxCode)
      .execute();
    expect(orphan).toEqual([]);
  });

  it('acts for nobody: a signed-in caller posting the form still signs up anonymously', async () => {
    const r = await register(application(), { cookie: business.cookie });
    expect(r.statusCode).toBe(201);
    const entry = await t.db
      .selectFrom('audit_entry')
      .select(['actor_kind', 'actor_user_id'])
      .where('object_id', '=', r.json().organisationId)
      .executeTakeFirstOrThrow();
    expect(entry).toEqual({ actor_kind: 'anonymous', actor_user_id: null });
  });
});

describe('waiting for approval', () => {
  it('lets the applicant sign in to a session that may do nothing but see its standing', async () => {
    const body = application();
    const { organisationId } = (await register(body)).json<{ organisationId: string }>();
    const applicant = await signIn(body.contactPhone, body.password);
    const me = await t.app.inject({ url: '/api/auth/me', headers: { cookie: applicant.cookie } });
    expect(me.json()).toMatchObject({
      kind: 'user',
      organisationId,
      permissions: [],
      province: false,
      organisationName: body.name,
      organisationStatus: 'pending',
      registration: { decidedAt: null, reason: null },
    });
    const capture = await t.app.inject({
      method: 'POST',
      url: '/epcis/capture',
      headers: { ...applicant.headers, 'content-type': 'application/json' },
      payload: { '@context': [], type: 'EPCISDocument', schemaVersion: '2.0', epcisBody: { eventList: [] } },
    });
    expect(capture.statusCode).toBe(403);
    for (const url of ['/api/products', '/api/locations', '/api/organisations', '/api/registrations']) {
      const r = await t.app.inject({ url, headers: { cookie: applicant.cookie } });
      expect(r.statusCode, url).toBe(403);
    }
  });

  it('keeps a pending organisation out of sight of other businesses', async () => {
    const { organisationId } = (await register(application())).json<{ organisationId: string }>();
    const one = await t.app.inject({
      url: `/api/organisations/${organisationId}`,
      headers: { cookie: business.cookie },
    });
    expect(one.statusCode).toBe(404);
    const list = await t.app.inject({ url: '/api/organisations?limit=500', headers: { cookie: business.cookie } });
    expect(list.json<{ items: { id: string }[] }>().items.map((o) => o.id)).not.toContain(organisationId);
  });
});

describe('the province decides', () => {
  it('is the only one that lists and decides registrations', async () => {
    const { organisationId } = (await register(application())).json<{ organisationId: string }>();
    expect((await t.app.inject({ url: '/api/registrations' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/registrations', headers: { cookie: business.cookie } })).statusCode).toBe(
      403,
    );
    const approve = await t.app.inject({
      method: 'POST',
      url: `/api/registrations/${organisationId}/approve`,
      headers: business.headers,
    });
    expect(approve.statusCode).toBe(403);
    const inspector = await signInAs(t, await makeOrganisation(t.db, { kind: 'authority' }), 'province_inspector');
    const list = await t.app.inject({ url: '/api/registrations?state=pending', headers: { cookie: inspector.cookie } });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: { organisationId: string }[] }>().items.map((i) => i.organisationId)).toContain(
      organisationId,
    );
    const byInspector = await t.app.inject({
      method: 'POST',
      url: `/api/registrations/${organisationId}/approve`,
      headers: inspector.headers,
    });
    expect(byInspector.statusCode).toBe(403);
  });

  it('approves: the same session gains its role, the applicant is told, a second decision is refused', async () => {
    const body = application();
    const { organisationId } = (await register(body)).json<{ organisationId: string }>();
    const applicant = await signIn(body.contactEmail, body.password);

    const pending = await t.app.inject({
      url: '/api/registrations?state=pending',
      headers: { cookie: province.cookie },
    });
    const row = pending
      .json<{ items: Record<string, unknown>[] }>()
      .items.find((i) => i.organisationId === organisationId);
    expect(row).toMatchObject({
      name: body.name,
      taxCode: body.taxCode,
      status: 'pending',
      decision: null,
      applicant: { displayName: 'Trần Văn Sen', email: body.contactEmail },
    });

    const r = await t.app.inject({
      method: 'POST',
      url: `/api/registrations/${organisationId}/approve`,
      headers: province.headers,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ organisationId, status: 'active' });

    const me = (await t.app.inject({ url: '/api/auth/me', headers: { cookie: applicant.cookie } })).json();
    expect(me.organisationStatus).toBe('active');
    expect(me.permissions).toEqual(expect.arrayContaining(['epcis:capture', 'stamps:manage', 'users:manage']));
    const products = await t.app.inject({ url: '/api/products', headers: { cookie: applicant.cookie } });
    expect(products.statusCode).toBe(200);

    const notices = await t.db
      .selectFrom('notification')
      .select(['kind', 'params'])
      .where('organisation_id', '=', organisationId)
      .execute();
    expect(notices).toEqual([{ kind: 'registration.approved', params: { name: body.name } }]);
    const audit = await t.db
      .selectFrom('audit_entry')
      .select(['action', 'actor_user_id'])
      .where('object_id', '=', organisationId)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['registry.registration.submit', 'registry.registration.approve']);
    expect(audit[1]!.actor_user_id).toBe(province.userId);

    const again = await t.app.inject({
      method: 'POST',
      url: `/api/registrations/${organisationId}/reject`,
      headers: province.headers,
      payload: { reason: 'nhầm' },
    });
    expect(again.statusCode).toBe(409);
  });

  it('rejects only with a reason, which the applicant reads; the rejected organisation still can do nothing', async () => {
    const body = application();
    const { organisationId } = (await register(body)).json<{ organisationId: string }>();
    const noReason = await t.app.inject({
      method: 'POST',
      url: `/api/registrations/${organisationId}/reject`,
      headers: { ...province.headers, 'accept-language': 'vi' },
      payload: { reason: '  ' },
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors[0]).toMatchObject({ field: 'reason' });

    const reason = 'Mã số thuế không khớp với giấy đăng ký kinh doanh';
    const r = await t.app.inject({
      method: 'POST',
      url: `/api/registrations/${organisationId}/reject`,
      headers: province.headers,
      payload: { reason },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ organisationId, status: 'rejected' });

    const applicant = await signIn(body.contactEmail, body.password);
    const me = (await t.app.inject({ url: '/api/auth/me', headers: { cookie: applicant.cookie } })).json();
    expect(me).toMatchObject({ organisationStatus: 'rejected', permissions: [], registration: { reason } });
    expect((await t.app.inject({ url: '/api/products', headers: { cookie: applicant.cookie } })).statusCode).toBe(403);
    const notice = await t.db
      .selectFrom('notification')
      .select(['kind', 'params'])
      .where('organisation_id', '=', organisationId)
      .executeTakeFirstOrThrow();
    expect(notice).toEqual({ kind: 'registration.rejected', params: { name: body.name, reason } });
    const decided = await t.app.inject({
      url: '/api/registrations?state=rejected',
      headers: { cookie: province.cookie },
    });
    expect(decided.json<{ items: { organisationId: string; reason: string }[] }>().items).toContainEqual(
      expect.objectContaining({ organisationId, reason }),
    );
  });

  it('answers 404 for an organisation that never signed itself up', async () => {
    const other = await makeOrganisation(t.db, { status: 'pending' });
    const r = await t.app.inject({
      method: 'POST',
      url: `/api/registrations/${other}/approve`,
      headers: province.headers,
    });
    expect(r.statusCode).toBe(404);
  });
});

describe('a rejected applicant resubmits', () => {
  async function rejected(reason: string) {
    const body = application();
    const { organisationId } = (await register(body)).json<{ organisationId: string }>();
    const r = await t.app.inject({
      method: 'POST',
      url: `/api/registrations/${organisationId}/reject`,
      headers: province.headers,
      payload: { reason },
    });
    expect(r.statusCode, r.body).toBe(200);
    return { body, organisationId, applicant: await signIn(body.contactEmail, body.password) };
  }

  it('corrects the application on the same account: pending again, the province sees it, the rejection kept', async () => {
    const reason = 'Tên cơ sở không khớp với giấy đăng ký';
    const { body, organisationId, applicant } = await rejected(reason);
    const own = await t.app.inject({ url: '/api/registrations/own', headers: { cookie: applicant.cookie } });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ organisationId, name: body.name, decision: 'rejected', reason, rounds: [] });

    const { password: _password, ...fields } = body;
    const corrected = { ...fields, name: `${body.name} (sửa)`, address: '2 Đinh Tiên Hoàng' };
    const r = await t.app.inject({
      method: 'PUT',
      url: '/api/registrations/own',
      headers: applicant.headers,
      payload: corrected,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ organisationId, status: 'pending' });

    // Same session, same organisation: waiting again, with nothing else allowed.
    const me = (await t.app.inject({ url: '/api/auth/me', headers: { cookie: applicant.cookie } })).json();
    expect(me).toMatchObject({
      organisationStatus: 'pending',
      organisationName: corrected.name,
      permissions: [],
      registration: { decidedAt: null, reason: null },
    });
    const pending = await t.app.inject({
      url: '/api/registrations?state=pending&limit=500',
      headers: province.headers,
    });
    const item = pending
      .json<{ items: { organisationId: string; name: string; address: string; rounds: { reason: string }[] }[] }>()
      .items.find((i) => i.organisationId === organisationId);
    expect(item).toMatchObject({ name: corrected.name, address: corrected.address });
    expect(item!.rounds).toEqual([expect.objectContaining({ round: 1, decision: 'rejected', reason })]);
    const told = await t.db
      .selectFrom('notification')
      .select(['title_key', 'params'])
      .where('organisation_id', 'is', null)
      .where('kind', '=', 'registration.submitted')
      .where('title_key', '=', 'registration.resubmitted')
      .execute();
    expect(told).toContainEqual({ title_key: 'registration.resubmitted', params: { name: corrected.name } });
    const audit = await t.db
      .selectFrom('audit_entry')
      .select('action')
      .where('object_id', '=', organisationId)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'registry.registration.submit',
      'registry.registration.reject',
      'registry.registration.resubmit',
    ]);

    // A second resubmission while pending is refused; the province approves the corrected application.
    const again = await t.app.inject({
      method: 'PUT',
      url: '/api/registrations/own',
      headers: applicant.headers,
      payload: corrected,
    });
    expect(again.statusCode).toBe(409);
    const approve = await t.app.inject({
      method: 'POST',
      url: `/api/registrations/${organisationId}/approve`,
      headers: province.headers,
    });
    expect(approve.statusCode, approve.body).toBe(200);
    const history = (
      await t.app.inject({ url: '/api/registrations/own', headers: { cookie: applicant.cookie } })
    ).json();
    expect(history).toMatchObject({ decision: 'approved', rounds: [{ round: 1, decision: 'rejected', reason }] });
  });

  it('names bad fields, and lets only the rejected organisation’s administrator resubmit', async () => {
    const { body, applicant } = await rejected('Thiếu xã/phường');
    const { password: _password, ...fields } = body;
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/api/registrations/own',
      headers: { ...applicant.headers, 'accept-language': 'vi' },
      payload: { ...fields, communeName: ' ', taxCode: '1234567890' },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json<{ errors: { field: string }[] }>()
        .errors.map((e) => e.field)
        .sort(),
    ).toEqual(['communeName', 'taxCode']);
    const active = await t.app.inject({
      method: 'PUT',
      url: '/api/registrations/own',
      headers: business.headers,
      payload: fields,
    });
    expect(active.statusCode).toBe(409);
    const anonymous = await t.app.inject({ method: 'PUT', url: '/api/registrations/own', payload: fields });
    expect([401, 403]).toContain(anonymous.statusCode);
  });
});

describe('rate limit', () => {
  it('limits sign-ups per client address like sign-in', async () => {
    const limited = await startTestApp({
      rateLimits: {
        signIn: { perIp: 2, perKey: 0 },
        capture: { perIp: 1000, perKey: 1000 },
        resolver: { perIp: 1000, perKey: 0 },
        reports: { perIp: 1000, perKey: 0 },
      },
    });
    try {
      const send = () => limited.app.inject({ method: 'POST', url: '/api/registrations', payload: application() });
      expect((await send()).statusCode).toBe(201);
      expect((await send()).statusCode).toBe(201);
      const third = await send();
      expect(third.statusCode).toBe(429);
      expect(third.headers['content-type']).toContain('application/problem+json');
    } finally {
      await limited.close();
    }
    // A second application server (its own database) takes a while to start on a busy machine.
  }, 240_000);
});
