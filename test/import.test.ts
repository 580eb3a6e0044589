import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import { withTaxCheckDigit } from '../src/registry/tax-code.ts';
import { makeOrganisation, signInAs, startTestApp, type SignedIn, type TestApp } from './helpers/app.ts';
import { PNG_1X1, multipart } from './helpers/multipart.ts';

let t: TestApp;
let seq = 0;
const key = () => withCheckDigit(`8936${String(Date.now() % 1e4).padStart(4, '0')}${String(++seq).padStart(4, '0')}`);
const badCheck = (valid: string) => `${valid.slice(0, -1)}${(Number(valid.at(-1)) + 1) % 10}`;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('data');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function upload(me: SignedIn, url: string, data: Buffer, filename: string) {
  const body = multipart({ data, filename, contentType: 'application/octet-stream' });
  return t.app.inject({ method: 'POST', url, headers: { ...me.headers, ...body.headers }, payload: body.payload });
}

async function productCount(organisationId: string): Promise<number> {
  const row = await t.db
    .selectFrom('product')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('bulk import', () => {
  it('offers CSV and XLSX templates that import as they are', async () => {
    const org = await makeOrganisation(t.db);
    const me = await signInAs(t, org, 'org_operator');
    const csv = await t.app.inject({ url: '/api/import/products/template.csv', headers: me.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(/^gtin,name,nameEn,brand,groupCode,/);
    const template = await t.app.inject({ url: '/api/import/products/template.xlsx', headers: me.headers });
    expect(template.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(template.rawPayload as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['products', 'Hướng dẫn - Guide']);
    expect(workbook.worksheets[0]!.getRow(1).getCell(1).value).toBe('gtin');

    const imported = await upload(me, '/api/import/products', template.rawPayload, 'template.xlsx');
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({ format: 'xlsx', rows: 1, valid: 1, written: 1, errors: [] });
    const product = (await t.app.inject({ url: '/api/products?q=thanh%20tra', headers: me.headers })).json().items[0];
    expect(product).toMatchObject({
      gtin: '08939990000023',
      netContentUnit: 'KGM',
      certifications: [{ kind: 'vietgap' }],
    });
    // The CSV template's example conflicts now: same GTIN.
    const again = await upload(me, '/api/import/products', csv.rawPayload, 'template.csv');
    expect(again.statusCode).toBe(400);
    expect(again.json().report.errors[0]).toMatchObject({
      row: 2,
      column: 'gtin',
      message: { vi: 'GTIN này đã được đăng ký' },
    });
  });

  it('all-or-nothing: one bad row writes nothing and reports every problem by row and column, in vi and en', async () => {
    const org = await makeOrganisation(t.db);
    const me = await signInAs(t, org, 'org_admin');
    const good = key();
    const data = await xlsx([
      ['GTIN', 'Name', 'group code', 'netContent', 'netContentUnit', 'ocopStars', 'certificationKind'],
      [good, 'Mè xửng gừng', 'food.confectionery', 250, 'GRM', 4, 'ocop'],
      [badCheck(key()), 'Tôm chua', 'food.fish-sauce', 'nửa ký', 'GRM', null, null],
      [key(), 'Rượu Làng Chuồn', 'food.nothing', 0.5, 'LTR', null, null],
      [key(), 'Dầu tràm', 'med.essential-oil', { formula: '10*10', result: 100 }, 'MLT', null, null],
    ]);
    const r = await upload(me, '/api/import/products?mode=all-or-nothing', data, 'p.xlsx');
    expect(r.statusCode).toBe(400);
    const problem = r.json();
    expect(problem.code).toBe('validation');
    expect(problem.report).toMatchObject({ mode: 'all-or-nothing', rows: 4, valid: 1, written: 0 });
    const errors = problem.report.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`);
    expect(errors).toEqual(['3:netContent', '4:groupCode', '5:netContent']);
    expect(problem.report.errors[1].message).toEqual({
      vi: 'Nhóm sản phẩm không tồn tại',
      en: 'Unknown product group',
    });
    expect(problem.report.errors[2].message.en).toContain('Formulas are not accepted');
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain('rows/4/groupCode');
    expect(await productCount(org)).toBe(0);

    // Fix the number: the GTIN check digit is now the row's problem.
    const data2 = await xlsx([
      ['gtin', 'name', 'groupCode'],
      [good, 'Mè xửng gừng', 'food.confectionery'],
      [badCheck(key()), 'Tôm chua', 'food.fish-sauce'],
    ]);
    const r2 = await upload(me, '/api/import/products', data2, 'p.xlsx');
    expect(r2.json().report.errors).toEqual([
      {
        row: 3,
        column: 'gtin',
        message: { vi: 'Số kiểm tra của GTIN không đúng', en: 'The GTIN check digit is wrong' },
      },
    ]);
    expect(await productCount(org)).toBe(0);
  });

  it('valid-rows-only writes the valid rows in one transaction and reports the rest', async () => {
    const org = await makeOrganisation(t.db);
    const me = await signInAs(t, org, 'org_operator');
    const first = key();
    const csv = [
      'gtin,name,groupCode,shelfLifeDays',
      `${first},Sen Huế Tịnh Tâm,agri.lotus,30`,
      `${first},Trùng GTIN,agri.lotus,30`,
      `${key()},Gạo hữu cơ An Lỗ,agri.rice,365`,
      `${key()},Trà rau má,,1.5`,
    ].join('\n');
    const r = await upload(me, '/api/import/products?mode=valid-rows-only', Buffer.from(csv), 'p.csv');
    expect(r.statusCode).toBe(200);
    const report = r.json();
    expect(report).toMatchObject({ format: 'csv', rows: 4, valid: 2, written: 2 });
    expect(report.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`)).toEqual([
      '3:gtin',
      '5:shelfLifeDays',
    ]);
    expect(await productCount(org)).toBe(2);
  });

  it('imports locations with parents given by GLN, from a semicolon CSV', async () => {
    const org = await makeOrganisation(t.db);
    const me = await signInAs(t, org, 'org_operator');
    const area = key();
    const csv = [
      'gln;name;kind;latitude;longitude;growingAreaCode;parentGln',
      `${area};Vùng sen Tịnh Tâm;growing_area;16,4752;107,5803;VN-TTHOR-0201;`,
      `${key()};Ao sen số 1;pond;16.4755;107.5801;;${area}`,
      `${key()};Ao sen số 2;pond;16.4756;107.5802;;${badCheck(area)}`,
    ].join('\r\n');
    const r = await upload(me, '/api/import/locations?mode=valid-rows-only', Buffer.from(csv), 'l.csv');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ valid: 2, written: 2, errors: [{ row: 4, column: 'parentGln' }] });
    const ponds = (await t.app.inject({ url: '/api/locations?kind=pond', headers: me.headers })).json();
    expect(ponds.items).toHaveLength(1);
    expect(ponds.items[0].parentId).toBeTruthy();
  });

  it('imports organisations for the province only, and refuses unknown columns, non-sheets and oversized sheets', async () => {
    const authority = await makeOrganisation(t.db, { kind: 'authority' });
    const admin = await signInAs(t, authority, 'province_admin');
    const data = await xlsx([
      ['name', 'kind', 'taxCode', 'provinceCode', 'usesBarcodes'],
      ['HTX Nông nghiệp Quảng Thọ', 'cooperative', withTaxCheckDigit('330555111'), '46', 'có'],
      ['Hộ kinh doanh Lê Văn Tâm', 'household', null, '46', 'không'],
    ]);
    const r = await upload(admin, '/api/import/organisations', data, 'o.xlsx');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ valid: 2, written: 2 });

    const business = await signInAs(t, await makeOrganisation(t.db), 'org_admin');
    expect((await upload(business, '/api/import/organisations', data, 'o.xlsx')).statusCode).toBe(403);

    const unknownColumn = await upload(
      admin,
      '/api/import/organisations',
      Buffer.from('name,kind,password\nX,company,1\n'),
      'o.csv',
    );
    expect(unknownColumn.statusCode).toBe(400);
    expect(unknownColumn.json().report.errors[0]).toMatchObject({ row: 1, column: 'password' });
    const missing = await upload(admin, '/api/import/organisations', Buffer.from('name\nX\n'), 'o.csv');
    expect(missing.json().report.errors[0]).toMatchObject({ row: 1, column: 'kind' });

    expect((await upload(admin, '/api/import/products', PNG_1X1, 'x.csv')).statusCode).toBe(415);
    const many = ['name,kind', ...Array.from({ length: 5001 }, (_, i) => `Cơ sở ${i},company`)].join('\n');
    const tooMany = await upload(admin, '/api/import/organisations', Buffer.from(many), 'o.csv');
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0]).toMatchObject({ field: 'file', messageKey: 'import.file.rows' });
  });
});
