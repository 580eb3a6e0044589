import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import type { RecallView } from '../src/trace/recall.service.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';
import { capture } from './helpers/epcis.ts';

let t: TestApp;
let farm: Record<string, string>;
let factory: Record<string, string>;
let shop: Record<string, string>;
let outsider: Record<string, string>;
let province: Record<string, string>;
let farmId: string;
let factoryId: string;
let shopId: string;

const FARM_GLN = withCheckDigit('893500100000');
const FACTORY_GLN = withCheckDigit('893500200000');
const SHOP_GLN = withCheckDigit('893500300000');
const SEED = `https://id.gs1.org/01/${withCheckDigit('0893500100001')}/10/R1`;
const DRIED = `https://id.gs1.org/01/${withCheckDigit('0893500100002')}/10/R1`;
const OTHER = `https://id.gs1.org/01/${withCheckDigit('0893500100002')}/10/R2`;

const doc = (events: object[]) =>
  JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-01T00:00:00Z',
    epcisBody: { eventList: events },
  });
const base = (h: number) => ({
  eventTime: new Date(Date.UTC(2026, 4, 1, h)).toISOString(),
  eventTimeZoneOffset: '+07:00',
});
const ship = (h: number, epcClass: string, quantity: number, from: string, to: string) => ({
  type: 'ObjectEvent',
  ...base(h),
  action: 'OBSERVE',
  bizStep: 'shipping',
  quantityList: [{ epcClass, quantity, uom: 'KGM' }],
  sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${from}` }],
  destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${to}` }],
});

async function store(headers: Record<string, string>, events: object[]) {
  expect((await capture(t, headers, doc(events))).job).toMatchObject({ success: true });
}

beforeAll(async () => {
  t = await startTestApp();
  farmId = await makeOrganisation(t.db, { name: 'HTX Sen Tịnh Tâm' });
  factoryId = await makeOrganisation(t.db, { name: 'Công ty Chế biến Sen Huế' });
  shopId = await makeOrganisation(t.db, { name: 'Cửa hàng Đặc sản Huế' });
  const outsiderId = await makeOrganisation(t.db);
  for (const [id, gln] of [
    [farmId, FARM_GLN],
    [factoryId, FACTORY_GLN],
    [shopId, SHOP_GLN],
  ] as const)
    await t.db.updateTable('organisation').set({ primary_gln: gln }).where('id', '=', id).execute();
  const perms = ['epcis:capture', 'epcis:query', 'recall:manage'] as const;
  farm = (await apiKeyFor(t, farmId, [...perms])).headers;
  factory = (await apiKeyFor(t, factoryId, [...perms])).headers;
  shop = (await apiKeyFor(t, shopId, [...perms])).headers;
  outsider = (await apiKeyFor(t, outsiderId, [...perms])).headers;
  province = (await signInAs(t, await makeOrganisation(t.db, { kind: 'authority' }), 'province_admin')).headers;
  await store(farm, [
    {
      type: 'ObjectEvent',
      ...base(1),
      action: 'ADD',
      bizStep: 'commissioning',
      quantityList: [{ epcClass: SEED, quantity: 100, uom: 'KGM' }],
    },
    ship(2, SEED, 100, FARM_GLN, FACTORY_GLN),
  ]);
  await store(factory, [
    {
      type: 'TransformationEvent',
      ...base(3),
      inputQuantityList: [{ epcClass: SEED, quantity: 100, uom: 'KGM' }],
      outputQuantityList: [{ epcClass: DRIED, quantity: 70, uom: 'KGM' }],
      bizLocation: { id: `https://id.gs1.org/414/${FACTORY_GLN}` },
    },
    ship(4, DRIED, 70, FACTORY_GLN, SHOP_GLN),
    {
      type: 'ObjectEvent',
      ...base(5),
      action: 'ADD',
      bizStep: 'commissioning',
      quantityList: [{ epcClass: OTHER, quantity: 5, uom: 'KGM' }],
    },
  ]);
});
afterAll(async () => t?.close());

async function post(headers: Record<string, string>, url: string, payload: object) {
  return t.app.inject({ method: 'POST', url, headers, payload });
}

describe('recall', () => {
  let recall: RecallView;

  it('opens a recall whose impact is the forward trace over the province', async () => {
    const r = await post(farm, '/api/recalls', {
      lots: [`(01)${SEED.split('/')[4]}(10)R1`],
      reason: 'Aflatoxin above limit',
      severity: 'high',
    });
    expect(r.statusCode, r.body).toBe(201);
    recall = r.json<RecallView>();
    expect(recall).toMatchObject({
      organisationId: farmId,
      status: 'open',
      mock: false,
      lots: [SEED],
      severity: 'high',
    });
    // The farm (opener) learns who is affected, and sees only its own lot.
    expect(recall.impact.organisations.map((o) => o.id).sort()).toEqual([farmId, factoryId, shopId].sort());
    expect(recall.impact.lots.map((l) => l.identifier)).toEqual([SEED]);
    // The province sees every lot downstream with its quantities.
    const full = (await t.app.inject({ url: `/api/recalls/${recall.id}`, headers: province })).json<RecallView>();
    expect(full.impact.lots.map((l) => [l.identifier, l.depth, l.quantities])).toEqual([
      [SEED, 0, [{ quantity: 100, uom: 'KGM' }]],
      [DRIED, 1, [{ quantity: 70, uom: 'KGM' }]],
    ]);
    expect(full.impact.locations).toContain(`https://id.gs1.org/414/${FACTORY_GLN}`);
    expect(full.acknowledgements.map((a) => a.organisationId).sort()).toEqual([farmId, factoryId, shopId].sort());
  });

  it('each affected organisation sees its part and acknowledges; outsiders see nothing', async () => {
    const asShop = (await t.app.inject({ url: `/api/recalls/${recall.id}`, headers: shop })).json<RecallView>();
    expect(asShop.impact.lots.map((l) => l.identifier)).toEqual([DRIED]);
    expect(asShop.acknowledgements).toEqual([{ organisationId: shopId, acknowledgedAt: null, note: null }]);
    const ack = await post(shop, `/api/recalls/${recall.id}/acknowledgements`, { note: 'Đã cách ly 70 kg' });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json<RecallView>().acknowledgements[0]).toMatchObject({
      organisationId: shopId,
      note: 'Đã cách ly 70 kg',
    });
    expect(ack.json<RecallView>().acknowledgements[0]!.acknowledgedAt).not.toBeNull();
    expect((await t.app.inject({ url: `/api/recalls/${recall.id}`, headers: outsider })).statusCode).toBe(404);
    expect((await post(outsider, `/api/recalls/${recall.id}/acknowledgements`, {})).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/recalls', headers: outsider })).json()).toEqual([]);
    expect((await t.app.inject({ url: '/api/recalls', headers: shop })).json<RecallView[]>().map((r) => r.id)).toEqual([
      recall.id,
    ]);
  });

  it('only the opener or the province closes; a closed recall takes no acknowledgement', async () => {
    expect((await post(shop, `/api/recalls/${recall.id}/close`, {})).statusCode).toBe(403);
    const closed = await post(farm, `/api/recalls/${recall.id}/close`, {});
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json<RecallView>()).toMatchObject({ status: 'closed' });
    expect((await post(factory, `/api/recalls/${recall.id}/acknowledgements`, {})).statusCode).toBe(409);
  });

  it('refuses lots the opener cannot see, malformed identifiers and missing rights; runs mock recalls', async () => {
    expect((await post(farm, '/api/recalls', { lots: [OTHER], reason: 'x', severity: 'low' })).statusCode).toBe(404);
    expect(
      (await post(farm, '/api/recalls', { lots: ['(01)12345678901234'], reason: 'x', severity: 'low' })).statusCode,
    ).toBe(400);
    expect((await post(farm, '/api/recalls', { lots: [SEED], reason: 'x', severity: 'urgent' })).statusCode).toBe(400);
    const noRight = (await apiKeyFor(t, farmId, ['epcis:query'])).headers;
    expect((await post(noRight, '/api/recalls', { lots: [SEED], reason: 'x', severity: 'low' })).statusCode).toBe(403);
    const mock = await post(province, '/api/recalls', {
      lots: [DRIED],
      reason: 'Diễn tập thu hồi',
      severity: 'medium',
      mock: true,
    });
    expect(mock.statusCode, mock.body).toBe(201);
    expect(mock.json<RecallView>()).toMatchObject({ mock: true, organisationId: expect.any(String) });
    expect(
      mock
        .json<RecallView>()
        .impact.organisations.map((o) => o.id)
        .sort(),
    ).toEqual([factoryId, shopId].sort());
  });
});
