/**
 * Screenshots of the back-office app's main screens at phone (360 px) and desktop (1280 px) widths, into
 * docs/screenshots/. Runs the real server on an in-memory database with the Huế demo data and Debian's Chromium:
 * `npm run screenshots` (needs /usr/bin/chromium or CHROMIUM_PATH); `npm run screenshots -- kiem-toan lien-thong`
 * takes only the screens named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { loadDemoData } from '../src/demo/index.ts';
import { buildApp } from '../src/http/app.ts';
import { ensureWebBuild } from '../src/web/build.ts';
import { launchChromium } from '../test/browser/chromium.ts';
import { signInOnPage } from '../test/browser/session-helpers.ts';

const OUT = path.resolve(import.meta.dirname, '../docs/screenshots');
const WIDTHS = { phone: { width: 360, height: 740 }, desktop: { width: 1280, height: 800 } } as const;

/** The screens, each with the user who sees it and the text that says it has loaded. */
const SCREENS = [
  { name: 'dang-nhap', user: null, path: '/app/', ready: 'Đăng nhập' },
  { name: 'tong-quan', user: 'sen-tinh-tam', path: '/app/', ready: 'Xin chào' },
  { name: 'san-pham', user: 'sen-tinh-tam', path: '/app/products', ready: 'Hạt sen Huế Tịnh Tâm sấy khô' },
  { name: 'dia-diem', user: 'sen-tinh-tam', path: '/app/locations', ready: 'Hồ sen Tịnh Tâm' },
  {
    name: 'dia-diem-ban-do',
    user: 'sen-tinh-tam',
    path: '/app/locations',
    ready: 'Hồ sen Tịnh Tâm',
    click: 'Bản đồ',
    then: 'Bản đồ các địa điểm',
  },
  {
    name: 'ghi-su-kien',
    user: 'sen-tinh-tam',
    path: '/app/record?product={hat-sen}&step=harvesting',
    ready: 'Ao, hồ, ô nuôi trồng',
  },
  { name: 'xuat-nhan-hang', user: 'dong-ba', path: '/app/shipments', ready: 'Hàng đến' },
  { name: 'thu-hoi', user: 'sen-tinh-tam', path: '/app/recalls', ready: 'Thu hồi' },
  { name: 'tieu-chuan', user: 'so-khcn', path: '/app/standards', ready: 'tccs-hue-lotus' },
  { name: 'to-chuc', user: 'so-khcn', path: '/app/organisations', ready: 'Hợp tác xã Sen Huế Tịnh Tâm' },
  { name: 'ho-so-to-chuc', user: 'sen-tinh-tam', path: '/app/settings', ready: 'Mã số thuế' },
  { name: 'nguoi-dung', user: 'sen-tinh-tam', path: '/app/settings?tab=users', ready: 'Thêm người dùng' },
  { name: 'khoa-api', user: 'sen-tinh-tam', path: '/app/settings?tab=keys', ready: 'Tạo khóa API' },
  { name: 'uy-quyen', user: 'sen-tinh-tam', path: '/app/settings?tab=delegations', ready: 'Ủy quyền' },
  { name: 'chi-tiet-san-pham', user: 'sen-tinh-tam', path: '/app/products/{hat-sen}', ready: 'Chứng nhận' },
  { name: 'lo-hang', user: 'sen-tinh-tam', path: '/app/lots?gtin={hat-sen-gtin}&lot=HS-2606', ready: 'TT-2606-A' },
  { name: 'canh-bao', user: 'sen-tinh-tam', path: '/app/alerts', ready: 'Cảnh báo quét mã' },
  { name: 'tap-huan', user: 'so-khcn', path: '/app/trainings', ready: 'Thêm lớp tập huấn' },
  { name: 'lien-thong', user: 'so-khcn', path: '/app/federation', ready: 'Theo loại bản ghi' },
  { name: 'bo-ket-noi', user: 'sen-tinh-tam', path: '/app/federation?tab=connectors', ready: 'Thêm bộ kết nối' },
  {
    name: 'nha-cung-cap',
    user: 'so-khcn',
    path: '/app/federation?tab=providers',
    ready: 'Công ty TNHH Giải pháp Truy xuất Sông Hương',
  },
  { name: 'nut-lien-tinh', user: 'so-khcn', path: '/app/federation?tab=nodes', ready: 'Thêm nút' },
  { name: 'kiem-toan', user: 'so-khcn', path: '/app/audit', ready: 'identity.user.create' },
  { name: 'kiem-toan-ma-tom-tat', user: 'so-khcn', path: '/app/audit?tab=digests', ready: 'Mã tóm tắt' },
] as const;

/** Screens named on the command line, or all of them. */
const ONLY = new Set(process.argv.slice(2));
const wanted = (name: string) => ONLY.size === 0 || ONLY.has(name);

async function main(): Promise<void> {
  await ensureWebBuild();
  const database = await openDatabase({ dataDir: 'memory://' });
  const config = { ...loadConfig({}), dataDir: 'memory://', demoOnFirstStart: false, logLevel: 'silent' as const };
  const app = await buildApp({ db: database.db, config }, { logger: false });
  await loadDemoData(database.db);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const lotus = await database.db
    .selectFrom('product')
    .select(['id', 'gtin'])
    .where('name', '=', 'Hạt sen Huế Tịnh Tâm sấy khô')
    .executeTakeFirstOrThrow();
  const browser = await launchChromium();
  fs.mkdirSync(OUT, { recursive: true });
  try {
    for (const [widthName, viewport] of Object.entries(WIDTHS)) {
      for (const user of [null, 'sen-tinh-tam', 'dong-ba', 'so-khcn'] as const) {
        const context = await browser.newContext({ locale: 'vi-VN', viewport, serviceWorkers: 'block' });
        const page = await context.newPage();
        if (user) await signInOnPage(page, base, `${user}@truyxuat.demo`);
        const screens = SCREENS.filter((s) => s.user === user && wanted(s.name));
        if (screens.length === 0) {
          await context.close();
          continue;
        }
        for (const screen of screens) {
          await page.goto(`${base}${screen.path.replace('{hat-sen}', lotus.id).replace('{hat-sen-gtin}', lotus.gtin)}`);
          await page.getByText(screen.ready).first().waitFor();
          if ('click' in screen) {
            // A view inside the screen: click its switch, wait for what it shows.
            await page.getByText(screen.click, { exact: true }).first().click();
            await page.getByLabel(screen.then).first().waitFor();
          }
          await page.waitForLoadState('networkidle');
          const file = path.join(OUT, `${screen.name}-${widthName}.png`);
          await page.screenshot({ path: file, fullPage: widthName === 'desktop' });
          console.log(path.relative(process.cwd(), file));
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await app.close();
    await database.close();
  }
}

await main();
