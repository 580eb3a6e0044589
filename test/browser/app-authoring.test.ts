import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { loadDemoData } from '../../src/demo/index.ts';
import { ensureWebBuild } from '../../src/web/build.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { launchChromium } from './chromium.ts';
import { choose, signInWith, step } from './session-helpers.ts';

/**
 * The authoring screens in Debian's Chromium against the real server (Huế demo data): the province edits a
 * standard in the form and sees the preview change, publishes it and a business gets the new form; a business
 * imports events from the template, sees a bad row's error, fixes it and imports.
 */

let t: TestApp;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];
const signIn = signInWith(() => ({ browser, base, contexts }));

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

async function lotusFarm(): Promise<{ organisationId: string; gtin: string; gln: string }> {
  const user = await t.db
    .selectFrom('app_user')
    .select('organisation_id')
    .where('email', '=', 'sen-tinh-tam@truyxuat.demo')
    .executeTakeFirstOrThrow();
  const product = await t.db
    .selectFrom('product')
    .select('gtin')
    .where('organisation_id', '=', user.organisation_id)
    .where('name', '=', 'Hạt sen Huế Tịnh Tâm sấy khô')
    .executeTakeFirstOrThrow();
  const location = await t.db
    .selectFrom('location')
    .select('gln')
    .where('organisation_id', '=', user.organisation_id)
    .orderBy('gln')
    .executeTakeFirstOrThrow();
  return { organisationId: user.organisation_id, gtin: product.gtin, gln: location.gln };
}

describe('authoring screens', { timeout: 240_000 }, () => {
  it('a business downloads the import template, sees the error of a bad row, fixes it and imports', async () => {
    const { page, errors } = await signIn('sen-tinh-tam');
    await page.getByRole('navigation').getByRole('link', { name: 'Nhập từ tệp' }).click();
    await page.getByRole('heading', { name: 'Nhập sự kiện từ tệp' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Mẫu CSV/ }).click(),
    ]);
    const template = (await fs.readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '').split('\r\n');
    const header = `${template[0]!},tx:pond`;
    expect(header.split(',').slice(0, 6)).toEqual(['step', 'eventTime', 'timeZoneOffset', 'gtin', 'lot', 'quantity']);

    const { organisationId, gtin, gln } = await lotusFarm();
    const row = (lot: string, quantity: string) =>
      [
        'commissioning',
        '2026-06-10 06:30',
        '+07:00',
        gtin,
        lot,
        quantity,
        'KGM',
        gln,
        '',
        '',
        '',
        '2026-06-10',
        'Hồ Tịnh Tâm, ô 3',
      ].join(',');
    const upload = async (csv: string) => {
      await page.locator('#import-file').setInputFiles({
        name: 'su-kien.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv, 'utf8'),
      });
      await page.getByRole('button', { name: 'Nhập dữ liệu' }).click();
    };
    const imported = async () =>
      Number(
        (
          await t.db
            .selectFrom('epcis_event')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('owner_organisation_id', '=', organisationId)
            .where('channel', '=', 'import')
            .executeTakeFirstOrThrow()
        ).n,
      );

    await upload([header, row('SEN-IMP-1', '350'), row('SEN-IMP-2', 'nhiều')].join('\n'));
    await page.getByText(/không dòng nào được ghi/).waitFor();
    const errorRow = page.getByRole('row', { name: /quantity/ });
    expect(await errorRow.getByRole('cell').first().textContent()).toBe('3');
    await errorRow.getByText('Số lượng phải là số dương').waitFor();
    expect(await imported()).toBe(0);

    // On a slow uplink (512 bytes/s, a weak rural signal) the screen shows how much of the file has gone up.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 512,
    });
    await upload([header, row('SEN-IMP-1', '350'), row('SEN-IMP-2', '420')].join('\n'));
    await page.getByText('Đang tải tệp lên…').waitFor();
    await page.getByRole('progressbar').first().waitFor();
    await page.getByText('Đã nhập 2 dòng: ghi 2 sự kiện mới, 0 sự kiện đã có từ trước.').waitFor();
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    expect(await imported()).toBe(2);

    // Drying the two harvest lots is one production batch: the transformation template, two rows, one event.
    await page.getByRole('radio', { name: 'Chế biến (nguyên liệu → thành phẩm)' }).check();
    await page.getByText(/Các dòng cùng transformationID là một mẻ/).waitFor();
    const [batchDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Mẫu CSV/ }).click(),
    ]);
    const batchHeader = (await fs.readFile(await batchDownload.path(), 'utf8'))
      .replace(/^\uFEFF/, '')
      .split('\r\n')[0]!;
    expect(batchHeader.split(',').slice(0, 2)).toEqual(['transformationID', 'role']);
    const batchRow = (role: string, lot: string, quantity: string, bestBefore: string) =>
      ['SK-1', role, '', '2026-06-12 08:00', '', gtin, lot, quantity, 'KGM', gln, '', '', bestBefore].join(',');
    await upload(
      [
        batchHeader,
        batchRow('input', 'SEN-IMP-1', '350', ''),
        batchRow('input', 'SEN-IMP-2', '420', ''),
        batchRow('output', 'SEN-KHO-1', '500', '2027-06-12'),
      ].join('\n'),
    );
    await page.getByText('Đã nhập 3 dòng: ghi 1 sự kiện mới, 0 sự kiện đã có từ trước.').waitFor();
    expect(await imported()).toBe(3);
    expect(errors).toEqual([]);
  });

  it('the province edits a standard in the form, sees the preview change and publishes; the business gets the new form', async () => {
    const province = await signIn('so-khcn');
    await province.page.getByRole('navigation').getByRole('link', { name: 'Tiêu chuẩn' }).click();
    await province.page
      .getByRole('row', { name: /tccs-hue-lotus/ })
      .getByRole('button', { name: 'Soạn phiên bản mới' })
      .click();
    const dialog = province.page.getByRole('dialog');
    await dialog.getByText('Hồ sơ hợp lệ, có thể lưu.').waitFor();
    const preview = dialog.getByTestId('standard-preview');
    await preview.getByText('Ngày thu hoạch').waitFor();
    expect(await preview.getByText('Màu hạt sen').count()).toBe(0);

    const harvest = dialog.getByRole('group', { name: 'Thu hoạch gương sen', exact: true });
    await harvest.getByRole('button', { name: 'Thêm dữ liệu chính' }).click();
    await harvest.getByLabel('Trường (ví dụ ilmd.tx:harvestDate)').last().fill('ilmd.tx:seedColour');
    // A data element the catalogue does not know shows by its name until it has a label.
    await preview.getByText('seedColour').waitFor();
    await harvest.getByLabel('Nhãn (tiếng Việt)').last().fill('Màu hạt sen');
    await harvest.getByLabel('Nhãn (tiếng Anh)').last().fill('Seed colour');
    await preview.getByText('Màu hạt sen').waitFor();

    // A broken value is named by its field before anything is saved.
    await harvest.getByLabel('Mã công đoạn').fill('Thu Hoach');
    await dialog.getByText(/Hồ sơ có \d+ lỗi/).waitFor();
    await dialog.getByText(/ctes\.0\.id/).waitFor();
    await harvest.getByLabel('Mã công đoạn').fill('harvesting');
    await dialog.getByText('Hồ sơ hợp lệ, có thể lưu.').waitFor();

    await dialog.getByRole('button', { name: 'Lưu và công bố' }).click();
    await province.page.locator('.ant-modal-confirm').getByRole('button', { name: 'Công bố' }).click();
    await province.page.getByRole('row', { name: /tccs-hue-lotus.*Phiên bản 2.*Đã công bố/ }).waitFor();
    expect(province.errors).toEqual([]);

    const business = await signIn('sen-tinh-tam');
    await business.page.getByRole('navigation').getByRole('link', { name: 'Ghi sự kiện' }).click();
    await choose(business.page, 'Sản phẩm', 'Hạt sen Huế Tịnh Tâm sấy khô');
    await business.page.getByText(/phiên bản 2\)/).waitFor();
    await step(business.page, 'Thu hoạch gương sen');
    await business.page.getByLabel('Màu hạt sen').waitFor();
    expect(business.errors).toEqual([]);
  });

  it('the province manages product groups; the page fits a 360-pixel phone', async () => {
    const { page, errors } = await signIn('so-khcn', { width: 360, height: 740 });
    await page.goto(`${base}/app/product-groups`);
    await page.getByRole('heading', { name: 'Nhóm sản phẩm' }).waitFor();
    await page.getByRole('button', { name: 'Thêm nhóm sản phẩm' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Mã nhóm').fill('agri.lotus-tea');
    await dialog.getByLabel('Tên nhóm (tiếng Việt)').fill('Trà sen');
    await dialog.getByLabel('Tên nhóm (tiếng Anh)').fill('Lotus tea');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu nhóm agri.lotus-tea.').waitFor();
    const row = page.getByRole('row', { name: /agri\.lotus-tea/ });
    await row.getByText('Chưa có tiêu chuẩn').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    expect(errors).toEqual([]);
  });
});
