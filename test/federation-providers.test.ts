import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import { apiKeyFor, makeLocation, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';
import { capture } from './helpers/epcis.ts';

/**
 * Solution-provider onboarding: a provider with its own API key captures for businesses that delegated to it —
 * never for one that did not, never outside the delegated products and locations, never after revocation — and
 * what it captures is attributed to both; the province sees which provider serves whom and each feed's health.
 */

const GTIN_IN = withCheckDigit('0893530100001');
const GTIN_OUT = withCheckDigit('0893530100002');
const GLN_IN = withCheckDigit('893530100010');
const GLN_OUT = withCheckDigit('893530100020');

const doc = (gtin: string, gln: string, lot = 'L1') =>
  JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-06-01T00:00:00Z',
    epcisBody: {
      eventList: [
        {
          type: 'ObjectEvent',
          eventTime: '2026-06-01T01:00:00Z',
          eventTimeZoneOffset: '+07:00',
          action: 'ADD',
          bizStep: 'commissioning',
          bizLocation: { id: `https://id.gs1.org/414/${gln}` },
          quantityList: [{ epcClass: `https://id.gs1.org/01/${gtin}/10/${lot}`, quantity: 10, uom: 'KGM' }],
        },
      ],
    },
  });

let t: TestApp;
let providerId: string;
let provider: Record<string, string>;
let grantorId: string;
let grantor: Record<string, string>;
let strangerId: string;
let province: Record<string, string>;
let productIn: string;
let locationIn: string;

beforeAll(async () => {
  t = await startTestApp();
  providerId = await makeOrganisation(t.db, { kind: 'provider', name: 'Công ty Phần mềm Truy Xuất Việt' });
  provider = (await apiKeyFor(t, providerId, ['epcis:capture', 'epcis:query', 'registry:read'])).headers;
  grantorId = await makeOrganisation(t.db, { name: 'HTX Thanh Trà Thủy Biều' });
  strangerId = await makeOrganisation(t.db, { name: 'Cơ sở chưa ủy quyền' });
  grantor = (await signInAs(t, grantorId, 'org_admin')).headers;
  province = (await signInAs(t, await makeOrganisation(t.db, { kind: 'authority' }), 'province_admin')).headers;
  productIn = randomUUID();
  for (const [id, gtin] of [
    [productIn, GTIN_IN],
    [randomUUID(), GTIN_OUT],
  ] as const)
    await t.db
      .insertInto('product')
      .values({ id, organisation_id: grantorId, gtin, name: `Thanh trà ${gtin}`, group_code: 'specialty.hue' })
      .execute();
  locationIn = await makeLocation(t.db, grantorId, { gln: GLN_IN, name: 'Vườn Thủy Biều' });
  await makeLocation(t.db, grantorId, { gln: GLN_OUT, name: 'Kho khác' });
});

afterAll(async () => {
  await t?.close();
});

const captureFor = (organisationId: string, gtin: string, gln: string, lot?: string) =>
  capture(t, provider, doc(gtin, gln, lot), 'application/ld+json', {}, `/epcis/capture?onBehalfOf=${organisationId}`);

describe('provider delegation', () => {
  let delegationId: string;

  it('a provider cannot write for a business that did not delegate to it', async () => {
    const r = await captureFor(strangerId, GTIN_IN, GLN_IN);
    expect(r.status).toBe(403);
    const single = await t.app.inject({
      method: 'POST',
      url: `/epcis/events?onBehalfOf=${strangerId}`,
      headers: { ...provider, 'content-type': 'application/ld+json' },
      payload: JSON.parse(doc(GTIN_IN, GLN_IN)).epcisBody.eventList[0],
    });
    expect(single.statusCode).toBe(403);
  });

  it('writes inside the delegated products and locations, attributed to the business and the provider', async () => {
    const granted = await t.app.inject({
      method: 'POST',
      url: '/api/delegations',
      headers: grantor,
      payload: {
        providerOrganisationId: providerId,
        permissions: ['epcis:capture', 'epcis:query'],
        productIds: [productIn],
        locationIds: [locationIn],
      },
    });
    expect(granted.statusCode, granted.body).toBe(201);
    delegationId = granted.json().id;

    const ok = await captureFor(grantorId, GTIN_IN, GLN_IN);
    expect(ok.job, JSON.stringify(ok.body)).toMatchObject({ success: true, storedCount: 1, channel: 'provider' });
    const row = await t.db
      .selectFrom('epcis_event')
      .select(['owner_organisation_id', 'via_organisation_id', 'channel'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ owner_organisation_id: grantorId, via_organisation_id: providerId, channel: 'provider' });
    // The business sees the event as its own.
    const business = (await apiKeyFor(t, grantorId, ['epcis:query'])).headers;
    const seen = await t.app.inject({ url: '/epcis/events', headers: business });
    expect(seen.json().epcisBody.queryResults.resultsBody.eventList).toHaveLength(1);
  });

  it('refuses a product or a location outside the delegation', async () => {
    const product = await captureFor(grantorId, GTIN_OUT, GLN_IN, 'L2');
    expect(product.status).toBe(403);
    expect(JSON.stringify(product.body)).toContain(GTIN_OUT);
    const location = await captureFor(grantorId, GTIN_IN, GLN_OUT, 'L3');
    expect(location.status).toBe(403);
    expect(await t.db.selectFrom('epcis_event').select('id').execute()).toHaveLength(1);
  });

  it('the province sees which provider serves which business and the feed’s health', async () => {
    const r = await t.app.inject({ url: '/api/federation/providers', headers: province });
    expect(r.statusCode, r.body).toBe(200);
    const [p] = r.json();
    expect(p).toMatchObject({ id: providerId, activeBusinesses: 1, errorRate: 0 });
    expect(p.businesses).toEqual([
      expect.objectContaining({
        organisationId: grantorId,
        state: 'active',
        scope: { productIds: [productIn], locationIds: [locationIn] },
        eventsInWindow: 1,
        capturesInWindow: 1,
        failedCapturesInWindow: 0,
        lastEventAt: expect.any(String),
      }),
    ]);
    // The provider sees its own feeds; a business sees none.
    const own = await t.app.inject({ url: '/api/federation/providers', headers: provider });
    expect(own.json().map((x: { id: string }) => x.id)).toEqual([providerId]);
    const business = await t.app.inject({ url: '/api/federation/providers', headers: grantor });
    expect(business.statusCode).toBe(403);
  });

  it('cannot write after the business revokes the delegation', async () => {
    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/delegations/${delegationId}`, headers: grantor });
    expect(revoked.statusCode).toBe(204);
    const r = await captureFor(grantorId, GTIN_IN, GLN_IN, 'L4');
    expect(r.status).toBe(403);
    const overview = await t.app.inject({ url: '/api/federation/providers', headers: province });
    expect(overview.json()[0]).toMatchObject({
      activeBusinesses: 0,
      businesses: [expect.objectContaining({ state: 'revoked' })],
    });
  });
});
