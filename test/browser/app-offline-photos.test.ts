import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadDemoData } from '../../src/demo/index.ts';
import { ensureWebBuild } from '../../src/web/build.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { PNG_1X1 } from '../helpers/multipart.ts';
import { launchChromium } from './chromium.ts';
import { openUnderServiceWorker, signInOnPage } from './session-helpers.ts';

/**
 * Photos on offline events: a photo attached to an event recorded with no connection stays in IndexedDB with the
 * queued event; when the connection returns the event is captured and the photo uploaded and linked to it — once,
 * also when the answer to the upload was lost and the device sends it again.
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

/** Photos the device still keeps (plain JavaScript run in the page: the root project has no DOM library). */
const STORED_PHOTOS = `(async () => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('truyxuat');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return new Promise((resolve) => {
    const all = db.transaction('photos').objectStore('photos').getAll();
    all.onsuccess = () => resolve(all.result.map((p) => ({ id: p.id, eventId: p.eventId, size: p.blob.size })));
  });
})()`;

async function storedPhotos(page: Page): Promise<{ id: string; eventId: string; size: number }[]> {
  return page.evaluate<{ id: string; eventId: string; size: number }[]>(STORED_PHOTOS);
}

async function serverPhotos(lot: string): Promise<{ event_id: string; client_photo_id: string; byte_size: number }[]> {
  return t.db
    .selectFrom('event_photo as p')
    .innerJoin('epcis_event as e', 'e.id', 'p.event_row')
    .innerJoin('media as m', 'm.id', 'p.media_id')
    .select(['e.event_id', 'p.client_photo_id', 'm.byte_size'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('epcis_event_epc as x')
          .select('x.event_row')
          .whereRef('x.event_row', '=', 'e.id')
          .where('x.lot', '=', lot),
      ),
    )
    .execute();
}

describe('offline photos', { timeout: 300_000 }, () => {
  it('keeps a photo taken offline with its event and uploads it exactly once when back online', async () => {
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

    await context.setOffline(true);
    await page.getByLabel('Số lô mới').fill('PHOTO-1');
    await page.getByLabel('Số lượng', { exact: true }).fill('12');
    await page.getByLabel('Ao, hồ, ô nuôi trồng').fill('Hồ Tịnh Tâm, ô 3');
    await page.getByTestId('photo-input').setInputFiles({ name: 'ho-sen.png', mimeType: 'image/png', buffer: PNG_1X1 });
    await page.getByRole('img', { name: 'ho-sen.png' }).waitFor();
    await page.getByRole('button', { name: 'Ghi sự kiện' }).click();
    await page.getByText('Đã lưu Thu hoạch gương sen trên máy').last().waitFor();

    const kept = await storedPhotos(page);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.size).toBe(PNG_1X1.length);
    expect(await serverPhotos('PHOTO-1')).toEqual([]);

    // Back online, the first upload reaches the server but its answer is lost: the device keeps the photo.
    let delivered = 0;
    await context.route('**/photos', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      const response = await route.fetch();
      delivered += response.status() === 201 ? 1 : 0;
      await route.abort('connectionreset');
    });
    await context.setOffline(false);
    await page.goto(`${base}/app/outbox`);
    await page.getByTestId('outbox-pending').getByText('0 sự kiện chờ gửi').waitFor({ timeout: 30_000 });
    await expect.poll(() => delivered, { timeout: 30_000 }).toBe(1);
    expect(await storedPhotos(page)).toHaveLength(1);
    expect(await serverPhotos('PHOTO-1')).toHaveLength(1);

    // The next sync sends it again under the same photo id: the server answers with the photo it holds.
    await context.unroute('**/photos');
    await page.reload();
    await expect.poll(() => storedPhotos(page), { timeout: 30_000 }).toEqual([]);
    const onServer = await serverPhotos('PHOTO-1');
    expect(onServer).toEqual([{ event_id: kept[0]!.eventId, client_photo_id: kept[0]!.id, byte_size: PNG_1X1.length }]);

    // The business sees it on the lot page.
    const gtin = await t.db.selectFrom('product').select('gtin').where('id', '=', product.id).executeTakeFirstOrThrow();
    await page.goto(`${base}/app/lots?gtin=${gtin.gtin}&lot=PHOTO-1`);
    await page.getByText('Ảnh của các sự kiện').waitFor();
    await expect.poll(() => page.locator('img.event-photo').count(), { timeout: 30_000 }).toBe(1);
    expect(errors).toEqual([]);
  });
});
