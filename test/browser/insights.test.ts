import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Browser, BrowserContext } from 'playwright-core';
import { loadDemoData } from '../../src/demo/index.ts';
import { refreshInsights } from '../../src/insights/index.ts';
import { ensureWebBuild } from '../../src/web/build.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { drainJobs } from '../helpers/epcis.ts';
import { launchChromium } from './chromium.ts';
import { signInWith } from './session-helpers.ts';

/**
 * The insights screens in Debian's Chromium against the real server with the Huế demo: the province dashboard,
 * a plan measure clicked through to its organisations, the report downloaded; the business's own dashboard.
 * Screenshots go to docs/screenshots/insights-*.png.
 */

const SHOTS = path.resolve('docs/screenshots');
let t: TestApp;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await ensureWebBuild(() => undefined);
  t = await startTestApp();
  await loadDemoData(t.db);
  // What the server's worker does after a start: the queued jobs (the lots' compliance scores among them), then
  // the counters.
  await drainJobs(t);
  await refreshInsights(t.db);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.close();
});

const signInAt = signInWith(() => ({ browser, base, contexts }));
/** The dashboards are laid out for a wide screen (downloads are accepted by default). */
const signIn = (login: string) => signInAt(login, { width: 1366, height: 900 });

describe('insights', { timeout: 240_000 }, () => {
  it('opens the province dashboard, clicks a measure through to its organisations and downloads the report', async () => {
    const { page, errors } = await signIn('so-khcn');
    await page.getByRole('link', { name: 'Số liệu tổng hợp' }).first().click();
    await page.getByRole('heading', { name: 'Tiến độ truy xuất nguồn gốc của thành phố' }).waitFor();
    await expect.poll(() => page.getByTestId('freshness').textContent()).toContain('Số liệu tổng hợp lúc');
    const trained = page.getByTestId('measure-trained');
    await expect.poll(() => trained.textContent()).toContain('tập huấn');
    // Charts and the map are drawn on canvases once ECharts (a separate chunk) has loaded. The demo's story ends
    // a few days before today, so events per week, scans per day, by product and by region all have data.
    await expect.poll(() => page.locator('canvas').count()).toBeGreaterThanOrEqual(8);
    await expect.poll(() => page.getByTestId('insights-tracing').textContent()).toMatch(/[1-9]/);
    await page.waitForTimeout(800); // let the charts' entry animation finish before the picture
    await page.screenshot({ path: path.join(SHOTS, 'insights-dashboard.png'), fullPage: true });

    await page.getByTestId('measure-trained-organisations').click();
    const drawer = page.getByRole('dialog');
    await drawer.getByText('Các cơ sở:').first().waitFor();
    const rows = drawer.locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const trainedNames = await t.db
      .selectFrom('training_attendance as a')
      .innerJoin('organisation as o', 'o.id', 'a.organisation_id')
      .select('o.name')
      .distinct()
      .execute();
    expect(await rows.count()).toBe(trainedNames.length);
    await expect.poll(() => drawer.textContent()).toContain(trainedNames[0]!.name);
    await page.screenshot({ path: path.join(SHOTS, 'insights-organisations.png') });
    await page.keyboard.press('Escape');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-pdf').click()]);
    expect(download.suggestedFilename()).toMatch(/^bao-cao-truy-xuat-quarter-\d{4}-\d{2}-01\.pdf$/);
    const file = await download.path();
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-xlsx').click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);

    // The plan ran to 2025: its targets are overdue, and the province sets a new target and deadline.
    const standards = page.getByTestId('measure-standards');
    await expect.poll(() => standards.textContent()).toContain('Quá hạn');
    await page.getByTestId('measure-standards-edit').click();
    const dialog = page.getByRole('dialog', { name: 'Sửa mục tiêu của kế hoạch' });
    await dialog.getByLabel('Chỉ tiêu', { exact: true }).fill('25');
    const deadline = dialog.getByLabel('Hạn hoàn thành');
    await deadline.click();
    await deadline.fill('31/12/2027');
    await deadline.press('Enter');
    await dialog.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu mục tiêu.').waitFor();
    await expect.poll(() => standards.textContent()).toContain('Chỉ tiêu 25 — hạn 31/12/2027');
    expect(await standards.textContent()).toContain('Đang thực hiện');
    const stored = await t.db
      .selectFrom('insight_plan_target')
      .select(['target', sql<string>`deadline::text`.as('deadline')])
      .where('measure', '=', 'standards')
      .executeTakeFirstOrThrow();
    expect({ target: Number(stored.target), deadline: stored.deadline }).toEqual({
      target: 25,
      deadline: '2027-12-31',
    });
    expect(errors).toEqual([]);
  });

  it('shows a business its own scans, alerts, stamps, gaps and the survey to answer', async () => {
    // The sesame-candy workshop: its stamps, the consumer scans of last week, the alerts they raised, a lot that
    // lacks required data.
    const { page, errors } = await signIn('me-xung');
    await page.getByRole('link', { name: 'Số liệu tổng hợp' }).first().click();
    await page.getByRole('heading', { name: /Số liệu của cơ sở/ }).waitFor();
    await page.getByTestId('survey-answer').waitFor();
    await page.getByTestId('business-alerts').getByText('Sê-ri không tồn tại').waitFor();
    await expect.poll(() => page.locator('canvas').count()).toBeGreaterThanOrEqual(1);
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(SHOTS, 'insights-business.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
