import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/index.ts';

/** Shared steps of the back-office browser tests: signing in as a demo user and driving Ant Design controls. */

export interface Session {
  readonly page: Page;
  readonly errors: string[];
}

export interface BrowserEnv {
  readonly browser: Browser;
  /** The server's origin, `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** Contexts opened, closed by the suite's afterAll. */
  readonly contexts: BrowserContext[];
}

/**
 * A sign-in function bound to a suite's browser: each call opens a fresh browser profile signed in as a demo user
 * and collects console errors (CSP violations included) and page errors.
 */
export function signInWith(
  env: () => BrowserEnv,
): (login: string, viewport?: { width: number; height: number }) => Promise<Session> {
  return async (login, viewport = { width: 1280, height: 900 }) => {
    const { browser, base, contexts } = env();
    const context = await browser.newContext({ locale: 'vi-VN', viewport, serviceWorkers: 'block' });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
    });
    await signInOnPage(page, base, `${login}@truyxuat.demo`);
    return { page, errors };
  };
}

/**
 * Signs in on the sign-in screen of an open page (any browser profile, service worker or not). With the default
 * `until`, waits for the home page's greeting; an account that lands elsewhere (a pending registration) names the
 * text to wait for.
 */
export async function signInOnPage(
  page: Page,
  base: string,
  login: string,
  password: string = DEMO_PASSWORD,
  until: string | RegExp = /Xin chào/,
): Promise<void> {
  await page.goto(`${base}/app/`);
  await page.getByLabel('Thư điện tử hoặc số điện thoại').fill(login);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  if (typeof until === 'string') await page.getByText(until).waitFor();
  else await page.getByRole('heading', { name: until }).waitFor();
}

/**
 * Opens a page under the app's service worker, as the offline tests need it: the worker installs on the first visit,
 * and the page visited again (through another screen) is served under its control, so the form works offline.
 */
export async function openUnderServiceWorker(page: Page, url: string, readyLabel: string): Promise<void> {
  const ready = await page.evaluate(
    'Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise((r) => setTimeout(() => r(false), 30000))])',
  );
  if (ready !== true) throw new Error('the service worker did not install within 30 s');
  await page.goto(url);
  await page.getByLabel(readyLabel).waitFor();
  await page.goto(`${new URL(url).origin}/app/outbox`);
  await page.goto(url);
  await page.getByLabel(readyLabel).waitFor();
}

/** Picks an option of an Ant Design select by the text of its label and of the option. */
export async function choose(page: Page, label: string | RegExp, option: string | RegExp): Promise<void> {
  await page.getByLabel(label).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
}

/** Chooses the step (critical tracking event) of the guided form. */
export async function step(page: Page, name: string): Promise<void> {
  await page.locator('label.ant-radio-button-wrapper', { hasText: name }).click();
}
