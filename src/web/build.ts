import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Builds the back-office single-page app (`web/`, React + Vite) into `web/dist` when the build is missing or older
 * than its sources. Run by `npm ci` (the `prepare` script) and before `npm start` (`prestart`), and by the browser
 * tests; the server itself only serves what is built (`web.routes.ts`).
 */

export const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
export const WEB_DIST = path.join(WEB_ROOT, 'dist');

/** Newest modification time of the app's sources (after a dependency update, `npm run build:web` rebuilds). */
function newestSource(): number {
  let newest = 0;
  const visit = (entry: string) => {
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(entry)) visit(path.join(entry, name));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const entry of ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json']) {
    const full = path.join(WEB_ROOT, entry);
    if (fs.existsSync(full)) visit(full);
  }
  return newest;
}

/** Why the build must be redone, or null when `web/dist` is current. */
export function staleReason(): string | null {
  const index = path.join(WEB_DIST, 'index.html');
  if (!fs.existsSync(index)) return 'no build yet';
  return fs.statSync(index).mtimeMs < newestSource() ? 'sources changed since the last build' : null;
}

/** Runs the Vite production build (a few seconds; the build writes `web/dist`). */
export async function buildWeb(log: (line: string) => void = console.log): Promise<void> {
  const started = Date.now();
  const { build } = await import('vite');
  // Vite and React take production mode from NODE_ENV: a caller running under `NODE_ENV=test` (the test runner)
  // would otherwise get a development bundle, without the service worker.
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
  log(`Back-office app built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Builds only when needed; answers whether it built. */
export async function ensureWebBuild(log: (line: string) => void = console.log): Promise<boolean> {
  const reason = staleReason();
  if (reason === null) return false;
  log(`Building the back-office app (web/): ${reason}…`);
  await buildWeb(log);
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const force = process.argv.includes('--force');
  (force ? buildWeb() : ensureWebBuild()).catch((e: unknown) => {
    console.error('The back-office app could not be built:', e);
    process.exit(1);
  });
}
