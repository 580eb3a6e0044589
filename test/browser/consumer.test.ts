import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/identifiers/check-digit.ts';
import { apiKeyFor, makeOrganisation, startTestApp, type TestApp } from '../helpers/app.ts';
import { capture } from '../helpers/epcis.ts';
import { launchChromium } from './chromium.ts';

/**
 * End to end, as a consumer: a printed stamp's QR code is decoded from the label sheet's PDF (rendered with
 * pdftoppm, read with zbarimg), the decoded Digital Link is opened in Chromium, the resolver redirects to the
 * consumer page, and the page tells the product story; a made-up serial shows the counterfeit warning and a lot
 * under an open recall the recall banner.
 */

const run = promisify(execFile);
const GTIN = withCheckDigit('0893600018001');
const FARM_GLN = withCheckDigit('893600018010');
const LOT = 'MX-2606';
const RECALLED = 'MX-2607';

let t: TestApp;
let browser: Browser;
let base: string;
let work: string;
let decoded: string[];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Opens a URL the way a phone does after scanning, collecting CSP violations and script errors. */
async function open(url: string): Promise<{ page: Page; errors: string[]; status: number | undefined }> {
  const page = await browser.newPage({ locale: 'vi-VN', viewport: { width: 360, height: 740 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const response = await page.goto(url);
  return { page, errors, status: response?.status() };
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await startTestApp({ publicUrl: base });
  await t.app.listen({ port, host: '127.0.0.1' });
  browser = await launchChromium();
  work = await mkdtemp(path.join(tmpdir(), 'consumer-'));

  const orgId = await makeOrganisation(t.db, { name: 'Cơ sở Mè xửng Thiên Hương', kind: 'company' });
  const owner = (
    await apiKeyFor(t, orgId, [
      'registry:read',
      'registry:write',
      'epcis:capture',
      'epcis:query',
      'stamps:manage',
      'recall:manage',
    ])
  ).headers;
  const post = async (url: string, payload: object, status = 201) => {
    const r = await t.app.inject({ method: 'POST', url, headers: owner, payload });
    expect(r.statusCode, r.body).toBe(status);
    return r.json<Record<string, unknown>>();
  };
  const product = await post('/api/products', {
    gtin: GTIN,
    name: 'Mè xửng Huế',
    nameEn: 'Huế sesame candy',
    groupCode: 'food.confectionery',
    netContent: 250,
    netContentUnit: 'GRM',
    shelfLifeDays: 180,
    certifications: [{ kind: 'ocop', ocopStars: 4, validTo: '2099-12-31' }],
  });
  await post('/api/locations', {
    gln: FARM_GLN,
    name: 'Xưởng Mè xửng Thiên Hương',
    kind: 'factory',
    latitude: 16.4637,
    longitude: 107.5909,
  });
  const lotClass = (lot: string) => `https://id.gs1.org/01/${GTIN}/10/${lot}`;
  const document = JSON.stringify({
    '@context': [
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { tx: 'https://truyxuat.vn/epcis/' },
    ],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-06-01T00:00:00Z',
    epcisBody: {
      eventList: [LOT, RECALLED].map((lot, i) => ({
        type: 'ObjectEvent',
        eventTime: `2026-06-0${i + 1}T02:00:00Z`,
        eventTimeZoneOffset: '+07:00',
        action: 'ADD',
        bizStep: 'commissioning',
        bizLocation: { id: `https://id.gs1.org/414/${FARM_GLN}` },
        quantityList: [{ epcClass: lotClass(lot), quantity: 500, uom: 'KGM' }],
        ilmd: { 'tx:productionDate': `2026-06-0${i + 1}` },
      })),
    },
  });
  expect((await capture(t, owner, document)).job).toMatchObject({ success: true });

  const batch = await post('/api/stamp-batches', { productId: product.id, quantity: 2 });
  await post(`/api/stamp-batches/${String(batch.id)}/activate`, { lot: LOT }, 200);
  await post('/api/recalls', { lots: [lotClass(RECALLED)], reason: 'Bao bì bị rách', severity: 'medium' });

  // The printed sheet: PDF → PNG → the QR codes' contents.
  const pdf = await t.app.inject({ url: `/api/stamp-batches/${String(batch.id)}/labels.pdf`, headers: owner });
  expect(pdf.statusCode).toBe(200);
  expect(pdf.headers['content-type']).toContain('application/pdf');
  await writeFile(path.join(work, 'labels.pdf'), pdf.rawPayload);
  await run('pdftoppm', [
    '-r',
    '300',
    '-png',
    '-f',
    '1',
    '-l',
    '1',
    path.join(work, 'labels.pdf'),
    path.join(work, 'sheet'),
  ]);
  const png = (await readdir(work)).find((f) => f.endsWith('.png'))!;
  const { stdout } = await run('zbarimg', ['--raw', '-q', path.join(work, png)]);
  decoded = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('scanning a printed stamp', () => {
  it('decodes the stamps of the label sheet as Digital Links to this server', () => {
    expect(decoded).toHaveLength(2);
    for (const url of decoded) expect(url).toMatch(new RegExp(`^${base}/01/${GTIN}/21/[^/?]+`));
  });

  it('opens the consumer page through the resolver and tells the product story', async () => {
    const { page, errors, status } = await open(decoded[0]!);
    expect(status).toBe(200);
    expect(new URL(page.url()).pathname).toMatch(new RegExp(`^/p/01/${GTIN}/`));
    await expect(page.locator('h1').textContent()).resolves.toContain('Mè xửng Huế');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('Tem chính hãng');
    expect(text).toContain('Hành trình của lô hàng');
    expect(text).toContain('Tạo lô / thu hoạch');
    expect(text).toContain(LOT);
    expect(text).toContain('Sản phẩm OCOP 4 sao');
    expect(text).not.toContain('Sản phẩm đang bị thu hồi');
    expect(await page.locator('svg.locator').count()).toBe(1);
    // Readable at 360 px: nothing wider than the screen.
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(360);
    // The page works without JavaScript and breaks no CSP rule.
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  });

  it('warns of a counterfeit for a serial that was never issued', async () => {
    const fake = decoded[0]!.replace(/\/21\/[^/?]+/, '/21/GIA0000000001');
    const { page, errors } = await open(fake);
    const alert = page.locator('.verdict[role="alert"]');
    await expect(alert.textContent()).resolves.toContain('Sản phẩm có thể là hàng giả');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the recall banner for a lot under an open recall', async () => {
    const { page, errors } = await open(`${base}/01/${GTIN}/10/${RECALLED}`);
    expect(new URL(page.url()).pathname).toBe(`/p/01/${GTIN}/10/${RECALLED}`);
    const banner = page.locator('section.recall[role="alert"]');
    await expect(banner.textContent()).resolves.toContain('Bao bì bị rách');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sends a problem report from the page without JavaScript', async () => {
    const page = await browser.newPage({ locale: 'vi-VN', javaScriptEnabled: false });
    await page.goto(`${base}/p/01/${GTIN}/10/${LOT}`);
    await page.fill('#message', 'Hộp bị móp, tem bị dán lại');
    await page.click('button[type="submit"]');
    await expect(page.locator('.notice.ok').textContent()).resolves.toContain('Báo cáo đã được gửi');
    const rows = await t.db.selectFrom('problem_report').select(['message', 'lot']).execute();
    expect(rows).toEqual([{ message: 'Hộp bị móp, tem bị dán lại', lot: LOT }]);
    await page.close();
  });
});
