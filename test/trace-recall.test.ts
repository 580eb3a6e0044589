import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecallView } from '../src/trace/recall.service.ts';
import { apiKeyFor, type TestApp } from './helpers/app.ts';
import { startRecallChain, type RecallChain } from './helpers/recall-chain.ts';

let chain: RecallChain;
let t: TestApp;
let farm: Record<string, string>;
let factory: Record<string, string>;
let shop: Record<string, string>;
let outsider: Record<string, string>;
let province: Record<string, string>;
let farmId: string;
let factoryId: string;
let shopId: string;
let SEED: string;
let DRIED: string;
let OTHER: string;
let FACTORY_GLN: string;

beforeAll(async () => {
  chain = await startRecallChain('00');
  ({ t, farm, factory, shop, outsider, province, farmId, factoryId, shopId, SEED, DRIED, OTHER, FACTORY_GLN } = chain);
});
afterAll(async () => t?.close());

const post = (headers: Record<string, string>, url: string, payload: object) => chain.post(headers, url, payload);

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
