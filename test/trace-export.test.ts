import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import { FSMA_COLUMNS } from '../src/trace/fsma-sheet.ts';
import type { ShipmentView } from '../src/trace/shipments.service.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';
import { capture } from './helpers/epcis.ts';

let t: TestApp;
let farm: Record<string, string>;
let factory: Record<string, string>;
let shop: Record<string, string>;
let province: Record<string, string>;

const FARM_GLN = withCheckDigit('893500110000');
const FACTORY_GLN = withCheckDigit('893500210000');
const SHOP_GLN = withCheckDigit('893500310000');
const GTIN_SEED = withCheckDigit('0893500110001');
const GTIN_DRIED = withCheckDigit('0893500110002');
const SEED = `https://id.gs1.org/01/${GTIN_SEED}/10/E1`;
// A lot code a spreadsheet would read as a formula.
const DRIED = `https://id.gs1.org/01/${GTIN_DRIED}/10/=1+2`;

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
const move = (step: 'shipping' | 'receiving', h: number, epcClass: string, qty: number, from: string, to: string) => ({
  type: 'ObjectEvent',
  ...base(h),
  action: 'OBSERVE',
  bizStep: step,
  quantityList: [{ epcClass, quantity: qty, uom: 'KGM' }],
  bizLocation: { id: `https://id.gs1.org/414/${step === 'shipping' ? from : to}` },
  bizTransactionList: [{ type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:${from}:PX-${h}` }],
  sourceList: [{ type: 'owning_party', source: `https://id.gs1.org/417/${from}` }],
  destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${to}` }],
});

async function store(headers: Record<string, string>, events: object[]) {
  expect((await capture(t, headers, doc(events))).job).toMatchObject({ success: true });
}

beforeAll(async () => {
  t = await startTestApp();
  const farmId = await makeOrganisation(t.db, { name: 'HTX Sen Tịnh Tâm' });
  const factoryId = await makeOrganisation(t.db, { name: 'Công ty Chế biến Sen Huế' });
  const shopId = await makeOrganisation(t.db, { name: 'Cửa hàng Đặc sản Huế' });
  for (const [id, gln] of [
    [farmId, FARM_GLN],
    [factoryId, FACTORY_GLN],
    [shopId, SHOP_GLN],
  ] as const)
    await t.db.updateTable('organisation').set({ primary_gln: gln }).where('id', '=', id).execute();
  await t.db
    .insertInto('product')
    .values([
      { id: randomUUID(), organisation_id: farmId, gtin: GTIN_SEED, name: 'Hạt sen tươi', group_code: 'specialty.hue' },
      {
        id: randomUUID(),
        organisation_id: factoryId,
        gtin: GTIN_DRIED,
        name: 'Hạt sen sấy',
        group_code: 'specialty.hue',
      },
    ])
    .execute();
  await t.db
    .insertInto('location')
    .values({
      id: randomUUID(),
      organisation_id: factoryId,
      gln: FACTORY_GLN,
      name: 'Xưởng sấy Kim Long',
      kind: 'site',
    })
    .execute();
  const perms = ['epcis:capture', 'epcis:query'] as const;
  farm = (await apiKeyFor(t, farmId, [...perms])).headers;
  factory = (await apiKeyFor(t, factoryId, [...perms])).headers;
  shop = (await apiKeyFor(t, shopId, [...perms])).headers;
  province = (await signInAs(t, await makeOrganisation(t.db, { kind: 'authority' }), 'province_admin')).headers;
  await store(farm, [
    {
      type: 'ObjectEvent',
      ...base(1),
      action: 'ADD',
      bizStep: 'commissioning',
      quantityList: [{ epcClass: SEED, quantity: 100, uom: 'KGM' }],
      bizLocation: { id: `https://id.gs1.org/414/${FARM_GLN}` },
    },
    move('shipping', 2, SEED, 100, FARM_GLN, FACTORY_GLN),
  ]);
  await store(factory, [
    move('receiving', 3, SEED, 100, FARM_GLN, FACTORY_GLN),
    {
      type: 'TransformationEvent',
      ...base(4),
      inputQuantityList: [{ epcClass: SEED, quantity: 100, uom: 'KGM' }],
      outputQuantityList: [{ epcClass: DRIED, quantity: 70, uom: 'KGM' }],
      bizLocation: { id: `https://id.gs1.org/414/${FACTORY_GLN}` },
    },
    move('shipping', 5, DRIED, 70, FACTORY_GLN, SHOP_GLN),
  ]);
  await store(shop, [move('receiving', 6, DRIED, 68, FACTORY_GLN, SHOP_GLN)]);
}, 60_000);
afterAll(async () => t?.close());

async function workbook(headers: Record<string, string>, id: string) {
  const r = await t.app.inject({ url: `/api/trace/export.xlsx?id=${encodeURIComponent(id)}`, headers });
  expect(r.statusCode, r.body).toBe(200);
  expect(r.headers['content-type']).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
  return wb;
}
const rowsOf = (ws: ExcelJS.Worksheet) => {
  const out: Record<string, unknown>[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const o: Record<string, unknown> = {};
    FSMA_COLUMNS.forEach((c, i) => (o[c] = row.getCell(i + 1).value));
    out.push(o);
  });
  return out;
};

describe('FSMA 204 sortable spreadsheet', () => {
  it('has one sheet per critical tracking event, with lot codes, products, quantities, places, documents', async () => {
    const wb = await workbook(province, SEED);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['commissioning', 'transformation', 'shipping', 'receiving']);
    for (const ws of wb.worksheets) {
      expect(ws.getRow(1).values).toEqual([undefined, ...FSMA_COLUMNS]);
      expect(ws.autoFilter).toBeTruthy();
    }
    const commissioning = rowsOf(wb.getWorksheet('commissioning')!);
    expect(commissioning).toEqual([
      expect.objectContaining({
        'Traceability Lot Code': 'E1',
        'Product GTIN': GTIN_SEED,
        'Product Description': 'Hạt sen tươi',
        Quantity: 100,
        'Unit of Measure': 'KGM',
        'Location GLN': FARM_GLN,
        'Event Date': '2026-05-01',
        'Event Owner': 'HTX Sen Tịnh Tâm',
      }),
    ]);
    const transformation = rowsOf(wb.getWorksheet('transformation')!);
    expect(
      transformation.map((r) => [r['Traceability Lot Code'], r.Role, r.Quantity, r['Location Description']]),
    ).toEqual(
      [
        ['=1+2', 'output', 70, 'Xưởng sấy Kim Long'],
        ['E1', 'input', 100, 'Xưởng sấy Kim Long'],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const shipping = rowsOf(wb.getWorksheet('shipping')!);
    expect(shipping.map((r) => [r['Traceability Lot Code'], r.Quantity, r.Source, r.Destination])).toEqual([
      ['E1', 100, 'HTX Sen Tịnh Tâm', 'Công ty Chế biến Sen Huế'],
      ['=1+2', 70, 'Công ty Chế biến Sen Huế', 'Cửa hàng Đặc sản Huế'],
    ]);
    expect(shipping[0]!['Reference Documents']).toBe(`desadv: urn:epcglobal:cbv:bt:${FARM_GLN}:PX-2`);
    const receiving = rowsOf(wb.getWorksheet('receiving')!);
    expect(receiving.map((r) => [r['Traceability Lot Code'], r.Quantity, r['Event Owner']])).toEqual([
      ['E1', 100, 'Công ty Chế biến Sen Huế'],
      ['=1+2', 68, 'Cửa hàng Đặc sản Huế'],
    ]);
  });

  it('writes a lot code beginning with "=" as text, never as a formula', async () => {
    const wb = await workbook(province, DRIED);
    const ws = wb.getWorksheet('shipping')!;
    let cell: ExcelJS.Cell | undefined;
    ws.eachRow((row) => {
      if (row.getCell(2).value === GTIN_DRIED) cell = row.getCell(1);
    });
    if (!cell) throw new Error('no row of the dried lot');
    expect(cell.value).toBe('=1+2');
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
  });

  it('shows each caller only the events it may see', async () => {
    // The farm sees its own events and the factory's receipt of its shipment (it is the source party there), not
    // the factory's transformation nor anything downstream of it.
    const wb = await workbook(farm, SEED);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['commissioning', 'shipping', 'receiving']);
    const rows = wb.worksheets.flatMap((ws) =>
      rowsOf(ws).map((r) => [ws.name, r['Traceability Lot Code'], r['Event Owner']]),
    );
    expect(rows).toEqual([
      ['commissioning', 'E1', 'HTX Sen Tịnh Tâm'],
      ['shipping', 'E1', 'HTX Sen Tịnh Tâm'],
      ['receiving', 'E1', 'Công ty Chế biến Sen Huế'],
    ]);
    const outsider = (await apiKeyFor(t, await makeOrganisation(t.db), ['epcis:query'])).headers;
    const r = await t.app.inject({ url: `/api/trace/export.xlsx?id=${encodeURIComponent(SEED)}`, headers: outsider });
    expect(r.statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/trace/export.csv?id=${encodeURIComponent(SEED)}` })).statusCode).toBe(401);
  });

  it('gives the same rows as CSV, formula-like text prefixed with an apostrophe', async () => {
    const r = await t.app.inject({ url: `/api/trace/export.csv?id=${encodeURIComponent(SEED)}`, headers: province });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('text/csv');
    const records = parse<Record<string, string>>(r.body, { columns: true });
    expect(records.map((x) => x['Critical Tracking Event'])).toEqual([
      'commissioning',
      'transformation',
      'transformation',
      'shipping',
      'shipping',
      'receiving',
      'receiving',
    ]);
    const shipped = records.filter((x) => x['Critical Tracking Event'] === 'shipping');
    expect(shipped.map((x) => [x['Traceability Lot Code'], x.Quantity, x['Unit of Measure'], x.Destination])).toEqual([
      ['E1', '100', 'KGM', 'Công ty Chế biến Sen Huế'],
      ["'=1+2", '70', 'KGM', 'Cửa hàng Đặc sản Huế'],
    ]);
    const factoryCsv = await t.app.inject({
      url: `/api/trace/export.csv?gtin=${GTIN_DRIED}&lot=${encodeURIComponent('=1+2')}`,
      headers: factory,
    });
    expect(factoryCsv.statusCode, factoryCsv.body).toBe(200);
  });
});

describe('shipment confirmation', () => {
  const E2 = `https://id.gs1.org/01/${GTIN_SEED}/10/E2`;
  const send = (step: 'shipping' | 'receiving', h: number, qty: number, to: string, bt: string | null) => {
    const event: Record<string, unknown> = { ...move(step, h, E2, qty, FARM_GLN, to) };
    if (bt === null) delete event.bizTransactionList;
    else event.bizTransactionList = [{ type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:${FARM_GLN}:${bt}` }];
    return event;
  };
  const list = async (headers: Record<string, string>, status: string) => {
    const r = await t.app.inject({ url: `/api/trace/shipments?status=${status}`, headers });
    expect(r.statusCode, r.body).toBe(200);
    return r.json<ShipmentView[]>();
  };
  const brief = (s: ShipmentView) => [s.lot.split('/').pop(), s.to.name, s.bizTransaction?.split(':').pop() ?? null];

  beforeAll(async () => {
    await store(farm, [
      {
        type: 'ObjectEvent',
        ...base(10),
        action: 'ADD',
        bizStep: 'commissioning',
        quantityList: [{ epcClass: E2, quantity: 260, uom: 'KGM' }],
      },
      send('shipping', 11, 200, FACTORY_GLN, 'DA-1'),
      send('shipping', 12, 50, SHOP_GLN, 'DA-2'),
      send('shipping', 13, 10, SHOP_GLN, null),
    ]);
    await store(factory, [send('receiving', 14, 190, FACTORY_GLN, 'DA-1')]);
    await store(shop, [send('receiving', 15, 10, SHOP_GLN, null)]);
  });

  it('keeps a shipment unconfirmed until the receiver records its receipt', async () => {
    // The first shipments of the file name different documents on each side (PX-2 shipped, PX-3 received).
    expect((await list(farm, 'unconfirmed')).map(brief)).toEqual([
      ['E2', 'Cửa hàng Đặc sản Huế', 'DA-2'],
      ['E1', 'Công ty Chế biến Sen Huế', 'PX-2'],
    ]);
    const confirmed = await list(farm, 'confirmed');
    expect(confirmed.map(brief)).toEqual([
      ['E2', 'Cửa hàng Đặc sản Huế', null],
      ['E2', 'Công ty Chế biến Sen Huế', 'DA-1'],
    ]);
    // Matched by lot and parties when the shipment names no document; the quantities agree.
    expect(confirmed[0]).toMatchObject({ status: 'confirmed', receipt: { quantity: 10, uom: 'KGM' }, findings: [] });
    expect(confirmed[0]!.productName).toBe('Hạt sen tươi');
  });

  it('reports a quantity mismatch as a finding', async () => {
    const [da1] = (await list(farm, 'confirmed')).filter((s) => s.bizTransaction?.endsWith('DA-1'));
    expect(da1).toMatchObject({ quantity: 200, receipt: { quantity: 190 } });
    expect(da1!.findings).toEqual([
      expect.objectContaining({
        code: 'received_less_than_shipped',
        messageKey: 'trace.finding.received_less_than_shipped',
        details: expect.objectContaining({ shipped: 200, received: 190, unit: 'KGM' }),
      }),
    ]);
  });

  it('shows each organisation its own shipments, the province all of them', async () => {
    expect((await list(shop, 'unconfirmed')).map(brief)).toEqual([
      ['E2', 'Cửa hàng Đặc sản Huế', 'DA-2'],
      ['%3D1%2B2', 'Cửa hàng Đặc sản Huế', 'PX-5'], // the lot as the canonical Digital Link writes it
    ]);
    expect((await list(province, 'all')).length).toBe(5);
    const outsider = (await apiKeyFor(t, await makeOrganisation(t.db), ['epcis:query'])).headers;
    expect(await list(outsider, 'all')).toEqual([]);
    const bad = await t.app.inject({ url: '/api/trace/shipments?status=lost', headers: farm });
    expect(bad.statusCode).toBe(400);
  });

  it('lets the receiver reject a shipment with a reason: its own state, a finding, the sender told', async () => {
    const [da2] = (await list(shop, 'unconfirmed')).filter((s) => s.bizTransaction?.endsWith('DA-2'));
    const reject = (headers: Record<string, string>, payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/trace/shipments/rejections', headers, payload });
    const body = { eventID: da2!.eventID, lot: da2!.lot, reason: 'Hạt sen bị mốc, không nhận' };
    // The sender does not reject its own shipment; someone who cannot see it gets 404; a reason is required.
    expect((await reject(farm, body)).statusCode).toBe(403);
    const outsider = (await apiKeyFor(t, await makeOrganisation(t.db), ['epcis:capture', 'epcis:query'])).headers;
    expect((await reject(outsider, body)).statusCode).toBe(404);
    expect((await reject(shop, { ...body, reason: '  ' })).statusCode).toBe(400);
    expect((await reject(shop, { ...body, eventID: 'urn:uuid:unknown' })).statusCode).toBe(404);

    const rejected = await reject(shop, { ...body, lot: `(01)${GTIN_SEED}(10)E2` });
    expect(rejected.statusCode, rejected.body).toBe(201);
    expect(rejected.json<ShipmentView>()).toMatchObject({
      status: 'rejected',
      receipt: null,
      rejection: { reason: 'Hạt sen bị mốc, không nhận' },
      findings: [expect.objectContaining({ code: 'shipment_rejected', severity: 'high' })],
    });
    expect((await reject(shop, body)).statusCode).toBe(409);
    // Both sides see the state; it is neither unconfirmed nor confirmed any more.
    expect((await list(farm, 'rejected')).map(brief)).toEqual([['E2', 'Cửa hàng Đặc sản Huế', 'DA-2']]);
    expect((await list(farm, 'unconfirmed')).map(brief)).toEqual([['E1', 'Công ty Chế biến Sen Huế', 'PX-2']]);
    expect((await list(shop, 'rejected'))[0]!.rejection?.reason).toBe('Hạt sen bị mốc, không nhận');
    expect(await list(factory, 'rejected')).toEqual([]);
    // The sender is notified (in-app; e-mail and webhooks follow the same notification).
    const inbox = (await t.app.inject({ url: '/api/notifications', headers: farm })).json<{
      items: { kind: string; title: string; payload: Record<string, unknown> }[];
    }>();
    expect(inbox.items).toEqual([
      expect.objectContaining({
        kind: 'shipment.rejected',
        title: `Cửa hàng Đặc sản Huế từ chối nhận lô E2 (GTIN ${GTIN_SEED}): Hạt sen bị mốc, không nhận`,
        payload: { eventID: da2!.eventID, lot: da2!.lot, reason: 'Hạt sen bị mốc, không nhận' },
      }),
    ]);
  });
});

describe('spreadsheet of a product over a date range', () => {
  const url = (from: string, to: string) =>
    `/api/trace/export.csv?gtin=${GTIN_SEED}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

  it('gives every event of any lot of the GTIN in [from, to), as the caller may see them', async () => {
    const r = await t.app.inject({ url: url('2026-05-01T00:00:00Z', '2026-05-01T04:00:00Z'), headers: province });
    expect(r.statusCode, r.body).toBe(200);
    const records = parse<Record<string, string>>(r.body, { columns: true });
    expect(
      records.map((x) => [x['Critical Tracking Event'], x['Traceability Lot Code'], x['Event Time (UTC)']]),
    ).toEqual([
      ['commissioning', 'E1', '01:00:00'],
      ['shipping', 'E1', '02:00:00'],
      ['receiving', 'E1', '03:00:00'],
    ]);
    expect(records[0]!['Product Description']).toBe('Hạt sen tươi');
    // The farm does not see the factory's transformation of its seeds.
    const asFarm = await t.app.inject({ url: url('2026-05-01T00:00:00Z', '2026-05-02T00:00:00Z'), headers: farm });
    const farmRows = parse<Record<string, string>>(asFarm.body, { columns: true });
    expect(farmRows.some((x) => x['Critical Tracking Event'] === 'transformation')).toBe(false);
    const asProvince = await t.app.inject({
      url: url('2026-05-01T00:00:00Z', '2026-05-02T00:00:00Z'),
      headers: province,
    });
    expect(
      parse<Record<string, string>>(asProvince.body, { columns: true }).some(
        (x) => x['Critical Tracking Event'] === 'transformation',
      ),
    ).toBe(true);
  });

  it('refuses an empty range and answers 404 when nothing visible matches', async () => {
    expect(
      (await t.app.inject({ url: url('2026-05-02T00:00:00Z', '2026-05-01T00:00:00Z'), headers: province })).statusCode,
    ).toBe(400);
    expect(
      (await t.app.inject({ url: url('2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z'), headers: province })).statusCode,
    ).toBe(404);
  });
});
