import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadDemoData } from '../../src/demo/index.ts';
import { ensureWebBuild } from '../../src/web/build.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { launchChromium } from './chromium.ts';
import { openUnderServiceWorker, signInOnPage } from './session-helpers.ts';

/**
 * Offline capture: the app (service worker + IndexedDB outbox) records events with no connection, keeps them
 * across a reload, and sends each exactly once when the connection returns — also when an answer is lost and
 * the same record is sent again.
 */

let t: TestApp;
let browser: Browser;
let context: BrowserContext;
let base: string;

beforeAll(async () => {
  await ensureWebBuild(() => undefined);
  t = await startTestApp();
  await loadDemoData(t.db);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await t?.close();
});

async function harvest(page: Page, lot: string, quantity: string): Promise<void> {
  await page.getByLabel('Số lô mới').fill(lot);
  await page.getByLabel('Số lượng', { exact: true }).fill(quantity);
  await page.getByLabel('Ao, hồ, ô nuôi trồng').fill('Hồ Tịnh Tâm, ô 2');
  await page.getByRole('button', { name: 'Ghi sự kiện' }).click();
}

async function eventsOfLots(lots: readonly string[]): Promise<{ event_id: string; lot: string }[]> {
  const rows = await t.db
    .selectFrom('epcis_event')
    .select(['event_id', 'document'])
    .where('biz_step', '=', 'commissioning')
    .where('event_id', 'like', 'urn:uuid:%')
    .execute();
  return rows
    .map((r) => {
      const epcClass = String(
        (r.document as { quantityList?: { epcClass: string }[] }).quantityList?.[0]?.epcClass ?? '',
      );
      return { event_id: r.event_id, lot: decodeURIComponent(epcClass.split('/10/')[1] ?? '') };
    })
    .filter((r) => lots.includes(r.lot));
}

/**
 * Scripts run in the page. They are plain JavaScript text: the root TypeScript project has no DOM library, and the
 * browser's IndexedDB is what the test inspects.
 */
const OPEN_DB = `new Promise((resolve, reject) => {
  const request = indexedDB.open('truyxuat');
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
})`;
const READ_OUTBOX = `(async () => {
  const db = await ${OPEN_DB};
  return new Promise((resolve) => {
    const all = db.transaction('outbox').objectStore('outbox').getAll();
    all.onsuccess = () => resolve(all.result);
  });
})()`;

interface StoredRecord {
  id: string;
  label: string;
  attempts: number;
  state: string;
  organisationId: string;
  event: Record<string, unknown>;
}

async function readOutbox(page: Page): Promise<StoredRecord[]> {
  return page.evaluate<StoredRecord[]>(READ_OUTBOX);
}

describe('offline capture', { timeout: 240_000 }, () => {
  it('records three events with no connection, keeps them over a reload, and stores each once when back online', async () => {
    context = await browser.newContext({ locale: 'vi-VN', viewport: { width: 412, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    await signInOnPage(page, base, 'sen-tinh-tam@truyxuat.demo');

    const product = await t.db
      .selectFrom('product')
      .select('id')
      .where('name', '=', 'Hạt sen Huế Tịnh Tâm sấy khô')
      .executeTakeFirstOrThrow();
    const formUrl = `${base}/app/record?product=${product.id}&step=harvesting`;
    // The service worker installs on the first visit; the second visit, under its control, keeps the form's data.
    await openUnderServiceWorker(page, formUrl, 'Ao, hồ, ô nuôi trồng');
    expect(await page.evaluate('navigator.serviceWorker.controller !== null')).toBe(true);

    await context.setOffline(true);
    const lots = ['OFF-1', 'OFF-2', 'OFF-3'];
    for (const [i, lot] of lots.entries()) {
      await harvest(page, lot, String(10 + i));
      await page.getByText('Đã lưu Thu hoạch gương sen trên máy').last().waitFor();
    }

    await page.reload();
    await page.getByLabel('Ao, hồ, ô nuôi trồng').waitFor();
    await page.goto(`${base}/app/outbox`);
    await page.getByTestId('outbox-pending').getByText('3 sự kiện chờ gửi').waitFor();
    expect(await eventsOfLots(lots)).toEqual([]);

    await context.setOffline(false);
    await page.getByTestId('outbox-pending').getByText('0 sự kiện chờ gửi').waitFor({ timeout: 30_000 });
    const stored = await eventsOfLots(lots);
    expect(stored.map((r) => r.lot).sort()).toEqual(lots);
    const outboxIds = (await readOutbox(page)).map((r) => r.id);
    // Each server event carries the id the device gave it.
    expect(stored.map((r) => r.event_id).sort()).toEqual([...outboxIds].sort());
    expect(errors).toEqual([]);
  });

  it('sends a record again after its answer was lost, and the server still holds it once', async () => {
    const page = context.pages()[0]!;
    const product = await t.db
      .selectFrom('product')
      .select('id')
      .where('name', '=', 'Hạt sen Huế Tịnh Tâm sấy khô')
      .executeTakeFirstOrThrow();
    await page.goto(`${base}/app/record?product=${product.id}&step=harvesting`);
    await page.getByLabel('Ao, hồ, ô nuôi trồng').waitFor();

    // The server stores the event, but its answer never reaches the device.
    let delivered = 0;
    await context.route('**/epcis/events', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      const response = await route.fetch();
      delivered += response.status() === 201 ? 1 : 0;
      await route.abort('connectionreset');
    });
    await harvest(page, 'RETRY-1', '7');
    await page.getByText('Đã lưu Thu hoạch gương sen trên máy').last().waitFor();
    expect(delivered).toBe(1);
    expect(await eventsOfLots(['RETRY-1'])).toHaveLength(1);

    await context.unroute('**/epcis/events');
    // The next sync (here: opening the outbox) sends it again; the server answers "duplicate", the device marks it sent.
    await page.goto(`${base}/app/outbox`);
    await page
      .getByRole('row', { name: /RETRY-1/ })
      .getByText('Đã gửi')
      .waitFor();
    await page.getByTestId('outbox-pending').getByText('0 sự kiện chờ gửi').waitFor();
    const retried = await readOutbox(page);
    expect(retried.find((r) => r.label.includes('RETRY-1'))?.attempts).toBe(2);
    expect(await eventsOfLots(['RETRY-1'])).toHaveLength(1);
  });

  it('shows a conflict when the server holds a different event under the same id', async () => {
    const page = context.pages()[0]!;
    const [taken] = await eventsOfLots(['OFF-1']);
    const [existing] = await readOutbox(page);
    const copy = {
      id: `${taken!.event_id}-copy`,
      capturedAt: new Date().toISOString(),
      label: 'Bản ghi trùng mã CONFLICT-1',
      organisationId: existing!.organisationId,
      event: { ...existing!.event, eventID: taken!.event_id, eventTime: '2026-01-01T08:00:00+07:00' },
      state: 'pending',
      attempts: 0,
    };
    await page.evaluate(`(async () => {
      const db = await ${OPEN_DB};
      await new Promise((resolve) => {
        db.transaction('outbox', 'readwrite').objectStore('outbox').put(${JSON.stringify(copy)}).onsuccess = resolve;
      });
    })()`);
    await page.reload();
    const row = page.getByRole('row', { name: /CONFLICT-1/ });
    await row.getByText('Xung đột', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Bỏ sự kiện' }).click();
    await page.getByRole('row', { name: /CONFLICT-1/ }).waitFor({ state: 'detached' });
    expect(await eventsOfLots(['OFF-1'])).toHaveLength(1);
  });
});
