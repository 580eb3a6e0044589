import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { loadDemoData } from '../../src/demo/index.ts';
import { ensureWebBuild } from '../../src/web/build.ts';
import { apiKeyFor, startTestApp, type TestApp } from '../helpers/app.ts';
import { drainJobs } from '../helpers/epcis.ts';
import { startNationalPortalStandIn, type NationalPortalStandIn } from '../helpers/national-portal-stand-in.ts';
import { launchChromium } from './chromium.ts';
import { signInWith } from './session-helpers.ts';

/**
 * The data exchange and audit screens in Debian's Chromium against the real server (Huế demo data, a stand-in for
 * the national portal on loopback): the province enrols a business, sees the sync health and a failed record's
 * explanation and fix, verifies the audit chain; a business registers a pull connector (refused on loopback until
 * allowed, then pointed at this node's own EPCIS query interface) and sees its runs in the log.
 */

const ENV = [
  'TRUYXUAT_NATIONAL_PORTAL_URL',
  'TRUYXUAT_NATIONAL_PORTAL_CLIENT_ID',
  'TRUYXUAT_NATIONAL_PORTAL_CLIENT_SECRET',
  'TRUYXUAT_OUTBOUND_ALLOW',
] as const;
const saved: Partial<Record<(typeof ENV)[number], string>> = {};

let t: TestApp;
let portal: NationalPortalStandIn;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  for (const k of ENV) saved[k] = process.env[k];
  delete process.env.TRUYXUAT_OUTBOUND_ALLOW;
  await ensureWebBuild(() => undefined);
  portal = await startNationalPortalStandIn({
    clientId: 'hue',
    clientSecret: 'browser-test-secret',
    now: () => new Date(),
    autoActivate: true,
  });
  process.env.TRUYXUAT_NATIONAL_PORTAL_URL = portal.url;
  process.env.TRUYXUAT_NATIONAL_PORTAL_CLIENT_ID = 'hue';
  process.env.TRUYXUAT_NATIONAL_PORTAL_CLIENT_SECRET = 'browser-test-secret';
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
  await portal?.close();
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const signIn = signInWith(() => ({ browser, base, contexts }));

async function organisationOf(login: string): Promise<{ id: string; name: string }> {
  return t.db
    .selectFrom('app_user')
    .innerJoin('organisation', 'organisation.id', 'app_user.organisation_id')
    .select(['organisation.id', 'organisation.name'])
    .where('app_user.email', '=', `${login}@truyxuat.demo`)
    .executeTakeFirstOrThrow();
}

describe('data exchange and audit screens', { timeout: 240_000 }, () => {
  it('the province enrols a business, sees the sync health and the explanation of a failed record', async () => {
    const lotus = await organisationOf('sen-tinh-tam');
    const { page, errors } = await signIn('so-khcn');
    await page.getByRole('navigation').getByRole('link', { name: 'Liên thông dữ liệu' }).click();
    await page.getByRole('heading', { name: 'Liên thông dữ liệu' }).waitFor();
    await page.getByText('Chưa có tổ chức nào tham gia đồng bộ').waitFor();

    // Enrol the cooperative through the screen; the background job sends its records to the stand-in portal.
    await page.getByLabel('Thêm tổ chức tham gia').click();
    await page.getByLabel('Thêm tổ chức tham gia').fill('Tịnh Tâm');
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: lotus.name }).first().click();
    await page.getByText('Đã cập nhật việc tham gia đồng bộ.').waitFor();
    await page.getByRole('button', { name: 'Đồng bộ ngay' }).click();
    await page.getByText(/Đã xếp \d+ bản ghi vào hàng gửi/).waitFor();
    await drainJobs(t);
    expect(portal.organisations.size).toBe(1);

    await page.getByRole('button', { name: 'Tải lại' }).click();
    const health = (
      await t.app.inject({
        url: '/api/federation/national/health',
        headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
      })
    ).json();
    expect(health.configured).toBe(true);
    expect(health.totals.sent).toBeGreaterThanOrEqual(1);
    // The totals on screen are the API's.
    const sentCard = page.locator('.ant-statistic', { hasText: 'Đã gửi' }).first();
    await expect.poll(() => sentCard.locator('.ant-statistic-content').innerText()).toBe(String(health.totals.sent));
    await page.locator('tr', { hasText: lotus.name }).getByRole('switch').waitFor();

    // A failed record: the log explains in Vietnamese what the portal (or the local check) refused and how to fix it.
    await page.getByLabel('Trạng thái', { exact: true }).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'Lỗi' }).click();
    const failedRow = page.getByTestId('sync-records').locator('tr.ant-table-row', { hasText: 'Sản phẩm' }).first();
    await failedRow.getByRole('button', { name: 'Xem nhật ký' }).click();
    const log = page.getByTestId('sync-log').first();
    await log.getByText('Cách khắc phục').first().waitFor();
    await log
      .getByText(/chưa có ảnh/)
      .first()
      .waitFor();
    await log.getByText('LOCAL_IMAGE_MISSING').first().waitFor();

    // Sending it again is the province's: the record goes back to the queue.
    await failedRow.getByRole('button', { name: 'Gửi lại' }).click();
    await page.getByText('Đã xếp bản ghi để gửi lại.').waitFor();
    expect(errors).toEqual([]);
  });

  it('a business creates a connector: loopback is refused, then allowed; a failing and a working run are logged', async () => {
    const lotus = await organisationOf('sen-tinh-tam');
    const { page, errors } = await signIn('sen-tinh-tam');
    await page.goto(`${base}/app/federation?tab=connectors`);
    await page.getByText('Chưa có bộ kết nối nào.').waitFor();

    const dialog = page.getByRole('dialog');
    const fill = async (url: string) => {
      await page.getByRole('button', { name: 'Thêm bộ kết nối' }).click();
      await dialog.getByLabel('Tên').fill('Hệ thống kho lạnh');
      await dialog.getByLabel('Địa chỉ truy vấn EPCIS').fill(url);
      await dialog.getByLabel('Tham số truy vấn').fill('EQ_bizStep=shipping\nkhông hợp lệ');
      await dialog.getByRole('button', { name: 'Lưu' }).click();
      await dialog.getByText('Dòng “không hợp lệ” không có dạng TÊN=giá trị').waitFor();
      await dialog.getByLabel('Tham số truy vấn').fill('');
    };

    // The SSRF guard refuses a loopback endpoint; the message stands next to the address.
    await fill('http://127.0.0.1:9/epcis/events');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await dialog.locator('.ant-form-item-explain-error').first().waitFor();
    expect(await dialog.locator('.ant-form-item', { hasText: 'Địa chỉ truy vấn EPCIS' }).innerText()).toMatch(
      /127\.0\.0\.1|loopback|nội bộ|private|riêng/i,
    );
    await dialog.getByRole('button', { name: 'Hủy' }).click();

    // Allowed for this test: a connector on a closed port fails, and its run says why.
    process.env.TRUYXUAT_OUTBOUND_ALLOW = 'loopback';
    await fill('http://127.0.0.1:9/epcis/events');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu.').first().waitFor();
    const row = page.locator('tr.ant-table-row', { hasText: 'Hệ thống kho lạnh' });
    await row.getByRole('button', { name: 'Chạy ngay' }).click();
    await page.getByText(/Lần chạy bị lỗi/).waitFor();
    const runs = page.getByTestId('connector-runs');
    await runs.locator('tr.ant-table-row', { hasText: 'Lỗi' }).first().waitFor();
    await row.getByText('Lỗi', { exact: true }).waitFor();

    // Pointed at this node's own EPCIS query interface with an API key: the run fetches the cooperative's events
    // and stores none twice.
    const key = await apiKeyFor(t, lotus.id, ['epcis:query']);
    await row.getByRole('button', { name: 'Sửa bộ kết nối' }).click();
    await dialog.getByLabel('Địa chỉ truy vấn EPCIS').fill(`${base}/epcis/events`);
    await dialog.getByLabel('Xác thực').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'Mã truy cập (Bearer' })
      .click();
    await dialog.getByLabel('Mã truy cập', { exact: true }).fill(key.headers.authorization!.slice('Bearer '.length));
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByRole('button', { name: 'Chạy ngay' }).click();
    await page
      .getByText(/Đã chạy: \d+ sự kiện mới, \d+ trùng/)
      .first()
      .waitFor();
    const okRuns = runs.locator('tr.ant-table-row', { hasText: 'Thành công' });
    await okRuns.first().waitFor();
    const first = await t.db
      .selectFrom('connector_run')
      .select(['fetched', 'stored', 'duplicates'])
      .where('status', '=', 'ok')
      .executeTakeFirstOrThrow();
    expect(first.fetched).toBeGreaterThan(0);
    expect(first.stored + first.duplicates).toBe(first.fetched);
    expect(await okRuns.first().innerText()).toContain(String(first.fetched));
    // Run again: whatever the remote answers now is already here.
    await row.getByRole('button', { name: 'Chạy ngay' }).click();
    await expect.poll(() => okRuns.count()).toBe(2);
    const second = await t.db
      .selectFrom('connector_run')
      .select(['fetched', 'stored'])
      .where('status', '=', 'ok')
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(second.stored).toBe(0);
    await page.getByText('Đã chạy: 0 sự kiện mới', { exact: false }).first().waitFor();
    // The secret is never shown back.
    await row.getByRole('button', { name: 'Sửa bộ kết nối' }).click();
    await dialog.getByText(/Đã lưu \(bearer\); không bao giờ hiển thị lại/).waitFor();
    expect(await dialog.getByLabel('Mã truy cập', { exact: true }).inputValue()).toBe('');
    await dialog.getByRole('button', { name: 'Hủy' }).click();

    // Paused, then deleted.
    await row.getByRole('button', { name: 'Tạm dừng' }).click();
    await row.getByText('Tạm dừng', { exact: true }).first().waitFor();
    await row.getByRole('button', { name: 'Xóa' }).click();
    await page.locator('.ant-popover:visible').getByRole('button', { name: 'Xóa' }).click();
    await page.getByText('Chưa có bộ kết nối nào.').waitFor();
    expect(errors).toEqual([]);
  });

  it('the province browses the audit log, reads a daily digest and verifies the chain', async () => {
    const { page, errors } = await signIn('so-khcn');
    await page.getByRole('navigation').getByRole('link', { name: 'Nhật ký kiểm toán' }).click();
    await page.getByRole('heading', { name: 'Nhật ký kiểm toán' }).waitFor();
    // The connector the business created and deleted is in the log, with who did it.
    await page.getByLabel('Hành động').fill('federation.connector.create');
    await page.getByRole('button', { name: 'Lọc' }).click();
    await page.locator('tr.ant-table-row').first().waitFor();
    const actions = await page.locator('tr.ant-table-row .ant-tag').allInnerTexts();
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) expect(a).toBe('federation.connector.create');

    await page.getByRole('tab', { name: 'Mã tóm tắt hằng ngày' }).click();
    const digest = page.locator('tr.ant-table-row').first();
    await digest.waitFor();
    expect(await digest.locator('code').first().innerText()).toMatch(/^[0-9a-f]{64}$/);
    await expect.poll(() => page.url()).toContain('tab=digests');

    await page.getByRole('tab', { name: 'Kiểm tra chuỗi' }).click();
    await page.getByRole('button', { name: 'Kiểm tra ngay' }).click();
    await page.getByText('Chuỗi nhật ký nguyên vẹn').waitFor();
    await page.getByText(/Đã kiểm tra \d+ bản ghi/).waitFor();
    // In English the same result reads "intact".
    await page.getByLabel('Ngôn ngữ').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'English' }).click();
    await page.getByRole('button', { name: 'Verify now' }).click();
    await page.getByText('The audit chain is intact').waitFor();
    expect(errors).toEqual([]);
  });
});
