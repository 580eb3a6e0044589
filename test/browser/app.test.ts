import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { loadDemoData } from '../../src/demo/index.ts';
import { ensureWebBuild } from '../../src/web/build.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { launchChromium } from './chromium.ts';
import { choose, signInWith, step } from './session-helpers.ts';

/**
 * The back-office app in Debian's Chromium against the real server (fresh database, Huế demo data): sign-in,
 * language, products, guided event forms, shipment confirmation, mock recall, standards publishing.
 */

let t: TestApp;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await ensureWebBuild(() => undefined);
  t = await startTestApp();
  await loadDemoData(t.db);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.close();
});

const signIn = signInWith(() => ({ browser, base, contexts }));

async function organisationId(key: string): Promise<string> {
  const row = await t.db
    .selectFrom('app_user')
    .select('organisation_id')
    .where('email', '=', `${key}@truyxuat.demo`)
    .executeTakeFirstOrThrow();
  return row.organisation_id;
}

describe('back-office app', { timeout: 240_000 }, () => {
  it('serves the build at /app: hashed assets immutable, pages no-cache, client routes fall back to index.html', async () => {
    const index = await fetch(`${base}/app/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
    // A production bundle (a development one would skip the service worker).
    expect(await asset.text()).not.toContain('Download the React DevTools');

    const route = await fetch(`${base}/app/recalls/123`);
    expect([route.status, route.headers.get('cache-control'), await route.text()]).toEqual([200, 'no-cache', html]);
    const worker = await fetch(`${base}/app/sw.js`);
    expect([worker.status, worker.headers.get('cache-control'), worker.headers.get('service-worker-allowed')]).toEqual([
      200,
      'no-cache',
      '/app/',
    ]);
    expect(await worker.text()).not.toContain('__PRECACHE_MANIFEST__');
    for (const missing of ['/app/assets/nope.js', '/app/logo.png', '/app/..%2f..%2fpackage.json']) {
      const response = await fetch(`${base}${missing}`, { headers: { 'accept-language': 'vi' } });
      expect(response.status, missing).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('signs in, adapts the navigation to the role, switches language and signs out', async () => {
    const { page, errors } = await signIn('sen-tinh-tam');
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Ghi sự kiện' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Tổ chức', exact: true }).count()).toBe(0);
    await page.getByText('Hợp tác xã Sen Huế Tịnh Tâm').first().waitFor();

    await choose(page, 'Ngôn ngữ', 'English');
    await page.getByRole('heading', { name: /Hello/ }).waitFor();
    await nav.getByRole('link', { name: 'Record an event' }).waitFor();
    // The choice survives a reload (kept on the device).
    await page.reload();
    await page.getByRole('heading', { name: /Hello/ }).waitFor();
    await choose(page, 'Language', 'Tiếng Việt');
    await page.getByRole('heading', { name: /Xin chào/ }).waitFor();

    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
    expect(errors).toEqual([]);

    const province = await signIn('so-khcn');
    await province.page.getByRole('navigation').getByRole('link', { name: 'Tổ chức', exact: true }).waitFor();
    expect(await province.page.getByRole('navigation').getByRole('link', { name: 'Ghi sự kiện' }).count()).toBe(0);
  });

  it('shows a wrong sign-in as a readable message', async () => {
    const context = await browser.newContext({ locale: 'vi-VN' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/app/`);
    await page.getByLabel('Thư điện tử hoặc số điện thoại').fill('sen-tinh-tam@truyxuat.demo');
    await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/đăng nhập|Cần đăng nhập|không/i);
  });

  it('creates a product; a GTIN with a wrong check digit is explained next to the field', async () => {
    const { page, errors } = await signIn('sen-tinh-tam');
    await page.getByRole('navigation').getByRole('link', { name: 'Sản phẩm' }).click();
    await page.getByText('Hạt sen Huế Tịnh Tâm sấy khô').waitFor();
    await page.getByRole('button', { name: 'Thêm sản phẩm' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('GTIN').fill('8930000099998');
    await dialog.getByLabel('Tên sản phẩm', { exact: true }).fill('Trà tim sen Tịnh Tâm');
    await choose(page, 'Nhóm sản phẩm', '(agri.lotus)');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    const gtinError = dialog.locator('#product_gtin_help');
    await gtinError.waitFor();
    expect((await gtinError.textContent())?.length).toBeGreaterThan(5);

    // A valid GTIN: 893 + 9 digits + its check digit.
    const body = '893000009999';
    const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
    const gtin = body + String((10 - (sum % 10)) % 10);
    await dialog.getByLabel('GTIN').fill(gtin);
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã thêm sản phẩm Trà tim sen Tịnh Tâm.').waitFor();
    await page.getByRole('cell', { name: /Trà tim sen Tịnh Tâm/ }).waitFor();
    const stored = await t.db
      .selectFrom('product')
      .select(['gtin', 'group_code'])
      .where('name', '=', 'Trà tim sen Tịnh Tâm')
      .execute();
    expect(stored).toEqual([{ gtin: `0${gtin}`, group_code: 'agri.lotus' }]);
    expect(errors).toEqual([]);
  });

  it('records a harvest and a shipment through the guided form; the receiver confirms the shipment', async () => {
    const { page, errors } = await signIn('sen-tinh-tam');
    await page.getByRole('navigation').getByRole('link', { name: 'Ghi sự kiện' }).click();
    await choose(page, 'Sản phẩm', 'Hạt sen Huế Tịnh Tâm sấy khô');
    // The form follows the lotus standard: the harvest asks the harvest date (filled in) and the pond.
    await page.getByText(/Tiêu chuẩn áp dụng: TCCS/).waitFor();
    await step(page, 'Thu hoạch gương sen');
    await page.getByLabel('Ngày thu hoạch').waitFor();
    // Dates are shown the Vietnamese way, day first.
    expect(await page.getByLabel('Ngày thu hoạch').inputValue()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(await page.getByLabel('Thời điểm').inputValue()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await page.getByLabel('Số lô mới').fill('TT-UI-01');
    await page.getByLabel('Số lượng', { exact: true }).fill('120');
    await choose(page, 'Đơn vị', 'KGM');
    await page.getByRole('button', { name: 'Ghi sự kiện' }).click();
    // The pond is required by the standard: the form says so before anything is sent.
    await page.getByText('Vui lòng nhập Ao, hồ, ô nuôi trồng.').waitFor();
    await page.getByLabel('Ao, hồ, ô nuôi trồng').fill('Hồ Tịnh Tâm, ô 7');
    await page.getByRole('button', { name: 'Ghi sự kiện' }).click();
    await page.getByText('Đã ghi sự kiện Thu hoạch gương sen.').waitFor();

    const harvest = await t.db
      .selectFrom('epcis_event')
      .select(['document', 'biz_step', 'event_id'])
      .where('biz_step', '=', 'commissioning')
      .where('event_id', 'like', 'urn:uuid:%')
      .execute();
    expect(harvest).toHaveLength(1);
    const doc = harvest[0]!.document as {
      ilmd: Record<string, string>;
      quantityList: { epcClass: string; quantity: number; uom: string }[];
    };
    expect(doc.ilmd).toMatchObject({ 'tx:pond': 'Hồ Tịnh Tâm, ô 7' });
    expect(doc.ilmd['tx:harvestDate']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(doc.quantityList[0]).toMatchObject({ quantity: 120, uom: 'KGM' });
    expect(doc.quantityList[0]!.epcClass).toMatch(/\/10\/TT-UI-01$/);

    // Shipping: the last lot is filled in; the receiver is a registered organisation.
    await step(page, 'Xuất hàng');
    const lot = page.getByLabel('Số lô', { exact: true });
    await expect.poll(() => lot.inputValue()).toBe('TT-UI-01');
    await page.getByLabel('Số lượng', { exact: true }).fill('100');
    await choose(page, 'Đơn vị', 'KGM');
    await choose(page, 'Bên nhận hàng', 'Cửa hàng Đặc sản Huế Đông Ba');
    await page.getByLabel('Số phiếu xuất (phiếu giao hàng)').fill('XH-UI-0001');
    await page.getByRole('button', { name: 'Ghi sự kiện' }).click();
    await page.getByText('Đã ghi sự kiện Xuất hàng.').waitFor();
    expect(errors).toEqual([]);

    const receiver = await signIn('dong-ba');
    await receiver.page.getByRole('navigation').getByRole('link', { name: 'Xuất / nhận hàng' }).click();
    const row = receiver.page.getByRole('row', { name: /TT-UI-01/ });
    await row.getByText('Chờ xác nhận').waitFor();
    await row.getByRole('button', { name: 'Xác nhận đã nhận' }).click();
    const dialog = receiver.page.getByRole('dialog');
    await dialog.getByLabel(/Số lượng thực nhận/).fill('100');
    await dialog.getByRole('button', { name: 'Xác nhận đã nhận' }).click();
    await receiver.page.getByText('Đã xác nhận nhận hàng.').waitFor();
    await receiver.page
      .getByRole('row', { name: /TT-UI-01/ })
      .getByText('Đã xác nhận')
      .waitFor();

    const dongBa = await organisationId('dong-ba');
    const receipts = await t.db
      .selectFrom('epcis_event')
      .select('document')
      .where('biz_step', '=', 'receiving')
      .where('owner_organisation_id', '=', dongBa)
      .where('event_id', 'like', 'urn:uuid:%')
      .execute();
    expect(receipts).toHaveLength(1);
    const receipt = receipts[0]!.document as { bizTransactionList: { bizTransaction: string }[] };
    expect(receipt.bizTransactionList[0]!.bizTransaction).toMatch(/:XH-UI-0001$/);
    expect(receiver.errors).toEqual([]);
  });

  it('orders stamps, prints them as a PDF whose QR codes decode to the product’s Digital Link, and activates them', async () => {
    const { page, errors } = await signIn('sen-tinh-tam');
    await page.getByRole('navigation').getByRole('link', { name: 'Tem truy xuất' }).click();
    await page.getByRole('button', { name: 'Đặt tem' }).click();
    const dialog = page.getByRole('dialog');
    await choose(page, 'Sản phẩm', 'Hạt sen Huế Tịnh Tâm sấy khô');
    await dialog.getByLabel('Số tem').fill('6');
    await dialog.getByRole('button', { name: 'Đặt tem' }).click();
    await page.getByText('Đã tạo lô 6 tem.').waitFor();
    // Batches are listed latest first.
    const batch = page.getByRole('row').nth(1);
    await batch.getByText('6 chưa kích hoạt').waitFor();

    const href = await batch.getByRole('link', { name: 'In tem (PDF)' }).getAttribute('href');
    const pdf = await page.request.get(`${base}${href}`);
    expect([pdf.status(), pdf.headers()['content-type']]).toEqual([200, 'application/pdf']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tem-'));
    fs.writeFileSync(path.join(dir, 'tem.pdf'), await pdf.body());
    execFileSync('pdftoppm', ['-r', '200', '-png', '-f', '1', '-l', '1', 'tem.pdf', 'page'], { cwd: dir });
    const image = fs.readdirSync(dir).find((f) => f.endsWith('.png'))!;
    const decoded = execFileSync('zbarimg', ['-q', '--raw', image], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
    fs.rmSync(dir, { recursive: true });
    const gtin = (
      await t.db
        .selectFrom('product')
        .select('gtin')
        .where('name', '=', 'Hạt sen Huế Tịnh Tâm sấy khô')
        .executeTakeFirstOrThrow()
    ).gtin;
    expect(decoded).toHaveLength(6);
    for (const uri of decoded) expect(uri).toMatch(new RegExp(`/01/${gtin}/21/[^/]+$`));

    await batch.getByRole('button', { name: 'Kích hoạt cho lô' }).click();
    await page.getByRole('dialog').getByLabel('Số lô').fill('HS-2606');
    await page.getByRole('dialog').getByRole('button', { name: 'Kích hoạt cho lô' }).click();
    await page.getByText('Đã kích hoạt 6 tem cho lô HS-2606.').waitFor();
    await page.getByRole('row').nth(1).getByText('6 đã kích hoạt').waitFor();
    expect(errors).toEqual([]);
  });

  it('opens a mock recall, shows its stopwatch, and links its PDF report', async () => {
    const { page, errors } = await signIn('sen-tinh-tam');
    await page.getByRole('navigation').getByRole('link', { name: 'Thu hồi' }).click();
    await page.getByRole('button', { name: 'Mở đợt thu hồi' }).click();
    const gtin = (
      await t.db
        .selectFrom('product')
        .select('gtin')
        .where('name', '=', 'Hạt sen Huế Tịnh Tâm sấy khô')
        .executeTakeFirstOrThrow()
    ).gtin;
    const dialog = page.getByRole('dialog');
    // A keyboard-wedge scanner types the lot's GS1 code (AIM prefix, element string) and Enter: the lot joins the list.
    await dialog.getByLabel('Quét mã lô cần thu hồi').click();
    await page.keyboard.type(`]Q301${gtin}10HS-2606`);
    await page.keyboard.press('Enter');
    await page.getByText('Đã thêm lô HS-2606.').waitFor();
    expect(await dialog.getByLabel('Lô bị thu hồi').inputValue()).toBe(`https://id.gs1.org/01/${gtin}/10/HS-2606`);
    await dialog.getByLabel('Quét mã lô cần thu hồi').click();
    await page.keyboard.type(`https://id.gs1.org/01/${gtin}/10/HS-2606`);
    await page.keyboard.press('Enter');
    await page.getByText('Lô HS-2606 đã có trong danh sách.').waitFor();
    expect(await dialog.getByLabel('Lô bị thu hồi').inputValue()).toBe(`https://id.gs1.org/01/${gtin}/10/HS-2606`);
    await dialog.getByLabel('Lý do').fill('Diễn tập thu hồi định kỳ');
    await dialog.getByRole('button', { name: 'Mở đợt thu hồi' }).click();
    await page.getByText('Đã mở đợt thu hồi.').waitFor();
    await page.getByText('Đồng hồ thu hồi').waitFor();
    await page.getByTestId('stopwatch-total').waitFor();
    await page.getByText('Xác định phạm vi').waitFor();
    const link = page.getByRole('link', { name: 'Báo cáo PDF' });
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/api\/recalls\/[^/]+\/report\.pdf\?lang=vi$/);
    const pdf = await page.request.get(`${base}${href}`);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(errors).toEqual([]);
  });

  it('the province publishes a new standard version and the business form asks for the new data element', async () => {
    const province = await signIn('so-khcn');
    await province.page.getByRole('navigation').getByRole('link', { name: 'Tiêu chuẩn' }).click();
    const row = province.page.getByRole('row', { name: /tccs-hue-lotus/ });
    await row.getByRole('button', { name: 'Soạn phiên bản mới' }).click();
    const dialog = province.page.getByRole('dialog');
    await dialog.getByRole('tab', { name: 'JSON' }).click();
    const editor = dialog.getByLabel('Hồ sơ tiêu chuẩn (JSON)');
    await expect.poll(async () => (await editor.inputValue()).length).toBeGreaterThan(100);
    const document = JSON.parse(await editor.inputValue());
    expect(document.version).toBe(2);
    const harvesting = document.ctes.find((c: { id: string }) => c.id === 'harvesting');
    harvesting.kdes.push({ path: 'ilmd.tx:variety', requirement: 'required' });
    await editor.fill(JSON.stringify(document, null, 2));
    await dialog.getByText('Hồ sơ hợp lệ, có thể lưu.').waitFor();
    await dialog.getByRole('button', { name: 'Lưu bản nháp' }).click();
    await province.page.getByText('Đã lưu bản nháp tccs-hue-lotus@2.').waitFor();
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Đóng' }).click();
    await province.page
      .getByRole('row', { name: /tccs-hue-lotus.*Bản nháp/ })
      .getByRole('button', { name: 'Công bố' })
      .click();
    await province.page
      .getByText(/Đã công bố/)
      .first()
      .waitFor();
    expect(province.errors).toEqual([]);

    const business = await signIn('sen-tinh-tam');
    await business.page.getByRole('navigation').getByRole('link', { name: 'Ghi sự kiện' }).click();
    await choose(business.page, 'Sản phẩm', 'Hạt sen Huế Tịnh Tâm sấy khô');
    await business.page.getByText(/phiên bản 2\)/).waitFor();
    await step(business.page, 'Thu hoạch gương sen');
    await business.page.getByLabel('Giống').waitFor();
    expect(business.errors).toEqual([]);
  });

  it('is usable on a 360-pixel phone: the menu opens from its button', async () => {
    const { page, errors } = await signIn('sen-tinh-tam', { width: 360, height: 740 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.getByRole('button', { name: 'Mở menu' }).click();
    await page.getByRole('dialog').getByRole('link', { name: 'Xuất / nhận hàng' }).click();
    await page.getByRole('heading', { name: 'Xuất / nhận hàng' }).waitFor();
    expect(errors).toEqual([]);
  });
});
