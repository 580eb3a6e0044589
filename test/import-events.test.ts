import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import { makeLocation, makeOrganisation, signInAs, startTestApp, type SignedIn, type TestApp } from './helpers/app.ts';
import { multipart } from './helpers/multipart.ts';

let t: TestApp;
let me: SignedIn;
const GTIN = withCheckDigit('0893560700001');
const FARM = withCheckDigit('893560700001');
const BUYER = withCheckDigit('893560700002');

beforeAll(async () => {
  t = await startTestApp();
  const org = await makeOrganisation(t.db, { name: 'HTX Thanh trà Thủy Biều' });
  await t.db.updateTable('organisation').set({ primary_gln: FARM }).where('id', '=', org).execute();
  await makeLocation(t.db, org, { gln: FARM, name: 'Vườn thanh trà', province_code: '46' });
  me = await signInAs(t, org, 'org_admin');
  const product = await t.app.inject({
    method: 'POST',
    url: '/api/products',
    headers: me.headers,
    payload: { gtin: GTIN, name: 'Thanh trà Thủy Biều', groupCode: 'agri.fruit-veg' },
  });
  expect(product.statusCode, product.body).toBe(201);
});
afterAll(async () => t?.close());

function upload(data: Buffer | string, filename = 'events.csv', query = '', who?: SignedIn) {
  const body = multipart({ data: Buffer.from(data), filename, contentType: 'application/octet-stream' });
  return t.app.inject({
    method: 'POST',
    url: `/api/import/events${query}`,
    headers: { ...(who ?? me).headers, ...body.headers },
    payload: body.payload,
  });
}

async function eventCount(): Promise<number> {
  const row = await t.db
    .selectFrom('epcis_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('owner_organisation_id', '=', me.organisationId)
    .where('channel', '=', 'import')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const HEADER = 'step,eventTime,gtin,lot,quantity,uom,locationGln,partnerGln,despatch,tx:harvestDate';
const harvest = (lot: string, date: string) =>
  `commissioning,2026-06-10 07:30,${GTIN},${lot},1200,KGM,${FARM},,,${date}`;
const ship = `shipping,2026-06-11 08:00,${GTIN},TT-1,500,KGM,${FARM},${BUYER},XH-001,`;

interface Report {
  rows: number;
  valid: number;
  written: number;
  duplicates: number;
  errors: { row: number; column: string | null; message: { vi: string; en: string } }[];
}

describe('importing events from a sheet', () => {
  it('offers CSV and XLSX templates naming the columns, in both languages', async () => {
    const csv = await t.app.inject({ url: '/api/import/events/template.csv', headers: me.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'step,eventTime,timeZoneOffset,gtin,lot,quantity,uom,locationGln,partnerGln,despatch,certification,tx:harvestDate',
    );
    const xlsx = await t.app.inject({ url: '/api/import/events/template.xlsx', headers: me.headers });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['events', 'Hướng dẫn - Guide']);
    expect(workbook.worksheets[1]!.getRow(2).getCell(3).text).toMatch(/Công đoạn/);
  });

  it('writes nothing when a row is bad, and names the row, the column and the problem in vi and en', async () => {
    const r = await upload(
      [
        HEADER,
        harvest('TT-1', '2026-06-10'),
        harvest('TT-2', ''),
        `commissioning,10/06/2026,${GTIN},TT-3,-4,KGM,${FARM},,,2026-06-10`,
      ].join('\n'),
    );
    expect(r.statusCode, r.body).toBe(400);
    const report = r.json<{ report: Report }>().report;
    expect(report).toMatchObject({ rows: 3, valid: 1, written: 0 });
    expect(report.errors).toContainEqual(
      expect.objectContaining({
        row: 3,
        column: 'tx:harvestDate',
        message: expect.objectContaining({ vi: expect.stringMatching(/tiêu chuẩn/) }),
      }),
    );
    expect(
      report.errors
        .filter((e) => e.row === 4)
        .map((e) => e.column)
        .sort(),
    ).toEqual(['eventTime', 'quantity']);
    expect(await eventCount()).toBe(0);
  });

  it('captures every row of a clean sheet through EPCIS capture, and stores nothing twice', async () => {
    const sheet = [HEADER, harvest('TT-1', '2026-06-10'), ship].join('\n');
    const r = await upload(sheet);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json<Report>()).toMatchObject({ rows: 2, valid: 2, written: 2, duplicates: 0, errors: [] });
    expect(await eventCount()).toBe(2);
    const again = await upload(sheet);
    expect(again.json<Report>()).toMatchObject({ written: 0, duplicates: 2 });
    expect(await eventCount()).toBe(2);
    const jobs = await t.db.selectFrom('audit_entry').select('action').where('action', '=', 'import.events').execute();
    expect(jobs.length).toBe(2);
  });

  it('keeps the valid rows when asked to, and refuses formulas', async () => {
    const workbook = new ExcelJS.Workbook();
    const data = workbook.addWorksheet('events');
    data.addRow(HEADER.split(','));
    data.addRow(harvest('TT-9', '2026-06-12').split(','));
    data.addRow([
      'commissioning',
      '2026-06-12 07:00',
      GTIN,
      { formula: 'HYPERLINK("http://x")' },
      '1',
      'KGM',
      FARM,
      '',
      '',
      '2026-06-12',
    ]);
    const r = await upload(Buffer.from(await workbook.xlsx.writeBuffer()), 'events.xlsx', '?mode=valid-rows-only');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json<Report>()).toMatchObject({ rows: 2, valid: 1, written: 1 });
    expect(r.json<Report>().errors).toEqual([expect.objectContaining({ row: 3, column: 'lot' })]);
  });

  it('refuses an oversized sheet and an unknown column with a clear message', async () => {
    const big = [HEADER, ...Array.from({ length: 5001 }, (_, i) => harvest(`B-${i}`, '2026-06-10'))].join('\n');
    const r = await upload(big);
    expect(r.statusCode).toBe(400);
    const problem = r.json<{ detail: string; errors: { field: string; message: string }[] }>();
    expect(problem.detail).toMatch(/at most 5000/);
    expect(problem.errors[0]).toMatchObject({ field: 'file', message: 'Tệp có quá nhiều dòng' });
    const unknown = await upload(`${HEADER},colour\n${harvest('TT-5', '2026-06-10')},red`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ report: Report }>().report.errors).toEqual([
      expect.objectContaining({ row: 1, column: 'colour' }),
    ]);
  });
});

describe('importing transformations and pallets from a sheet', () => {
  // A sesame-candy (mè xửng) workshop: sesame, malt sugar and peanuts in, a batch of candy out; lotus seeds dried.
  const PLANT = withCheckDigit('893560700011');
  const SESAME = withCheckDigit('0893560700102');
  const MALT = withCheckDigit('0893560700103');
  const PEANUT = withCheckDigit('0893560700104');
  const CANDY = withCheckDigit('0893560700201');
  const LOTUS = withCheckDigit('0893560700301');
  const DRIED = withCheckDigit('0893560700302');
  const PALLET = withCheckDigit('08935607000000011');
  const CARTON = withCheckDigit('08935607000000028');
  const lot = (gtin: string, lotNumber: string) => `https://id.gs1.org/01/${gtin}/10/${lotNumber}`;
  let maker: SignedIn;

  beforeAll(async () => {
    const org = await makeOrganisation(t.db, { name: 'Cơ sở mè xửng Thiên Hương' });
    await t.db.updateTable('organisation').set({ primary_gln: PLANT }).where('id', '=', org).execute();
    await makeLocation(t.db, org, { gln: PLANT, name: 'Xưởng mè xửng', province_code: '46' });
    maker = await signInAs(t, org, 'org_admin');
    for (const [gtin, name, groupCode] of [
      [CANDY, 'Mè xửng Thiên Hương', 'food.confectionery'],
      [DRIED, 'Hạt sen sấy', 'agri.lotus'],
    ] as const) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/products',
        headers: maker.headers,
        payload: { gtin, name, groupCode },
      });
      expect(r.statusCode, r.body).toBe(201);
    }
  });

  const events = async (type: string) =>
    t.db
      .selectFrom('epcis_event')
      .select(['document'])
      .where('owner_organisation_id', '=', maker.organisationId)
      .where('channel', '=', 'import')
      .where('event_type', '=', type)
      .execute();

  const T_HEADER =
    'transformationID,role,step,eventTime,timeZoneOffset,gtin,lot,quantity,uom,locationGln,tx:productionDate,tx:bestBefore';
  const tRow = (id: string, role: string, gtin: string, lotNumber: string, quantity: string, extra = {}) => {
    const o = { time: '2026-06-18 08:00', uom: 'KGM', gln: PLANT, production: '', bestBefore: '', ...extra };
    return [id, role, '', o.time, '', gtin, lotNumber, quantity, o.uom, o.gln, o.production, o.bestBefore].join(',');
  };
  const candyBatch = [
    tRow('MX-1', 'input', SESAME, 'ME-0615', '60'),
    tRow('MX-1', 'input', MALT, 'MN-0610', '40'),
    tRow('MX-1', 'input', PEANUT, 'DP-0612', '20'),
    tRow('MX-1', 'output', CANDY, 'MX-0618', '105', { production: '2026-06-18', bestBefore: '2026-12-18' }),
  ];

  it('offers a template per kind of sheet, in CSV and XLSX, with the column help in Vietnamese', async () => {
    const csv = await t.app.inject({ url: '/api/import/events/template.csv?kind=transformation', headers: me.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(/truyxuat-events-transformation\.csv/);
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'transformationID,role,step,eventTime,timeZoneOffset,gtin,lot,quantity,uom,locationGln,certification,tx:productionDate,tx:bestBefore',
    );
    expect(lines.filter((l) => l.startsWith('MX-0618,input')).length).toBe(3);
    const xlsx = await t.app.inject({ url: '/api/import/events/template.xlsx?kind=aggregation', headers: me.headers });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['pallets', 'Hướng dẫn - Guide']);
    expect(workbook.worksheets[0]!.getRow(1).getCell(1).text).toBe('parentSscc');
    expect(workbook.worksheets[1]!.getRow(2).getCell(3).text).toMatch(/SSCC của pallet/);
    const unknown = await t.app.inject({ url: '/api/import/events/template.csv?kind=recipe', headers: me.headers });
    expect(unknown.statusCode).toBe(400);
  });

  it('turns the rows of one batch (CSV) into one TransformationEvent that links the candy lot to its ingredients', async () => {
    const r = await upload([T_HEADER, ...candyBatch].join('\n'), 'me-xung.csv', '', maker);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json<Report>()).toMatchObject({ rows: 4, valid: 4, written: 1, duplicates: 0, errors: [] });
    const stored = await events('TransformationEvent');
    expect(stored).toHaveLength(1);
    const document = stored[0]!.document;
    expect(document.inputQuantityList).toEqual([
      { epcClass: lot(SESAME, 'ME-0615'), quantity: 60, uom: 'KGM' },
      { epcClass: lot(MALT, 'MN-0610'), quantity: 40, uom: 'KGM' },
      { epcClass: lot(PEANUT, 'DP-0612'), quantity: 20, uom: 'KGM' },
    ]);
    expect(document.outputQuantityList).toEqual([{ epcClass: lot(CANDY, 'MX-0618'), quantity: 105, uom: 'KGM' }]);
    expect(document).toMatchObject({
      bizStep: 'commissioning',
      ilmd: { 'tx:productionDate': '2026-06-18', 'tx:bestBefore': '2026-12-18' },
    });

    const back = await t.app.inject({
      url: `/api/trace/back?gtin=${CANDY}&lot=MX-0618`,
      headers: maker.headers,
    });
    expect(back.statusCode, back.body).toBe(200);
    const trace = back.json<{ lots: string[]; edges: { from: string; to: string; kind: string }[] }>();
    expect(trace.lots).toEqual(
      expect.arrayContaining([lot(SESAME, 'ME-0615'), lot(MALT, 'MN-0610'), lot(PEANUT, 'DP-0612')]),
    );
    expect(trace.edges.filter((e) => e.kind === 'transformation' && e.to === lot(CANDY, 'MX-0618'))).toHaveLength(3);

    const again = await upload([T_HEADER, ...candyBatch].join('\n'), 'me-xung.csv', '', maker);
    expect(again.json<Report>()).toMatchObject({ written: 0, duplicates: 1 });
    expect(await events('TransformationEvent')).toHaveLength(1);
  });

  it('reads the same layout from XLSX (drying lotus seeds), with numbers typed as numbers', async () => {
    const workbook = new ExcelJS.Workbook();
    const data = workbook.addWorksheet('transformations');
    data.addRow([
      'transformationID',
      'role',
      'eventTime',
      'gtin',
      'lot',
      'quantity',
      'uom',
      'locationGln',
      'tx:bestBefore',
    ]);
    data.addRow(['SK-1', 'đầu vào', '2026-06-03 07:00', LOTUS, 'SEN-0601', 60, 'KGM', PLANT]);
    data.addRow(['SK-1', 'input', '2026-06-03 07:00', LOTUS, 'SEN-0602', 40, 'KGM', PLANT]);
    data.addRow(['SK-1', 'output', '2026-06-03 07:00', DRIED, 'SK-0603', 65, 'KGM', PLANT, '2027-06-03']);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const r = await upload(file, 'sen.xlsx', '', maker);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json<Report>()).toMatchObject({ rows: 3, valid: 3, written: 1 });
    const dried = (await events('TransformationEvent')).find((e) =>
      JSON.stringify(e.document.outputQuantityList).includes('SK-0603'),
    );
    expect(dried?.document.inputQuantityList).toEqual([
      { epcClass: lot(LOTUS, 'SEN-0601'), quantity: 60, uom: 'KGM' },
      { epcClass: lot(LOTUS, 'SEN-0602'), quantity: 40, uom: 'KGM' },
    ]);
    const again = await upload(file, 'sen.xlsx', '', maker);
    expect(again.json<Report>()).toMatchObject({ written: 0, duplicates: 1 });
  });

  it('names the row and column of every bad group in vi and en, and writes nothing', async () => {
    const before = (await events('TransformationEvent')).length;
    const sheet = [
      T_HEADER,
      tRow('MX-2', 'input', SESAME, 'ME-0620', '60'), // row 2: a batch without output
      tRow('MX-3', 'input', SESAME, 'ME-0621', '60', { time: '2026-06-21 08:00' }), // row 3
      tRow('MX-3', 'output', CANDY, 'MX-0621', '50', {
        time: '2026-06-21 09:00',
        gln: BUYER,
        production: '2026-06-21',
        bestBefore: '2026-12-21',
      }), // row 4: another time and place than row 3
      tRow('MX-4', 'both', SESAME, 'ME-0622', '60'), // row 5
      tRow('MX-4', 'output', CANDY, 'MX-0622', '50', {
        uom: 'kilo',
        production: '2026-06-22',
        bestBefore: '2026-12-22',
      }),
      ...candyBatch.map((row) => row.replace(/MX-1,/, 'MX-5,').replace('MX-0618', 'MX-0623')), // rows 7–10: clean
    ].join('\n');
    const r = await upload(sheet, 'me-xung.csv', '', maker);
    expect(r.statusCode, r.body).toBe(400);
    const report = r.json<{ report: Report }>().report;
    expect(report).toMatchObject({ rows: 9, valid: 4, written: 0 });
    const at = (row: number) =>
      report.errors
        .filter((e) => e.row === row)
        .map((e) => e.column)
        .sort();
    expect(at(2)).toEqual(['role']);
    expect(report.errors.find((e) => e.row === 2)?.message).toEqual({
      vi: 'Nhóm chế biến MX-2 cần ít nhất một dòng đầu ra (role = output)',
      en: 'Transformation MX-2 needs at least one output row (role = output)',
    });
    expect(at(4)).toEqual(['eventTime', 'locationGln']);
    expect(report.errors.find((e) => e.row === 4)?.message.vi).toMatch(/cùng giá trị.*dòng 3/);
    expect(at(5)).toEqual(['role']);
    expect(at(6)).toEqual(['uom']);
    expect(at(7)).toEqual([]);
    expect(await events('TransformationEvent')).toHaveLength(before);

    const kept = await upload(sheet, 'me-xung.csv', '?mode=valid-rows-only', maker);
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json<Report>()).toMatchObject({ valid: 4, written: 1 });
    expect(await events('TransformationEvent')).toHaveLength(before + 1);
  });

  const A_HEADER = 'parentSscc,action,eventTime,locationGln,childSscc,gtin,serial,lot,quantity,uom';
  const pallet = [
    `${PALLET},ADD,2026-06-19 14:00,${PLANT},${CARTON},,,,,`,
    `${PALLET},ADD,2026-06-19 14:00,${PLANT},,${CANDY},MX-0618-0001,,,`,
    `${PALLET},ADD,2026-06-19 14:00,${PLANT},,${CANDY},,MX-0618,40,KGM`,
  ];

  it('packs cartons, items and lots onto a pallet as one AggregationEvent, once', async () => {
    const r = await upload([A_HEADER, ...pallet].join('\n'), 'pallet.csv', '', maker);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json<Report>()).toMatchObject({ rows: 3, valid: 3, written: 1, errors: [] });
    const stored = await events('AggregationEvent');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.document).toMatchObject({
      action: 'ADD',
      bizStep: 'packing',
      parentID: `https://id.gs1.org/00/${PALLET}`,
      childEPCs: [`https://id.gs1.org/00/${CARTON}`, `https://id.gs1.org/01/${CANDY}/21/MX-0618-0001`],
      childQuantityList: [{ epcClass: lot(CANDY, 'MX-0618'), quantity: 40, uom: 'KGM' }],
    });
    const forward = await t.app.inject({
      url: `/api/trace/forward?gtin=${CANDY}&lot=MX-0618`,
      headers: maker.headers,
    });
    expect(forward.statusCode, forward.body).toBe(200);
    expect(forward.json<{ edges: { to: string; kind: string }[] }>().edges).toContainEqual(
      expect.objectContaining({ kind: 'aggregation', to: `https://id.gs1.org/00/${PALLET}` }),
    );
    const again = await upload([A_HEADER, ...pallet].join('\n'), 'pallet.csv', '', maker);
    expect(again.json<Report>()).toMatchObject({ written: 0, duplicates: 1 });
    expect(await events('AggregationEvent')).toHaveLength(1);

    const unpacked = await upload(`${A_HEADER}\n${PALLET},DELETE,2026-06-25 09:00,${PLANT},,,,,,`, 'd.csv', '', maker);
    expect(unpacked.statusCode, unpacked.body).toBe(200);
    expect((await events('AggregationEvent')).map((e) => e.document.action).sort()).toEqual(['ADD', 'DELETE']);
  });

  it('refuses a bad pallet row by row, and a sheet mixing the two layouts', async () => {
    const valid = withCheckDigit('08935607000000099');
    const bad = `${valid.slice(0, -1)}${(Number(valid.slice(-1)) + 1) % 10}`;
    const before = (await events('AggregationEvent')).length;
    const r = await upload(
      [
        A_HEADER,
        `${bad},ADD,2026-06-20 14:00,${PLANT},${CARTON},,,,,`,
        `${PALLET},MOVE,2026-06-20 14:00,${PLANT},${CARTON},,,,,`,
        `${PALLET},ADD,2026-06-20 15:00,${PLANT},${CARTON},${CANDY},,MX-0618,5,KGM`,
        `${PALLET},ADD,2026-06-20 16:00,${PLANT},,,,,,`,
      ].join('\n'),
      'pallet.csv',
      '',
      maker,
    );
    expect(r.statusCode, r.body).toBe(400);
    const report = r.json<{ report: Report }>().report;
    expect(report.written).toBe(0);
    expect(report.errors.map((e) => [e.row, e.column])).toEqual(
      expect.arrayContaining([
        [2, 'parentSscc'],
        [3, 'action'],
        [4, 'childSscc'],
        [5, 'childSscc'],
      ]),
    );
    expect(report.errors.find((e) => e.row === 2)?.message.en).toMatch(/SSCC has 18 digits/);
    expect(await events('AggregationEvent')).toHaveLength(before);

    const mixed = await upload(`${T_HEADER},parentSscc\n${candyBatch[0]!},${PALLET}`, 'mixed.csv', '', maker);
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json<{ report: Report }>().report.errors).toEqual([
      expect.objectContaining({ row: 1, column: 'parentSscc' }),
    ]);
  });
});
