import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { ensureWebBuild } from '../../src/web/build.ts';
import { withTaxCheckDigit } from '../../src/registry/tax-code.ts';
import { makeOrganisation, signInAs, startTestApp, type TestApp } from '../helpers/app.ts';
import { launchChromium } from './chromium.ts';
import { signInOnPage } from './session-helpers.ts';

/**
 * A rejected applicant in Debian's Chromium: reads the province's reason, corrects the application on the same
 * account and submits it again; the waiting screen keeps the earlier rejection, and the province has it pending.
 */

let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let base: string;

beforeAll(async () => {
  await ensureWebBuild(() => undefined);
  t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

describe('resubmitting a rejected registration', { timeout: 240_000 }, () => {
  it('shows the reason, takes the corrected application and waits again with the rejection kept', async () => {
    const province = await signInAs(t, await makeOrganisation(t.db, { kind: 'authority' }), 'province_admin');
    let taxCode: string | undefined;
    for (let n = 330_777_001; taxCode === undefined; n++) taxCode = withTaxCheckDigit(String(n));
    const signUp = await t.app.inject({
      method: 'POST',
      url: '/api/registrations',
      payload: {
        name: 'HTX Sen Thủy Biều',
        kind: 'cooperative',
        taxCode,
        communeName: 'Phường Thủy Xuân',
        contactName: 'Lê Thị Sen',
        contactEmail: 'sen-thuy-bieu@example.vn',
        password: 'hạt-sen-2026',
      },
    });
    expect(signUp.statusCode, signUp.body).toBe(201);
    const { organisationId } = signUp.json<{ organisationId: string }>();
    const reason = 'Tên phải ghi đúng như giấy chứng nhận: Hợp tác xã';
    const rejected = await t.app.inject({
      method: 'POST',
      url: `/api/registrations/${organisationId}/reject`,
      headers: province.headers,
      payload: { reason },
    });
    expect(rejected.statusCode, rejected.body).toBe(200);

    context = await browser.newContext({
      locale: 'vi-VN',
      viewport: { width: 412, height: 900 },
      serviceWorkers: 'block',
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signInOnPage(page, base, 'sen-thuy-bieu@example.vn', 'hạt-sen-2026', 'Đăng ký chưa được duyệt');
    await page.getByText(reason, { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Sửa hồ sơ và gửi lại' }).click();
    const name = page.getByLabel('Tên cơ sở');
    await expect.poll(() => name.inputValue()).toBe('HTX Sen Thủy Biều');
    await name.fill('Hợp tác xã Sen Thủy Biều');
    await page.getByRole('button', { name: 'Gửi lại để Sở duyệt' }).click();

    await page.getByText('Đang chờ Sở duyệt').waitFor();
    await page.getByText(`Lý do: ${reason}`, { exact: false }).waitFor();
    const pending = await t.app.inject({ url: '/api/registrations?state=pending', headers: province.headers });
    expect(pending.json<{ items: { organisationId: string; name: string }[] }>().items).toContainEqual(
      expect.objectContaining({ organisationId, name: 'Hợp tác xã Sen Thủy Biều' }),
    );

    // The province's review list marks the application as sent again and shows the earlier rejection's reason.
    const provinceLogin = await t.db
      .selectFrom('app_user')
      .select('email')
      .where('id', '=', province.userId)
      .executeTakeFirstOrThrow();
    const reviewer = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
    const review = await reviewer.newPage();
    review.on('pageerror', (e) => errors.push(e.message));
    await signInOnPage(review, base, provinceLogin.email!, 'mật-khẩu-an-toàn');
    await review.goto(`${base}/app/organisations`);
    const item = review.getByRole('listitem').filter({ hasText: 'Hợp tác xã Sen Thủy Biều' });
    await item.getByText('Gửi lại lần 2').waitFor();
    await item.getByText(`Lần 1 bị từ chối ngày`, { exact: false }).waitFor();
    expect(await item.textContent()).toContain(reason);
    await reviewer.close();
    expect(errors).toEqual([]);
  });
});
