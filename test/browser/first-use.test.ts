import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DEMO_PASSWORD, loadDemoData } from '../../src/demo/index.ts';
import { ensureWebBuild } from '../../src/web/build.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { launchChromium } from './chromium.ts';

/**
 * First use, as a scripted walkthrough in the real UI: a new cooperative signs itself up from the sign-in page,
 * sees the waiting screen, the province approves it, and its administrator signs in, adds a growing area and a
 * product, and records the first harvested lot. Every click and every field filled is one step; the count and the time taken are printed (not asserted:
 * they are measurements, the assertions are on what was stored).
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

/** A GS1 number with its check digit appended (GTIN-13, GLN). */
function withCheckDigit(body: string): string {
  const sum = [...body].reverse().reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 3 : 1), 0);
  return body + String((10 - (sum % 10)) % 10);
}

/** Counts what a person does: clicks, fields filled, options picked (two clicks). */
class Walkthrough {
  steps = 0;
  readonly log: string[] = [];
  constructor(readonly page: Page) {}

  async click(locator: Locator, what: string): Promise<void> {
    this.steps++;
    this.log.push(`click ${what}`);
    await locator.click();
  }
  async fill(locator: Locator, text: string, what: string): Promise<void> {
    this.steps++;
    this.log.push(`type ${what}`);
    await locator.fill(text);
  }
  async choose(label: string | RegExp, option: string | RegExp, what: string): Promise<void> {
    this.steps += 2;
    this.log.push(`pick ${what}`);
    await this.page.getByLabel(label).click();
    await this.page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option })
      .first()
      .click();
  }
}

describe('first use', { timeout: 240_000 }, () => {
  it('a new cooperative signs up, is approved, adds a product and records its first lot', async () => {
    const context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
    });
    const w = new Walkthrough(page);
    const started = Date.now();

    // The cooperative signs itself up from the sign-in page.
    await page.goto(`${base}/app/`);
    await w.click(page.getByRole('link', { name: 'Chưa có tài khoản? Đăng ký cho cơ sở của bạn' }), 'sign up');
    await w.fill(page.getByLabel('Tên cơ sở'), 'HTX Rau hữu cơ Thủy Biều', 'name');
    await w.fill(page.getByLabel('Mã số thuế'), '3301234568', 'tax code');
    await w.fill(page.getByLabel('Xã/phường', { exact: true }), 'Phường Thủy Biều', 'commune');
    await w.fill(page.getByLabel('Họ và tên người liên hệ'), 'Lê Thị Thủy', 'contact name');
    await w.fill(page.getByLabel('Số điện thoại'), '0905123456', 'phone');
    await w.fill(page.getByLabel('Mật khẩu', { exact: true }), 'rau-sach-2026', 'password');
    await w.fill(page.getByLabel('Nhập lại mật khẩu'), 'rau-sach-2026', 'password again');
    await w.click(page.getByRole('button', { name: 'Gửi đăng ký' }), 'send');
    await page.getByText('Đã gửi đăng ký').waitFor();
    await w.click(page.getByRole('button', { name: 'Đăng nhập' }), 'to sign-in');

    // Before approval the applicant signs in to a waiting screen, with nothing else to do.
    await w.fill(page.getByLabel('Thư điện tử hoặc số điện thoại'), '0905123456', 'login');
    await w.fill(page.getByLabel('Mật khẩu'), 'rau-sach-2026', 'password');
    await w.click(page.getByRole('button', { name: 'Đăng nhập' }), 'sign in');
    await page.getByText('Đang chờ Sở duyệt').waitFor();
    expect(await page.getByRole('navigation').count()).toBe(0);
    await w.click(page.getByRole('button', { name: 'Đăng xuất' }), 'sign out');

    // The province approves the registration (counted: it is part of the time to first lot, though not the
    // business's clicks).
    await w.fill(page.getByLabel('Thư điện tử hoặc số điện thoại'), 'so-khcn@truyxuat.demo', 'province login');
    await w.fill(page.getByLabel('Mật khẩu'), DEMO_PASSWORD, 'province password');
    await w.click(page.getByRole('button', { name: 'Đăng nhập' }), 'province sign in');
    await w.click(page.getByRole('navigation').getByRole('link', { name: 'Tổ chức', exact: true }), 'menu');
    await w.click(
      page.getByRole('listitem').filter({ hasText: 'HTX Rau hữu cơ Thủy Biều' }).getByRole('button', { name: 'Duyệt' }),
      'approve',
    );
    await page.getByText('Đã duyệt HTX Rau hữu cơ Thủy Biều.').waitFor();
    await w.click(page.getByRole('button', { name: 'Đăng xuất' }), 'province sign out');

    // The cooperative's administrator: sign in, a growing area, a product, the first harvest.
    await w.fill(page.getByLabel('Thư điện tử hoặc số điện thoại'), '0905123456', 'login');
    await w.fill(page.getByLabel('Mật khẩu'), 'rau-sach-2026', 'password');
    await w.click(page.getByRole('button', { name: 'Đăng nhập' }), 'sign in');
    await page.getByRole('heading', { name: /Xin chào/ }).waitFor();

    await w.click(page.getByRole('navigation').getByRole('link', { name: 'Địa điểm' }), 'menu');
    await w.click(page.getByRole('button', { name: 'Thêm địa điểm' }), 'add location');
    const gln = withCheckDigit('893600100001');
    await w.fill(page.getByRole('dialog').getByLabel('GLN'), gln, 'GLN');
    await w.fill(page.getByRole('dialog').getByLabel('Tên địa điểm'), 'Ruộng rau Thủy Biều', 'location name');
    await w.click(page.getByRole('dialog').getByRole('button', { name: 'Lưu' }), 'save');
    await page.getByText('Đã thêm địa điểm Ruộng rau Thủy Biều.').waitFor();

    await w.click(page.getByRole('navigation').getByRole('link', { name: 'Sản phẩm' }), 'menu');
    await w.click(page.getByRole('button', { name: 'Thêm sản phẩm' }), 'add product');
    const gtin = withCheckDigit('893600100010');
    await w.fill(page.getByRole('dialog').getByLabel('GTIN'), gtin, 'GTIN');
    await w.fill(page.getByRole('dialog').getByLabel('Tên sản phẩm', { exact: true }), 'Rau má Thủy Biều', 'name');
    await w.choose('Nhóm sản phẩm', '(agri.fruit-veg)', 'product group');
    await w.click(page.getByRole('dialog').getByRole('button', { name: 'Lưu' }), 'save');
    await page.getByText('Đã thêm sản phẩm Rau má Thủy Biều.').waitFor();

    await w.click(
      page.getByRole('row', { name: /Rau má Thủy Biều/ }).getByRole('link', { name: 'Ghi sự kiện' }),
      'record',
    );
    await page.getByLabel('Số lô mới').waitFor();
    await w.fill(page.getByLabel('Số lô mới'), 'RM-0001', 'lot');
    await w.fill(page.getByLabel('Số lượng', { exact: true }), '40', 'quantity');
    await w.choose('Đơn vị', 'KGM', 'unit');
    await w.click(page.getByRole('button', { name: 'Ghi sự kiện' }), 'record');
    // Whatever the product group's standard asks for beyond that is asked for now, one field per step.
    await page
      .getByText(/^Đã ghi sự kiện|^Vui lòng nhập/)
      .first()
      .waitFor();
    for (let round = 0; round < 5; round++) {
      if ((await page.getByText(/^Đã ghi sự kiện/).count()) > 0) break;
      const missing = page.locator('.ant-form-item-has-error');
      const count = await missing.count();
      if (count === 0) break;
      for (let i = 0; i < count; i++) {
        const input = missing.nth(i).locator('input, textarea').first();
        await w.fill(input, `Giá trị ${i + 1}`, 'required field');
      }
      await w.click(page.getByRole('button', { name: 'Ghi sự kiện' }), 'record');
      await page.waitForTimeout(500);
    }
    await page.getByText(/^Đã ghi sự kiện/).waitFor();
    const elapsed = Date.now() - started;

    const organisation = await t.db
      .selectFrom('organisation')
      .select(['id', 'status', 'tax_code'])
      .where('name', '=', 'HTX Rau hữu cơ Thủy Biều')
      .executeTakeFirstOrThrow();
    expect(organisation).toMatchObject({ status: 'active', tax_code: '3301234568' });
    const registration = await t.db
      .selectFrom('organisation_registration')
      .select('decision')
      .where('organisation_id', '=', organisation.id)
      .executeTakeFirstOrThrow();
    expect(registration.decision).toBe('approved');
    const product = await t.db
      .selectFrom('product')
      .select('gtin')
      .where('organisation_id', '=', organisation.id)
      .executeTakeFirstOrThrow();
    expect(product.gtin).toBe(`0${gtin}`);
    const events = await t.db
      .selectFrom('epcis_event')
      .select(['biz_step', 'document'])
      .where('owner_organisation_id', '=', organisation.id)
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.biz_step).toBe('commissioning');
    const doc = events[0]!.document as { quantityList: { epcClass: string; quantity: number }[] };
    expect(doc.quantityList[0]).toMatchObject({ quantity: 40 });
    expect(doc.quantityList[0]!.epcClass).toMatch(new RegExp(`/01/0${gtin}/10/RM-0001$`));
    expect(errors).toEqual([]);

    console.log(
      `first use: ${w.steps} steps (clicks, fields typed, options picked as two) in ${(elapsed / 1000).toFixed(1)} s\n  ` +
        w.log.join('\n  '),
    );
  });
});
