import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import type { TraceResult } from '../src/trace/trace.service.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';
import { capture } from './helpers/epcis.ts';

let t: TestApp;
let farm: Record<string, string>;
let factory: Record<string, string>;
let shop: Record<string, string>;
let province: Record<string, string>;
let farmId: string;
let factoryId: string;
let shopId: string;

const FARM_GLN = withCheckDigit('893500100000');
const FACTORY_GLN = withCheckDigit('893500200000');
const SHOP_GLN = withCheckDigit('893500300000');
const GTIN_SEED = withCheckDigit('0893500100001');
const GTIN_DRIED = withCheckDigit('0893500100002');
const GTIN_PACK = withCheckDigit('0893500100003');
const GTIN_BLEND = withCheckDigit('0893500100004');

const lot = (gtin: string, l: string) => `https://id.gs1.org/01/${gtin}/10/${l}`;
const sgtin = (gtin: string, s: string) => `https://id.gs1.org/01/${gtin}/21/${s}`;
const sscc = (n: string) => `https://id.gs1.org/00/${withCheckDigit(`08935002${n.padStart(9, '0')}`)}`;
const party = (gln: string) => `https://id.gs1.org/417/${gln}`;
const site = (gln: string) => ({ id: `https://id.gs1.org/414/${gln}` });

let counter = 0;
const at = () => {
  counter += 1;
  return { eventTime: new Date(Date.UTC(2026, 4, 1, 0, counter)).toISOString(), eventTimeZoneOffset: '+07:00' };
};

function doc(events: object[]): string {
  return JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-05-01T00:00:00Z',
    epcisBody: { eventList: events },
  });
}

const q = (epcClass: string, quantity: number, uom = 'KGM') => ({ epcClass, quantity, uom });

const commission = (epcClass: string, quantity: number, gln: string) => ({
  type: 'ObjectEvent',
  ...at(),
  action: 'ADD',
  bizStep: 'commissioning',
  quantityList: [q(epcClass, quantity)],
  bizLocation: site(gln),
});

const transform = (inputs: object[], outputs: object[], gln: string, extra: object = {}) => ({
  type: 'TransformationEvent',
  ...at(),
  bizStep: 'commissioning',
  inputQuantityList: inputs,
  outputQuantityList: outputs,
  bizLocation: site(gln),
  ...extra,
});

const move = (
  step: 'shipping' | 'receiving',
  what: { quantityList?: object[]; epcList?: string[] },
  from: string,
  to: string,
  bt: string,
) => ({
  type: 'ObjectEvent',
  ...at(),
  action: 'OBSERVE',
  bizStep: step,
  ...what,
  bizTransactionList: [{ type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:${from}:${bt}` }],
  sourceList: [{ type: 'owning_party', source: party(from) }],
  destinationList: [{ type: 'owning_party', destination: party(to) }],
});

async function store(headers: Record<string, string>, events: object[]): Promise<void> {
  const r = await capture(t, headers, doc(events));
  expect(r.job, JSON.stringify(r)).toMatchObject({ success: true });
}

async function trace(
  headers: Record<string, string>,
  direction: 'back' | 'forward',
  id: string,
  extra = '',
): Promise<TraceResult> {
  const r = await t.app.inject({ url: `/api/trace/${direction}?id=${encodeURIComponent(id)}${extra}`, headers });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<TraceResult>();
}

const identifiers = (r: TraceResult) =>
  r.nodes
    .filter((n) => !n.opaque)
    .map((n) => n.identifier!)
    .sort();

beforeAll(async () => {
  t = await startTestApp();
  farmId = await makeOrganisation(t.db, { name: 'HTX Sen Tịnh Tâm' });
  factoryId = await makeOrganisation(t.db, { name: 'Công ty Chế biến Sen Huế' });
  shopId = await makeOrganisation(t.db, { name: 'Cửa hàng Đặc sản Huế' });
  for (const [id, gln] of [
    [farmId, FARM_GLN],
    [factoryId, FACTORY_GLN],
    [shopId, SHOP_GLN],
  ] as const)
    await t.db.updateTable('organisation').set({ primary_gln: gln }).where('id', '=', id).execute();
  farm = (await apiKeyFor(t, farmId, ['epcis:capture', 'epcis:query'])).headers;
  factory = (await apiKeyFor(t, factoryId, ['epcis:capture', 'epcis:query'])).headers;
  shop = (await apiKeyFor(t, shopId, ['epcis:capture', 'epcis:query'])).headers;
  const authority = await makeOrganisation(t.db, { kind: 'authority' });
  province = (await signInAs(t, authority, 'province_inspector')).headers;
  await t.db
    .insertInto('product')
    .values({
      id: randomUUID(),
      organisation_id: factoryId,
      gtin: GTIN_DRIED,
      name: 'Hạt sen sấy',
      name_en: 'Dried lotus seeds',
      group_code: 'specialty.hue',
    })
    .execute();
});
afterAll(async () => t?.close());

describe('identifiers and problems', () => {
  it('takes a Digital Link, an element string, an EPC URN or gtin + lot for the same lot', async () => {
    await store(farm, [
      {
        ...commission(lot(GTIN_SEED, 'ID1'), 10, FARM_GLN),
        '@context': [{ ex: 'https://example.vn/epcis/' }],
        ilmd: { 'ex:harvestArea': 'Hồ sen Tịnh Tâm', 'ex:harvestDate': '2026-04-30' },
      },
    ]);
    const forms = [
      `id=${encodeURIComponent(lot(GTIN_SEED, 'ID1'))}`,
      `id=${encodeURIComponent(`(01)${GTIN_SEED}(10)ID1`)}`,
      `id=${encodeURIComponent(`urn:epc:class:lgtin:8935001.000001.ID1`)}`,
      `gtin=${GTIN_SEED}&lot=ID1`,
    ];
    for (const f of forms) {
      const r = await t.app.inject({ url: `/api/trace/back?${f}`, headers: farm });
      expect(r.statusCode, `${f}: ${r.body}`).toBe(200);
      expect(r.json<TraceResult>().root).toBe(lot(GTIN_SEED, 'ID1'));
    }
    const origin = (await trace(farm, 'back', lot(GTIN_SEED, 'ID1'))).nodes[0]!.events![0]!;
    expect(origin).toMatchObject({ bizStep: 'commissioning', ilmd: { 'ex:harvestArea': 'Hồ sen Tịnh Tâm' } });
  });

  it('answers a problem document for a malformed identifier, 404 for one without visible events', async () => {
    const bad = await t.app.inject({
      url: `/api/trace/back?id=${encodeURIComponent('(01)12345678901234')}`,
      headers: farm,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ status: 400 });
    expect(JSON.stringify(bad.json())).toContain('id');
    const none = await t.app.inject({ url: `/api/trace/back?gtin=${GTIN_SEED}&lot=NOPE`, headers: farm });
    expect(none.statusCode).toBe(404);
    const anonymous = await t.app.inject({ url: `/api/trace/back?gtin=${GTIN_SEED}&lot=ID1` });
    expect(anonymous.statusCode).toBe(401);
    // Another organisation sees no event of the farm's lot: not found, not forbidden.
    expect((await t.app.inject({ url: `/api/trace/back?gtin=${GTIN_SEED}&lot=ID1`, headers: shop })).statusCode).toBe(
      404,
    );
  });
});

describe('graph shapes', () => {
  it('diamond: one lot feeds two transformations whose outputs meet again; two lines of one input add up', async () => {
    const a = lot(GTIN_SEED, 'DA');
    const b = lot(GTIN_DRIED, 'DB');
    const c = lot(GTIN_DRIED, 'DC');
    const d = lot(GTIN_BLEND, 'DD');
    await store(factory, [
      commission(a, 100, FACTORY_GLN),
      transform([q(a, 30), q(a, 20)], [q(b, 40)], FACTORY_GLN),
      transform([q(a, 50)], [q(c, 38)], FACTORY_GLN),
      transform([q(b, 40), q(c, 38)], [q(d, 78)], FACTORY_GLN),
    ]);
    const back = await trace(factory, 'back', d);
    expect(identifiers(back)).toEqual([a, b, c, d].sort());
    expect(back.nodes.find((n) => n.identifier === a)!.depth).toBe(2);
    expect(back.edges.filter((e) => e.from === a)).toHaveLength(2);
    expect(back.edges.find((e) => e.from === a && e.to === b)).toMatchObject({ quantity: 50, uom: 'KGM' });
    expect(back.nodes.find((n) => n.identifier === b)).toMatchObject({ productName: 'Hạt sen sấy', lot: 'DB' });
    const forward = await trace(factory, 'forward', a);
    expect(identifiers(forward)).toEqual([a, b, c, d].sort());
    expect(forward.lots.sort()).toEqual([a, b, c, d].sort());
    expect(forward.truncated).toBe(false);
  });

  it('a lot re-entering the graph (rework) ends the walk and lists each lot once', async () => {
    const x = lot(GTIN_DRIED, 'RX');
    const y = lot(GTIN_BLEND, 'RY');
    await store(factory, [
      commission(x, 10, FACTORY_GLN),
      transform([q(x, 10)], [q(y, 9)], FACTORY_GLN),
      transform([q(y, 2)], [q(x, 2)], FACTORY_GLN), // rejected blend reworked into the dried lot
    ]);
    for (const direction of ['back', 'forward'] as const) {
      const r = await trace(factory, direction, x);
      expect(identifiers(r)).toEqual([x, y].sort());
      expect(r.edges).toHaveLength(2);
      expect(r.truncated).toBe(false);
    }
    const shallow = await trace(factory, 'back', lot(GTIN_BLEND, 'DD'), '&maxDepth=1');
    expect(identifiers(shallow)).toEqual([lot(GTIN_DRIED, 'DB'), lot(GTIN_DRIED, 'DC'), lot(GTIN_BLEND, 'DD')].sort());
    expect(shallow.truncated).toBe(true);
  });

  it('aggregation and disaggregation: a pallet holds cases from two lots', async () => {
    const l1 = lot(GTIN_DRIED, 'AG1');
    const l2 = lot(GTIN_DRIED, 'AG2');
    const c1 = sgtin(GTIN_PACK, 'AG-C1');
    const c2 = sgtin(GTIN_PACK, 'AG-C2');
    const pallet = sscc('101');
    await store(factory, [
      commission(l1, 5, FACTORY_GLN),
      commission(l2, 5, FACTORY_GLN),
      { ...transform([q(l1, 5)], [], FACTORY_GLN), outputQuantityList: undefined, outputEPCList: [c1] },
      { ...transform([q(l2, 5)], [], FACTORY_GLN), outputQuantityList: undefined, outputEPCList: [c2] },
      { type: 'AggregationEvent', ...at(), action: 'ADD', bizStep: 'packing', parentID: pallet, childEPCs: [c1, c2] },
      move('shipping', { epcList: [pallet] }, FACTORY_GLN, SHOP_GLN, 'AG'),
    ]);
    await store(shop, [
      move('receiving', { epcList: [pallet] }, FACTORY_GLN, SHOP_GLN, 'AG'),
      {
        type: 'AggregationEvent',
        ...at(),
        action: 'DELETE',
        bizStep: 'unpacking',
        parentID: pallet,
        childEPCs: [c1, c2],
      },
    ]);
    // Back from the pallet: its contents and where they came from.
    expect(identifiers(await trace(factory, 'back', pallet))).toEqual([pallet, c1, c2, l1, l2].sort());
    // Back from one case: its lot and the pallet it travelled on, not the other case.
    const backC1 = await trace(shop, 'back', c1);
    expect(identifiers(backC1)).toEqual([pallet, c1].sort());
    expect(backC1.nodes.filter((n) => n.opaque).map((n) => n.heldBy!.id)).toEqual([factoryId]);
    const asFactory = await trace(factory, 'back', c1);
    expect(identifiers(asFactory)).toEqual([pallet, c1, l1].sort());
    expect(asFactory.nodes.find((n) => n.identifier === pallet)!.events!.map((e) => e.bizStep)).toEqual(
      expect.arrayContaining(['packing', 'shipping']),
    );
    // Forward from one lot: its case, the pallet, not the other lot's case that came out of the same pallet.
    const fwd = await trace(province, 'forward', l1);
    expect(identifiers(fwd)).toEqual([l1, c1, pallet].sort());
    expect(fwd.organisations.map((o) => o.name)).toEqual(
      expect.arrayContaining(['Công ty Chế biến Sen Huế', 'Cửa hàng Đặc sản Huế']),
    );
    // Forward from the pallet: everything that came out of it.
    expect(identifiers(await trace(shop, 'forward', pallet))).toEqual([pallet, c1, c2].sort());
  });
});

describe('error declarations', () => {
  it('the edges of an event declared erroneous leave the trace; its corrective event takes its place', async () => {
    const wrong = lot(GTIN_SEED, 'EW');
    const right = lot(GTIN_SEED, 'ER');
    const out = lot(GTIN_DRIED, 'EO');
    const mistaken = {
      ...transform([q(wrong, 10)], [q(out, 8)], FACTORY_GLN),
      eventID: 'urn:uuid:0d1f6f38-8a4c-4c2e-9a51-0000000000e1',
    };
    await store(factory, [commission(wrong, 10, FACTORY_GLN), commission(right, 10, FACTORY_GLN), mistaken]);
    expect(identifiers(await trace(factory, 'back', out))).toEqual([wrong, out].sort());
    const corrective = {
      ...transform([q(right, 10)], [q(out, 8)], FACTORY_GLN),
      eventID: 'urn:uuid:0d1f6f38-8a4c-4c2e-9a51-0000000000e2',
    };
    await store(factory, [
      {
        ...mistaken,
        errorDeclaration: {
          declarationTime: '2026-05-02T00:00:00Z',
          reason: 'incorrect_data',
          correctiveEventIDs: [corrective.eventID],
        },
      },
      corrective,
    ]);
    const back = await trace(factory, 'back', out);
    expect(identifiers(back)).toEqual([right, out].sort());
    expect(back.nodes.find((n) => n.identifier === out)!.events!.map((e) => e.eventID)).not.toContain(mistaken.eventID);
    expect(identifiers(await trace(province, 'forward', wrong))).toEqual([wrong]);
    // An event captured already declared erroneous never enters the graph.
    const ghost = lot(GTIN_DRIED, 'EG');
    await store(factory, [
      {
        ...transform([q(right, 1)], [q(ghost, 1)], FACTORY_GLN),
        errorDeclaration: { declarationTime: '2026-05-02T00:00:00Z', reason: 'did_not_occur' },
      },
    ]);
    expect(identifiers(await trace(factory, 'forward', right))).toEqual([right, out].sort());
  });
});

describe('events arriving out of order', () => {
  it('a receipt and a transformation stored before the shipment and the origin give the same graph', async () => {
    const seed = lot(GTIN_SEED, 'OO1');
    const dried = lot(GTIN_DRIED, 'OO1');
    await store(factory, [
      move('receiving', { quantityList: [q(seed, 95)] }, FARM_GLN, FACTORY_GLN, 'OO'),
      transform([q(seed, 95)], [q(dried, 60)], FACTORY_GLN),
    ]);
    const early = await trace(province, 'back', dried);
    expect(identifiers(early)).toEqual([dried, seed].sort());
    const farmEvents = [
      commission(seed, 100, FARM_GLN),
      move('shipping', { quantityList: [q(seed, 100)] }, FARM_GLN, FACTORY_GLN, 'OO'),
    ];
    await store(farm, farmEvents);
    const late = await trace(province, 'back', dried);
    expect(identifiers(late)).toEqual(identifiers(early));
    expect(late.edges).toEqual(early.edges);
    const seedNode = late.nodes.find((n) => n.identifier === seed)!;
    expect(seedNode.events!.map((e) => e.bizStep).sort()).toEqual([
      'commissioning',
      'commissioning',
      'receiving',
      'shipping',
    ]);
    expect(seedNode.organisations!.map((o) => o.name).sort()).toEqual(
      ['Công ty Chế biến Sen Huế', 'HTX Sen Tịnh Tâm'].sort(),
    );
    // Re-capturing the same events changes nothing.
    const recaptured = await capture(t, farm, doc(farmEvents));
    expect(recaptured.job).toMatchObject({ success: true, storedCount: 0, duplicateCount: 2 });
    const again = await trace(province, 'back', dried);
    expect(again.edges).toEqual(late.edges);
  });
});

describe('visibility across organisations', () => {
  const seed = lot(GTIN_SEED, 'VIS');
  const dried = lot(GTIN_DRIED, 'VIS');
  beforeAll(async () => {
    await store(farm, [
      commission(seed, 100, FARM_GLN),
      move('shipping', { quantityList: [q(seed, 100)] }, FARM_GLN, FACTORY_GLN, 'VIS'),
    ]);
    await store(factory, [
      move('receiving', { quantityList: [q(seed, 100)] }, FARM_GLN, FACTORY_GLN, 'VIS'),
      transform([q(seed, 100)], [q(dried, 70)], FACTORY_GLN), // private to the factory
      move('shipping', { quantityList: [q(dried, 70)] }, FACTORY_GLN, SHOP_GLN, 'VIS2'),
    ]);
  });

  it("the farm sees its lot go to the factory, and what the factory made of it only as 'held by'", async () => {
    const r = await trace(farm, 'forward', seed);
    expect(identifiers(r)).toEqual([seed]);
    const opaque = r.nodes.filter((n) => n.opaque);
    expect(opaque).toHaveLength(1);
    expect(opaque[0]).toMatchObject({ heldBy: { id: factoryId, name: 'Công ty Chế biến Sen Huế' } });
    expect(opaque[0]!.identifier).toBeUndefined();
    expect(r.edges).toEqual([
      { from: seed, to: opaque[0]!.key, kind: 'transformation', eventID: null, quantity: null, uom: null },
    ]);
    expect(JSON.stringify(r)).not.toContain(dried);
  });

  it('the shop sees the dried lot it received, and its source only as held by the factory', async () => {
    const r = await trace(shop, 'back', dried);
    expect(identifiers(r)).toEqual([dried]);
    expect(r.nodes.filter((n) => n.opaque).map((n) => n.heldBy!.name)).toEqual(['Công ty Chế biến Sen Huế']);
    expect(JSON.stringify(r)).not.toContain(seed);
  });

  it('the province opens every node', async () => {
    const r = await trace(province, 'forward', seed);
    expect(identifiers(r)).toEqual([seed, dried].sort());
    expect(r.nodes.some((n) => n.opaque)).toBe(false);
    expect(r.organisations.map((o) => o.id).sort()).toEqual([farmId, factoryId, shopId].sort());
    expect(r.locations).toContain(`https://id.gs1.org/414/${FACTORY_GLN}`);
  });
});

describe('mass balance', () => {
  it('reports a transformation outside its yield range and a receipt short of its shipment', async () => {
    const seed = lot(GTIN_SEED, 'MB');
    const dried = lot(GTIN_DRIED, 'MB');
    await store(farm, [
      commission(seed, 100, FARM_GLN),
      move('shipping', { quantityList: [q(seed, 100)] }, FARM_GLN, FACTORY_GLN, 'MB'),
      move('shipping', { quantityList: [q(seed, 30)] }, FARM_GLN, SHOP_GLN, 'MB2'),
    ]);
    await store(factory, [
      move('receiving', { quantityList: [q(seed, 90)] }, FARM_GLN, FACTORY_GLN, 'MB'),
      transform([q(seed, 90000, 'GRM')], [q(dried, 81)], FACTORY_GLN),
    ]);
    const r = await t.app.inject({
      url: `/api/trace/mass-balance?gtin=${GTIN_SEED}&lot=MB&minYield=0.3&maxYield=0.6`,
      headers: province,
    });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json<{ findings: { code: string; severity: string }[]; lot: Record<string, unknown> }>();
    expect(body.lot).toMatchObject({ unit: 'KGM', produced: 100, shipped: 130, received: 90, consumed: 90 });
    expect(body.findings.map((f) => f.code).sort()).toEqual(
      ['received_less_than_shipped', 'shipped_more_than_available', 'yield_above_range'].sort(),
    );
    const bad = await t.app.inject({
      url: `/api/trace/mass-balance?gtin=${GTIN_SEED}&lot=MB&minYield=0.5`,
      headers: province,
    });
    expect(bad.statusCode).toBe(400);
  });
});
