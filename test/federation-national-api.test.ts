import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../src/identifiers/index.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type SignedIn, type TestApp } from './helpers/app.ts';
import { drainJobs } from './helpers/epcis.ts';
import { startNationalPortalStandIn, type NationalPortalStandIn } from './helpers/national-portal-stand-in.ts';

/**
 * /api/federation/national/…: the province enrols organisations, reads health and the log, retries a record and
 * asks for a resync; a business sees only its own records. The background job sends to a stand-in portal
 * configured through the environment, as an installation would be.
 */

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const ENV = [
  'TRUYXUAT_NATIONAL_PORTAL_URL',
  'TRUYXUAT_NATIONAL_PORTAL_CLIENT_ID',
  'TRUYXUAT_NATIONAL_PORTAL_CLIENT_SECRET',
] as const;

let t: TestApp;
let portal: NationalPortalStandIn;
let province: SignedIn;
let business: SignedIn;
let other: SignedIn;
let businessOrg: string;
let noImageProduct: string;
const saved: Partial<Record<(typeof ENV)[number], string>> = {};

async function product(organisationId: string, withImage: boolean): Promise<string> {
  const id = randomUUID();
  const group = await t.db.selectFrom('product_group').select('code').limit(1).executeTakeFirstOrThrow();
  await t.db
    .insertInto('product')
    .values({
      id,
      organisation_id: organisationId,
      gtin: withCheckDigit(`0893601${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`),
      name: 'Mè xửng Huế',
      name_en: null,
      brand: null,
      group_code: group.code,
      net_content: 250,
      net_content_unit: 'GRM',
      shelf_life_days: null,
      description: null,
    })
    .execute();
  if (withImage) {
    const mediaId = randomUUID();
    await t.db
      .insertInto('media')
      .values({
        id: mediaId,
        organisation_id: organisationId,
        purpose: 'image',
        content_type: 'image/png',
        byte_size: PNG.length,
        sha256: randomUUID(),
        data: PNG,
        original_name: null,
      })
      .execute();
    await t.db
      .insertInto('product_image')
      .values({ product_id: id, media_id: mediaId, position: 0, alt: null })
      .execute();
  }
  return id;
}

beforeAll(async () => {
  for (const k of ENV) saved[k] = process.env[k];
  t = await startTestApp();
  portal = await startNationalPortalStandIn({
    clientId: 'hue',
    clientSecret: 'api-test-secret',
    now: () => new Date(),
    autoActivate: true,
  });
  const authority = await makeOrganisation(t.db, { kind: 'authority', name: 'Sở Nông nghiệp và Môi trường' });
  province = await signInAs(t, authority, 'province_admin');
  businessOrg = await makeOrganisation(t.db, { tax_code: '3300100001' });
  business = await signInAs(t, businessOrg, 'org_admin');
  other = await signInAs(t, await makeOrganisation(t.db, { tax_code: '3300100002' }), 'org_admin');
  await product(businessOrg, true);
  noImageProduct = await product(businessOrg, false);
});
afterAll(async () => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  await portal?.close();
  await t?.close();
});

describe('/api/federation/national', () => {
  it('is off until the portal is configured: nothing is sent', async () => {
    for (const k of ENV) delete process.env[k];
    const enrol = await t.app.inject({
      method: 'PUT',
      url: `/api/federation/national/enrolments/${businessOrg}`,
      headers: province.headers,
      payload: { enabled: true },
    });
    expect(enrol.statusCode).toBe(200);
    expect(enrol.json()).toMatchObject({ organisationId: businessOrg, enabled: true, taxCode: '3300100001' });
    await drainJobs(t);
    expect(portal.requests).toBe(0);
    const health = await t.app.inject({ url: '/api/federation/national/health', headers: province.headers });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ configured: false, enrolledOrganisations: 1, totals: { sent: 0 } });
  });

  it('only the province enrols, retries and resyncs', async () => {
    for (const [method, url, payload] of [
      ['PUT', `/api/federation/national/enrolments/${businessOrg}`, { enabled: true }],
      ['POST', '/api/federation/national/resync', {}],
      ['POST', `/api/federation/national/records/${randomUUID()}/retry`, undefined],
    ] as const) {
      const r = await t.app.inject({ method, url, headers: business.headers, ...(payload ? { payload } : {}) });
      expect(r.statusCode).toBe(403);
    }
    const anonymous = await t.app.inject({ url: '/api/federation/national/health' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('sends through the background job once configured; health, records and log explain what happened', async () => {
    process.env.TRUYXUAT_NATIONAL_PORTAL_URL = portal.url;
    process.env.TRUYXUAT_NATIONAL_PORTAL_CLIENT_ID = 'hue';
    process.env.TRUYXUAT_NATIONAL_PORTAL_CLIENT_SECRET = 'api-test-secret';
    const resync = await t.app.inject({
      method: 'POST',
      url: '/api/federation/national/resync',
      headers: province.headers,
      payload: { organisationId: businessOrg },
    });
    expect(resync.statusCode).toBe(202);
    expect(resync.json()).toEqual({ queued: 2, invalid: 1 });
    await drainJobs(t);
    expect(portal.organisations.has('3300100001')).toBe(true);
    expect(portal.products.size).toBe(1);

    const health = (await t.app.inject({ url: '/api/federation/national/health', headers: province.headers })).json();
    expect(health).toMatchObject({ configured: true, totals: { sent: 2, failed: 1, pending: 0 } });
    expect(health.kinds).toContainEqual({ kind: 'product', pending: 0, sent: 1, failed: 1 });
    expect(health.lastSuccessAt).not.toBeNull();
    expect(health.lastError).toMatchObject({ code: 'LOCAL_IMAGE_MISSING', recordKind: 'product' });

    // The business sees its own records with the explanation and the fix; another business sees nothing of them.
    const own = await t.app.inject({
      url: '/api/federation/national/records?status=failed&lang=en',
      headers: business.headers,
    });
    expect(own.statusCode).toBe(200);
    const failed = own.json().items;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ recordKind: 'product', code: 'LOCAL_IMAGE_MISSING' });
    expect(failed[0].fix).toContain('Upload at least one product image');
    const vi = await t.app.inject({ url: '/api/federation/national/records?status=failed', headers: business.headers });
    expect(vi.json().items[0].explanation).toContain('chưa có ảnh');
    const theirs = await t.app.inject({ url: '/api/federation/national/records', headers: other.headers });
    expect(theirs.json()).toMatchObject({ items: [], total: 0 });
    const theirHealth = await t.app.inject({ url: '/api/federation/national/health', headers: other.headers });
    expect(theirHealth.json()).toMatchObject({ enrolledOrganisations: 0, totals: { sent: 0, failed: 0 } });

    const log = await t.app.inject({
      url: `/api/federation/national/log?outcome=sent&organisationId=${businessOrg}`,
      headers: province.headers,
    });
    expect(
      log
        .json()
        .items.map((l: { recordKind: string }) => l.recordKind)
        .sort(),
    ).toEqual(['organisation', 'product']);
    const apiKey = await apiKeyFor(t, businessOrg, ['registry:read']);
    const byKey = await t.app.inject({ url: '/api/federation/national/log?outcome=failed', headers: apiKey.headers });
    expect(byKey.json().items).toHaveLength(1);
  });

  it('retries a record: the portal updates it, nothing is duplicated', async () => {
    const records = (
      await t.app.inject({ url: '/api/federation/national/records?recordKind=organisation', headers: province.headers })
    ).json().items;
    const writes = portal.writes.length;
    const retry = await t.app.inject({
      method: 'POST',
      url: `/api/federation/national/records/${records[0].id}/retry`,
      headers: province.headers,
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ status: 'pending', attempts: 0 });
    await drainJobs(t);
    expect(portal.writes.length).toBe(writes + 1);
    expect(portal.organisations.size).toBe(1);
    const unknown = await t.app.inject({
      method: 'POST',
      url: `/api/federation/national/records/${randomUUID()}/retry`,
      headers: province.headers,
    });
    expect(unknown.statusCode).toBe(404);
    expect(noImageProduct).toBeTruthy();
  });

  it('withdrawing an organisation stops its sync and a resync of it is refused', async () => {
    const off = await t.app.inject({
      method: 'PUT',
      url: `/api/federation/national/enrolments/${businessOrg}`,
      headers: province.headers,
      payload: { enabled: false },
    });
    expect(off.json()).toMatchObject({ enabled: false });
    const resync = await t.app.inject({
      method: 'POST',
      url: '/api/federation/national/resync',
      headers: province.headers,
      payload: { organisationId: businessOrg },
    });
    expect(resync.statusCode).toBe(409);
    const list = await t.app.inject({ url: '/api/federation/national/enrolments', headers: business.headers });
    expect(list.json()).toEqual([expect.objectContaining({ organisationId: businessOrg, enabled: false })]);
  });
});
