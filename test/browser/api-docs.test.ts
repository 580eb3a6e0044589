import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { launchChromium } from './chromium.ts';

let t: TestApp;
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('API documentation in a real browser', () => {
  it('renders the OpenAPI page under the security headers, with every capability listed', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const response = await page.goto(`${base}/docs`);
    expect(response?.status()).toBe(200);
    await page.getByText('truyxuat API').first().waitFor();
    const tags = ['identity', 'epcis', 'trace', 'standards', 'stamps', 'resolver', 'notifications', 'alerts'];
    for (const tag of tags) await page.locator(`#operations-tag-${tag}`).waitFor();
    // Tags start collapsed; opening one shows its operations.
    await page.locator('#operations-tag-epcis').click();
    await page.getByText('/epcis/capture').first().waitFor();
    // A Content-Security-Policy violation would show up as a console error and a blank page.
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a problem document, in Vietnamese, for a page that does not exist', async () => {
    const page = await browser.newPage({ locale: 'vi-VN' });
    const response = await page.goto(`${base}/khong-co`);
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toContain('application/problem+json');
    expect(await page.textContent('body')).toContain('Không tìm thấy');
    await page.close();
  });
});
