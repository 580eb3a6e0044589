import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadDemoData } from '../../src/demo/index.ts';
import { withCheckDigit } from '../../src/identifiers/check-digit.ts';
import { ensureWebBuild } from '../../src/web/build.ts';
import { HUE_VIEW, project, VIEW_HEIGHT, VIEW_WIDTH } from '../../web/src/map/view.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { launchChromium } from './chromium.ts';
import { signInWith } from './session-helpers.ts';

/**
 * The locations screen's map in Debian's Chromium against the real server (Huế demo data): a business sees its
 * located places on the map, picks a new place's position with a click (a drag only moves the map), saves it,
 * edits it with the keyboard and clears it; the map fits a 360-px phone.
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

/** The page coordinates of a map point, from the map's own projection and the SVG's box on screen. */
async function screenPoint(page: Page, latitude: number, longitude: number): Promise<{ x: number; y: number }> {
  const box = (await page.getByRole('application', { name: 'Bản đồ chọn vị trí' }).boundingBox())!;
  const { x, y } = project(HUE_VIEW, { latitude, longitude });
  return { x: box.x + (x / VIEW_WIDTH) * box.width, y: box.y + (y / VIEW_HEIGHT) * box.height };
}

async function locationByGln(gln: string) {
  return t.db
    .selectFrom('location')
    .select(['latitude', 'longitude', 'name'])
    .where('gln', '=', gln)
    .executeTakeFirstOrThrow();
}

describe('locations map', { timeout: 240_000 }, () => {
  it('shows the located places, picks a position by click, keeps it through a drag, edits and clears it', async () => {
    const { page, errors } = await signIn('sen-tinh-tam');
    await page.getByRole('navigation').getByRole('link', { name: 'Địa điểm' }).click();
    await page.getByRole('heading', { name: 'Địa điểm' }).waitFor();
    await page.getByRole('row').nth(1).waitFor();

    // The map view draws every location that has coordinates.
    const organisation = await t.db
      .selectFrom('app_user')
      .select('organisation_id')
      .where('email', '=', 'sen-tinh-tam@truyxuat.demo')
      .executeTakeFirstOrThrow();
    const located = await t.db
      .selectFrom('location')
      .select('name')
      .where('organisation_id', '=', organisation.organisation_id)
      .where('latitude', 'is not', null)
      .where('status', '=', 'active')
      .execute();
    expect(located.length).toBeGreaterThan(0);
    await page.getByText('Bản đồ', { exact: true }).click();
    const viewer = page.getByRole('application', { name: 'Bản đồ các địa điểm' });
    await viewer.waitFor();
    await expect.poll(() => viewer.getByTestId('map-point').count()).toBe(located.length);
    expect(await viewer.locator('[data-country="Vietnam"]').count()).toBe(1);

    // A new location: a click on Huế's citadel sets its coordinates.
    await page.getByRole('button', { name: 'Thêm địa điểm' }).click();
    const dialog = page.getByRole('dialog');
    const gln = withCheckDigit('893999177001');
    await dialog.getByLabel('GLN').fill(gln);
    await dialog.getByLabel('Tên địa điểm').fill('Vườn sen Kim Long');
    await dialog.getByRole('button', { name: 'Về Huế' }).click();
    const citadel = await screenPoint(page, 16.4637, 107.5909);
    await page.mouse.click(citadel.x, citadel.y);
    await expect.poll(async () => Number(await dialog.getByLabel('Vĩ độ').inputValue())).toBeCloseTo(16.4637, 2);
    expect(Number(await dialog.getByLabel('Kinh độ').inputValue())).toBeCloseTo(107.5909, 2);
    await dialog
      .getByTestId('map-status')
      .getByText(/^Vị trí đã chọn: 16,46\d\d° B, 107,5\d\d\d° Đ$/)
      .waitFor();
    const picked = Number(await dialog.getByLabel('Vĩ độ').inputValue());

    // A drag moves the map, not the chosen position.
    await page.mouse.move(citadel.x - 60, citadel.y + 30);
    await page.mouse.down();
    await page.mouse.move(citadel.x + 20, citadel.y + 10, { steps: 5 });
    await page.mouse.up();
    expect(Number(await dialog.getByLabel('Vĩ độ').inputValue())).toBe(picked);

    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã thêm địa điểm Vườn sen Kim Long.').waitFor();
    const saved = await locationByGln(gln);
    expect(Number(saved.latitude)).toBeCloseTo(16.4637, 2);
    expect(Number(saved.longitude)).toBeCloseTo(107.5909, 2);

    // Editing: the map opens on the saved position; the keyboard moves the map and Enter sets its centre.
    await page.getByRole('button', { name: 'Sửa Vườn sen Kim Long' }).click();
    await dialog.getByTestId('map-chosen').waitFor();
    expect(await dialog.getByLabel('GLN').isDisabled()).toBe(true);
    const map = dialog.getByRole('application', { name: 'Bản đồ chọn vị trí' });
    await map.focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(async () => Number(await dialog.getByLabel('Vĩ độ').inputValue())).toBeGreaterThan(16.4637);
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu địa điểm Vườn sen Kim Long.').waitFor();
    expect(Number((await locationByGln(gln)).latitude)).toBeGreaterThan(16.4637);

    // Clearing the position clears it on the server.
    await page.getByRole('button', { name: 'Sửa Vườn sen Kim Long' }).click();
    await dialog.getByRole('button', { name: 'Bỏ vị trí' }).click();
    await dialog.getByTestId('map-status').getByText('Chưa chọn vị trí trên bản đồ.').waitFor();
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const cleared = await locationByGln(gln);
    expect(cleared.latitude).toBeNull();
    expect(cleared.longitude).toBeNull();
    expect(errors).toEqual([]);
  });

  it('fits a 360-px phone', async () => {
    const { page, errors } = await signIn('sen-tinh-tam', { width: 360, height: 740 });
    await page.goto(`${base}/app/locations`);
    await page.getByRole('heading', { name: 'Địa điểm' }).waitFor();
    await page.getByText('Bản đồ', { exact: true }).click();
    const box = (await page.getByRole('application', { name: 'Bản đồ các địa điểm' }).boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(360);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    expect(errors).toEqual([]);
  });
});
