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

function upload(data: Buffer | string, filename = 'events.csv', query = '') {
  const body = multipart({ data: Buffer.from(data), filename, contentType: 'application/octet-stream' });
  return t.app.inject({
    method: 'POST',
    url: `/api/import/events${query}`,
    headers: { ...me.headers, ...body.headers },
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
