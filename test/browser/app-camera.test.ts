import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadDemoData } from '../../src/demo/index.ts';
import { digitalLinkOf } from '../../src/labels/labels.service.ts';
import { QR_QUIET_ZONE, qrMatrix, type QrMatrix } from '../../src/labels/qr-matrix.ts';
import { ensureWebBuild } from '../../src/web/build.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { launchChromium } from './chromium.ts';
import { choose, signInWith, step } from './session-helpers.ts';

/**
 * Scanning in the back-office: Chromium's fake camera plays a video of a stamp's QR code (drawn from the module
 * matrix our label sheets print) to a browser without BarcodeDetector, so the bundled WebAssembly decoder reads it;
 * and a keyboard-wedge scanner types a GS1 element string (AIM prefix, GS separators) into the same field.
 */

const WIDTH = 640;
const HEIGHT = 480;

/**
 * A YUV4MPEG2 video (the format Chromium's `--use-file-for-fake-video-capture` plays in a loop) of one QR symbol,
 * black on white and centred: 4:2:0, so each frame is the luma plane then two quarter-size chroma planes at 128.
 */
function qrVideo(matrix: QrMatrix, frames = 2): Buffer {
  const side = matrix.size + 2 * QR_QUIET_ZONE;
  const module = Math.floor(Math.min(WIDTH, HEIGHT) / side);
  const left = Math.floor((WIDTH - side * module) / 2) + QR_QUIET_ZONE * module;
  const top = Math.floor((HEIGHT - side * module) / 2) + QR_QUIET_ZONE * module;
  const luma = Buffer.alloc(WIDTH * HEIGHT, 235);
  for (const [row, column, length] of matrix.runs)
    for (let y = top + row * module; y < top + (row + 1) * module; y++)
      luma.fill(16, y * WIDTH + left + column * module, y * WIDTH + left + (column + length) * module);
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  return Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`),
    ...Array.from({ length: frames }, () => frame),
  ]);
}

let t: TestApp;
let browser: Browser;
let base: string;
let dir: string;
let stamp: { gtin: string; serial: string; lot: string; uri: string };
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await ensureWebBuild(() => undefined);
  t = await startTestApp();
  await loadDemoData(t.db);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  // One of the demo's activated stamps (the mè xửng kitchen's lot MX-260618).
  const row = await t.db
    .selectFrom('stamp')
    .select(['gtin', 'serial', 'lot'])
    .where('state', '=', 'activated')
    .where('lot', '=', 'MX-260618')
    .orderBy('sequence')
    .executeTakeFirstOrThrow();
  stamp = {
    gtin: row.gtin,
    serial: row.serial,
    lot: row.lot!,
    uri: digitalLinkOf(t.config.publicUrl, row.gtin, row.serial),
  };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camera-'));
  const video = path.join(dir, 'stamp.y4m');
  fs.writeFileSync(video, qrVideo(qrMatrix(stamp.uri)));
  browser = await launchChromium({
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
}, 300_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const signIn = signInWith(() => ({ browser, base, contexts }));

/** Signs in, then reloads the app with no BarcodeDetector, as in desktop Chromium and Firefox. */
async function withoutBarcodeDetector(login: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const session = await signIn(login);
  await session.page.context().addInitScript(() => {
    delete (globalThis as { BarcodeDetector?: unknown }).BarcodeDetector;
  });
  const requests: string[] = [];
  session.page.on('request', (request) => requests.push(request.url()));
  await session.page.goto(`${base}/app/record`);
  expect(await session.page.evaluate(() => 'BarcodeDetector' in globalThis)).toBe(false);
  return { ...session, requests };
}

describe('scanning codes in the back-office', { timeout: 240_000 }, () => {
  it('reads a stamp’s QR code from the camera with the bundled decoder and picks the stamp’s lot', async () => {
    const { page, errors, requests } = await withoutBarcodeDetector('me-xung');
    await choose(page, 'Sản phẩm', 'Mè xửng Huế hộp 250 g');
    await step(page, 'Xuất hàng');
    const lot = page.getByLabel('Số lô', { exact: true });
    await lot.fill('');
    expect(await lot.inputValue()).toBe('');

    await page.getByRole('button', { name: 'Quét bằng máy ảnh' }).click();
    await page.getByRole('dialog').locator('video').waitFor();
    // The decoder reads the stamp: the dialog closes and the field shows the Digital Link it read.
    await page.getByRole('dialog').waitFor({ state: 'detached', timeout: 60_000 });
    expect(await page.getByLabel('Quét mã').inputValue()).toBe(stamp.uri);
    await page.getByText(`GTIN ${stamp.gtin} · Sê-ri ${stamp.serial}`).waitFor();
    // The stamp is looked up by its serial (GET /api/stamps): its lot fills the form.
    await page.getByTestId('scan-note').getByText(`Đã chọn lô ${stamp.lot}.`).waitFor();
    await expect.poll(() => lot.inputValue()).toBe(stamp.lot);

    // The decoder and its WebAssembly came from this server's build, nothing from anywhere else.
    expect(requests.some((u) => /\/app\/assets\/zxing_reader-[^/]+\.wasm$/.test(u))).toBe(true);
    expect(requests.filter((u) => !u.startsWith(base))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('takes what a keyboard-wedge scanner types: AIM prefix, GS separators', async () => {
    const { page, errors } = await withoutBarcodeDetector('me-xung');
    await choose(page, 'Sản phẩm', 'Mè xửng Huế hộp 250 g');
    await step(page, 'Xuất hàng');
    const lot = page.getByLabel('Số lô', { exact: true });
    await lot.fill('');
    const field = page.getByLabel('Quét mã');
    await field.click();
    // A DataMatrix read by a USB scanner: `]d2`, then GTIN, lot (variable length, ended by GS) and expiry date.
    await page.keyboard.type(`]d201${stamp.gtin}10${stamp.lot}\x1d17261218`);
    expect(await field.inputValue()).toBe(`]d201${stamp.gtin}10${stamp.lot}\x1d17261218`);
    await page.getByText(`GTIN ${stamp.gtin} · Số lô ${stamp.lot}`).waitFor();
    await expect.poll(() => lot.inputValue()).toBe(stamp.lot);
    expect(errors).toEqual([]);
  });

  it('looks up a stamp by its code on the stamps page', async () => {
    const { page, errors } = await signIn('me-xung');
    await page.goto(`${base}/app/stamps`);
    const field = page.getByLabel('Sê-ri');
    await field.click();
    // A scanner reading the stamp's QR code types its Digital Link.
    await page.keyboard.type(stamp.uri);
    const found = page.getByTestId('stamp-found');
    await found.getByText(stamp.lot).waitFor();
    await found.getByText('Đã kích hoạt').waitFor();
    await found.getByText('Mè xửng Huế hộp 250 g', { exact: false }).waitFor();
    expect(errors).toEqual([]);
  });

  it('says in words when the camera is refused', async () => {
    // Without the fake permission prompt, a headless Chromium refuses the camera as a user who clicks “Block”.
    const refusing = await launchChromium({ args: ['--use-fake-device-for-media-stream'] });
    try {
      const signInRefusing = signInWith(() => ({ browser: refusing, base, contexts: [] }));
      const { page, errors } = await signInRefusing('me-xung');
      await page.goto(`${base}/app/lots`);
      await page.getByRole('button', { name: 'Quét bằng máy ảnh' }).click();
      await page
        .getByRole('dialog')
        .getByRole('alert')
        .getByText(/Trình duyệt không được phép dùng máy ảnh/)
        .waitFor();
      await page.getByRole('dialog').getByRole('button', { name: 'Thử lại' }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await refusing.close();
    }
  });
});
