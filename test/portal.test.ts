import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../src/identifiers/check-digit.ts';
import { activateStamps, orderStampBatch, voidStamps } from '../src/labels/labels.service.ts';
import { clearPortalCache } from '../src/portal/portal.service.ts';
import { STYLESHEET_PATH } from '../src/portal/portal.routes.ts';
import { createLocation } from '../src/registry/location.service.ts';
import { createProduct } from '../src/registry/product.service.ts';
import { SYSTEM } from '../src/shared/caller.ts';
import { foldForSearch } from '../src/shared/text.ts';
import { apiKeyFor, makeOrganisation, signInAs, startTestApp, type TestApp } from './helpers/app.ts';
import { capture } from './helpers/epcis.ts';

/** The public pages through app.inject: consumer page, problem reports, province portal, error pages. */

const XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
const GTIN = withCheckDigit('0893600017001');
const OTHER_GTIN = withCheckDigit('0893600017002');
const FARM_GLN = withCheckDigit('893600017010');
const PACK_GLN = withCheckDigit('893600017020');
const LOT = 'TT-2606';
const RECALLED = 'TT-2607';

let t: TestApp;
let orgId: string;
let owner: Record<string, string>;
let productId: string;
let genuine: string;
let notActivated: string;
let voided: string;

const lotUri = (lot: string) => `https://id.gs1.org/01/${GTIN}/10/${lot}`;

async function get(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, headers });
}

function report(path: string, fields: Record<string, string>, ip = '203.0.113.7', headers = {}) {
  return t.app.inject({
    method: 'POST',
    url: `${path}/bao-cao`,
    remoteAddress: ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

beforeAll(async () => {
  t = await startTestApp({ publicUrl: 'https://truyxuat.example' });
  orgId = await makeOrganisation(t.db, { name: `HTX Thanh trà ${XSS}`, kind: 'cooperative' });
  await t.db
    .updateTable('organisation')
    .set({
      commune_name: `Thủy Biều ${XSS}`,
      contact_email: 'bi-mat@htx.example',
      contact_phone: '0912 345 678',
      tax_code: '3300100001',
      search_text: foldForSearch(`HTX Thanh trà ${XSS} Thủy Biều`),
    })
    .where('id', '=', orgId)
    .execute();
  owner = (
    await apiKeyFor(t, orgId, ['registry:read', 'registry:write', 'epcis:capture', 'epcis:query', 'recall:manage'])
  ).headers;
  const product = await createProduct(t.db, SYSTEM, {
    organisationId: orgId,
    gtin: GTIN,
    name: `Thanh trà Thủy Biều ${XSS}`,
    nameEn: 'Thuy Bieu pomelo',
    brand: `Vườn ${XSS}`,
    groupCode: 'agri.fruit-veg',
    netContent: 1500,
    netContentUnit: 'GRM',
    shelfLifeDays: 30,
    description: `Bưởi đặc sản ${XSS}`,
    certifications: [
      { kind: 'ocop', ocopStars: 4, validFrom: '2025-01-01', validTo: '2099-12-31' },
      { kind: 'geographical_indication', number: 'CDĐL-00045', issuer: 'Cục Sở hữu trí tuệ' },
      { kind: 'vietgap', number: `VG-${XSS}`, issuer: 'Trung tâm Kiểm định', validTo: '2020-12-31' },
    ],
  });
  productId = product.id;
  await createProduct(t.db, SYSTEM, {
    organisationId: orgId,
    gtin: OTHER_GTIN,
    name: 'Mè xửng',
    groupCode: 'food.confectionery',
  });
  await createLocation(t.db, SYSTEM, {
    organisationId: orgId,
    gln: FARM_GLN,
    name: `Vườn ông Lê ${XSS}`,
    kind: 'farm',
    latitude: 16.4402,
    longitude: 107.5361,
    growingAreaCode: 'VN-TTHOR-0017',
    communeName: 'Thủy Biều',
  });
  await createLocation(t.db, SYSTEM, {
    organisationId: orgId,
    gln: PACK_GLN,
    name: 'Cơ sở đóng gói Thủy Biều',
    kind: 'packing_house',
    latitude: 16.45,
    longitude: 107.56,
  });
  const doc = JSON.stringify({
    '@context': [
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { tx: 'https://truyxuat.vn/epcis/' },
    ],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-06-01T00:00:00Z',
    epcisBody: {
      eventList: [LOT, RECALLED].flatMap((lot, i) => [
        {
          type: 'ObjectEvent',
          eventTime: `2026-06-0${1 + i}T01:00:00Z`,
          eventTimeZoneOffset: '+07:00',
          action: 'ADD',
          bizStep: 'commissioning',
          bizLocation: { id: `https://id.gs1.org/414/${FARM_GLN}` },
          quantityList: [{ epcClass: lotUri(lot), quantity: 200, uom: 'KGM' }],
          ilmd: { 'tx:harvestDate': `2026-05-3${i}`, 'tx:secretPrice': 'GIA-NOI-BO-98765' },
        },
        {
          type: 'ObjectEvent',
          eventTime: `2026-06-0${1 + i}T09:30:00Z`,
          eventTimeZoneOffset: '+07:00',
          action: 'OBSERVE',
          bizStep: 'packing',
          bizLocation: { id: `https://id.gs1.org/414/${PACK_GLN}` },
          // Another product packed in the same event belongs to another story.
          quantityList: [
            { epcClass: lotUri(lot), quantity: 190, uom: 'KGM' },
            { epcClass: `https://id.gs1.org/01/${OTHER_GTIN}/10/KHAC-01`, quantity: 5, uom: 'KGM' },
          ],
        },
      ]),
    },
  });
  expect((await capture(t, owner, doc)).job).toMatchObject({ success: true });

  const batch = await orderStampBatch(t.db, SYSTEM, { productId, quantity: 3 });
  await activateStamps(t.db, SYSTEM, batch.id, { lot: LOT, from: 1, to: 2 });
  await voidStamps(t.db, SYSTEM, batch.id, { from: 3, to: 3 });
  const other = await orderStampBatch(t.db, SYSTEM, { productId, quantity: 1 });
  const serials = await t.db
    .selectFrom('stamp')
    .select(['serial', 'batch_id', 'sequence'])
    .where('gtin', '=', GTIN)
    .orderBy('sequence')
    .execute();
  genuine = serials.find((s) => s.batch_id === batch.id && s.sequence === 1)!.serial;
  voided = serials.find((s) => s.batch_id === batch.id && s.sequence === 3)!.serial;
  notActivated = serials.find((s) => s.batch_id === other.id)!.serial;

  const recall = await t.app.inject({
    method: 'POST',
    url: '/api/recalls',
    headers: owner,
    payload: { lots: [lotUri(RECALLED)], reason: `Nhiễm khuẩn ${XSS}`, severity: 'high' },
  });
  expect(recall.statusCode).toBe(201);
  clearPortalCache();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

/** No script runs on a page: the only script element is the JSON-LD data block. */
function expectNoScript(body: string) {
  const scripts = body.match(/<script[^>]*>/g) ?? [];
  expect(scripts.every((s) => s === '<script type="application/ld+json">')).toBe(true);
  expect(body).not.toContain('<img src=x');
  expect(body).not.toMatch(/<(img|svg)[^>]*onerror/i);
}

describe('consumer page', () => {
  it('tells the product story of a lot in Vietnamese, with everything a business wrote escaped', async () => {
    const r = await get(`/p/01/${GTIN}/10/${LOT}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    const body = r.body;
    expect(body).toContain('<html lang="vi">');
    expectNoScript(body);
    expect(body).toContain('Thanh trà Thủy Biều &quot;&gt;&lt;script&gt;');
    // producer, certifications with validity, OCOP stars and GI
    expect(body).toContain('HTX Thanh trà');
    expect(body).toContain('Sản phẩm OCOP 4 sao');
    expect(body).toContain('★★★★');
    expect(body).toContain('Chỉ dẫn địa lý');
    expect(body).toContain('hiệu lực 01/01/2025 – 31/12/2099');
    expect(body).toContain('đã hết hạn');
    // net content the Vietnamese way
    expect(body).toContain('1.500 gam');
    // a lot of another product handled in the same event is neither named nor shown as a raw identifier
    expect(body).not.toContain('KHAC-01');
    // origin: farm with its growing-area code, GPS, an inline locator and a plain map link
    expect(body).toContain('VN-TTHOR-0017');
    expect(body).toContain('16,44020° B, 107,53610° Đ');
    expect(body).toMatch(/<svg\s+class="locator"[^>]*role="img"/);
    expect(body).toContain('https://www.openstreetmap.org/?mlat=16.44020&amp;mlon=107.53610');
    // the timeline: Vietnamese steps, dd/mm/yyyy in Huế time, public KDEs only
    expect(body).toContain('Tạo lô / thu hoạch');
    expect(body).toContain('Đóng gói');
    expect(body).toContain('01/06/2026 08:00');
    expect(body).toContain('01/06/2026 16:30');
    expect(body).toContain('Ngày thu hoạch');
    expect(body).toContain('30/05/2026');
    expect(body).not.toContain('GIA-NOI-BO-98765');
    // dates: production and use-by from the shelf life
    expect(body).toContain('Ngày sản xuất');
    expect(body).toContain('01/07/2026');
    // the standard applied
    expect(body).toContain('/tieu-chuan/');
    // the report form and the structured data
    expect(body).toContain(`action="/p/01/${GTIN}/10/${LOT}/bao-cao"`);
    expect(body).toContain('name="website"');
    const ld = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(body)![1]!;
    expect(ld).not.toContain('</');
    const data = JSON.parse(ld) as Record<string, unknown>;
    expect(data).toMatchObject({ '@type': 'Product', gtin14: GTIN, name: expect.stringContaining('<script>') });
    // no private data of the organisation
    for (const secret of ['bi-mat@htx.example', '0912 345 678', '3300100001']) expect(body).not.toContain(secret);
    // small: page + stylesheet under 30 KB
    const css = await get(STYLESHEET_PATH);
    expect(css.statusCode).toBe(200);
    expect(css.headers['cache-control']).toContain('immutable');
    expect(Buffer.byteLength(body) + Buffer.byteLength(css.body)).toBeLessThan(30_000);
  });

  it('speaks English on ?lang=en and by Accept-Language, with a switch link', async () => {
    const byQuery = await get(`/p/01/${GTIN}/10/${LOT}?lang=en`);
    expect(byQuery.body).toContain('<html lang="en">');
    expect(byQuery.body).toContain('Thuy Bieu pomelo');
    expect(byQuery.body).toContain('OCOP 4-star product');
    expect(byQuery.body).toContain('1,500 gram');
    expect(byQuery.body).toContain(`href="/p/01/${GTIN}/10/${LOT}?lang=vi"`);
    const byHeader = await get(`/p/01/${GTIN}/10/${LOT}`, { 'accept-language': 'en-US,en;q=0.9' });
    expect(byHeader.body).toContain('The lot’s journey');
    expect(byHeader.headers.vary).toContain('Accept-Language');
  });

  it('works for a GTIN alone', async () => {
    const r = await get(`/p/01/${GTIN}`);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Mã này chỉ định danh sản phẩm');
    expect(r.body).not.toContain('Kiểm tra tem');
  });

  it('shows a recall banner for a lot under an open recall, and none for another lot', async () => {
    const r = await get(`/p/01/${GTIN}/10/${RECALLED}`);
    expect(r.body).toContain('Sản phẩm đang bị thu hồi');
    expect(r.body).toContain('Nhiễm khuẩn &quot;&gt;&lt;script&gt;');
    expect(r.body).toContain('Mức độ nghiêm trọng: cao');
    expectNoScript(r.body);
    expect((await get(`/p/01/${GTIN}/10/${LOT}`)).body).not.toContain('class="recall"');
  });

  it('gives the stamp verdict of a serial', async () => {
    const ok = await get(`/p/01/${GTIN}/10/${LOT}/21/${genuine}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Tem chính hãng');
    // a serial alone leads to its stamp's lot
    const alone = await get(`/p/01/${GTIN}/21/${genuine}`);
    expect(alone.body).toContain('Tem chính hãng');
    expect(alone.body).toContain(`<span class="code">${LOT}</span>`);
    const fake = await get(`/p/01/${GTIN}/21/KHONGCO123`);
    expect(fake.statusCode).toBe(200);
    expect(fake.body).toContain('Sản phẩm có thể là hàng giả');
    expect(fake.body).toContain('role="alert"');
    expect((await get(`/p/01/${GTIN}/21/${notActivated}`)).body).toContain('tem chưa được kích hoạt');
    expect((await get(`/p/01/${GTIN}/21/${voided}?lang=en`)).body).toContain('this stamp was voided');
  });

  it('answers an unknown GTIN with a friendly 404 page and a malformed path with a 400 page, in HTML', async () => {
    const unknown = await get(`/p/01/${withCheckDigit('0893600099999')}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('text/html');
    expect(unknown.body).toContain('Không tìm thấy');
    const unknownEn = await get(`/p/01/${withCheckDigit('0893600099999')}?lang=en`);
    expect(unknownEn.body).toContain('We could not find this product');
    for (const path of ['/p/01/123', `/p/01/${GTIN.slice(0, 13)}0`, '/p/414/8936000170100', `/p/01/${GTIN}/10/`]) {
      const bad = await get(path);
      expect(bad.statusCode, path).toBe(400);
      expect(bad.body).toContain('Đường dẫn không hợp lệ');
    }
  });
});

describe('problem reports', () => {
  const path = `/p/01/${GTIN}/10/${LOT}`;

  it('stores a report, notifies the brand owner and the province, and lists it to them only', async () => {
    const r = await report(path, { message: 'Quả bị dập, tem bị bóc', contact: 'khach@example.vn', website: '' });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`${path}?bao-cao=da-gui#bao-cao`);
    expect((await get(r.headers.location as string)).body).toContain('Báo cáo đã được gửi');
    const rows = await t.db.selectFrom('problem_report').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ organisation_id: orgId, product_id: productId, lot: LOT, serial: null });
    expect(rows[0]!.ip_hash).not.toContain('203.0.113.7');
    const notes = await t.db
      .selectFrom('notification')
      .select(['organisation_id', 'kind'])
      .where('kind', '=', 'problem.reported')
      .execute();
    expect(notes.map((n) => n.organisation_id).sort()).toEqual([orgId, null].sort());

    const mine = await get('/api/problem-reports', owner);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ total: 1, items: [{ message: 'Quả bị dập, tem bị bóc', gtin: GTIN }] });
    const outsider = (await apiKeyFor(t, await makeOrganisation(t.db), ['registry:read'])).headers;
    expect((await get('/api/problem-reports', outsider)).json()).toMatchObject({ total: 0, items: [] });
    const province = await signInAs(t, await makeOrganisation(t.db, { kind: 'authority' }), 'province_inspector');
    expect((await get('/api/problem-reports', province.headers)).json()).toMatchObject({ total: 1 });
    expect((await get('/api/problem-reports')).statusCode).toBe(401);
  });

  it('takes a report from a browser that is signed in to the back-office: the form never acts for the session', async () => {
    const session = await signInAs(t, await makeOrganisation(t.db));
    const r = await report(path, { message: 'Tem bị rách khi mở', contact: '' }, '192.0.2.44', {
      cookie: session.cookie,
    });
    expect(r.statusCode).toBe(303);
    const stored = await t.db
      .selectFrom('problem_report')
      .select('message')
      .where('message', '=', 'Tem bị rách khi mở')
      .execute();
    expect(stored).toHaveLength(1);
  });

  it('refuses reports out of bounds without storing them, and drops honeypot submissions silently', async () => {
    const before = await t.db.selectFrom('problem_report').select('id').execute();
    const short = await report(path, { message: 'x', contact: '' }, '198.51.100.1');
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('Vui lòng mô tả vấn đề (từ 5 đến 2000 ký tự)');
    const long = await report(path, { message: 'Quá dài', contact: 'c'.repeat(201) }, '198.51.100.1');
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Thông tin liên hệ quá dài');
    const robot = await report(path, { message: 'Mua thuốc giá rẻ tại đây', website: 'http://spam.example' });
    expect(robot.statusCode).toBe(303);
    const unknown = await report(`/p/01/${withCheckDigit('0893600099999')}`, { message: 'Sản phẩm lạ' });
    expect(unknown.statusCode).toBe(404);
    expect(await t.db.selectFrom('problem_report').select('id').execute()).toHaveLength(before.length);
  });

  it('limits reports per address', async () => {
    const ip = '192.0.2.55';
    for (let i = 0; i < 5; i++)
      expect((await report(path, { message: `Báo cáo số ${i + 1}` }, ip)).statusCode).toBe(303);
    const sixth = await report(path, { message: 'Báo cáo số 6' }, ip);
    expect(sixth.statusCode).toBe(429);
    expect(sixth.headers['retry-after']).toBe('3600');
    expect(sixth.body).toContain('Bạn đã gửi quá nhiều báo cáo');
    expect((await report(path, { message: 'Từ địa chỉ khác' }, '192.0.2.56')).statusCode).toBe(303);
    // Without a trusted proxy a forged X-Forwarded-For does not make a new address.
    const forged = await report(path, { message: 'Báo cáo giả địa chỉ' }, ip, { 'x-forwarded-for': '198.51.100.99' });
    expect(forged.statusCode).toBe(429);
  });
});

describe('province portal', () => {
  it('home page: counts and a search that ignores diacritics, over products and businesses', async () => {
    const home = await get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Tra cứu nguồn gốc sản phẩm');
    expect(home.body).toContain('tiêu chuẩn đã công bố');
    const byProduct = await get('/?q=me%20xung');
    expect(byProduct.body).toContain('Mè xửng');
    expect(byProduct.body).toContain(`href="/p/01/${OTHER_GTIN}"`);
    const byBusiness = await get('/?q=HTX%20THANH%20TRA');
    expect(byBusiness.body).toContain(`href="/doanh-nghiep/${orgId}"`);
    expectNoScript(byBusiness.body);
    const hostile = await get(`/?q=${encodeURIComponent('<script>alert(1)</script>')}`);
    expect(hostile.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expectNoScript(hostile.body);
    expect((await get('/?q=%25%25')).body).toContain('Không tìm thấy kết quả phù hợp');
  });

  it('business profile: public fields only, active organisations only', async () => {
    const r = await get(`/doanh-nghiep/${orgId}`);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Hợp tác xã');
    expect(r.body).toContain('Thủy Biều &quot;&gt;&lt;script&gt;');
    expect(r.body).toContain('Mè xửng');
    expectNoScript(r.body);
    for (const secret of ['bi-mat@htx.example', '0912 345 678', '3300100001']) expect(r.body).not.toContain(secret);
    const suspended = await makeOrganisation(t.db, { status: 'suspended', name: 'Cơ sở bị đình chỉ' });
    expect((await get(`/doanh-nghiep/${suspended}`)).statusCode).toBe(404);
    expect((await get('/doanh-nghiep/khong-co?lang=en')).body).toContain('Not found');
  });

  it('published standards by product group, with their guide, a JSON download and a printable guide', async () => {
    const list = await get('/tieu-chuan');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Rau, củ, quả tươi');
    const link = /href="(\/tieu-chuan\/[^"?]+)"/.exec(list.body)![1]!;
    const page = await get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Hướng dẫn áp dụng');
    expect(page.body).toContain('Các sự kiện cần ghi nhận');
    const json = await get(`${link}/ho-so.json`);
    expect(json.headers['content-disposition']).toMatch(/^attachment; filename=".+-v\d+\.json"$/);
    expect(json.json()).toHaveProperty('publicFields');
    const print = await get(`${link}/in?lang=en`);
    expect(print.body).toContain('<body class="print">');
    expect(print.body).toContain('Application guide');
    expect((await get('/tieu-chuan/khong-co')).statusCode).toBe(404);
  });
});
