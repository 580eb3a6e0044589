import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { RoutePlugin } from '../http/context.ts';
import { AppError } from '../shared/errors.ts';
import { WEB_DIST } from './build.ts';

/** Hashed build output: its name changes with its content, so browsers keep it for a year without asking. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html, the service worker, the manifest): always revalidated (ETag / Last-Modified). */
const REVALIDATE = 'no-cache';

/** A request path under /app → a file of the build, or undefined when it names none (or tries to leave it). */
function builtFile(relative: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const normalised = path.posix.normalize(decoded).replace(/^\/+/, '');
  if (normalised === '' || normalised.startsWith('..')) return undefined;
  const full = path.join(WEB_DIST, normalised);
  if (!full.startsWith(WEB_DIST + path.sep)) return undefined;
  try {
    return fs.statSync(full).isFile() ? normalised : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `/app`: the back-office single-page app built by Vite into `web/dist` (see `build.ts`). Files of the build are
 * served as they are; any other path without a file extension is a client-side route and gets `index.html`
 * (SPA fallback); a missing asset is a 404 problem document. Served under the application's Content-Security-Policy
 * unchanged: the build has no inline script.
 */
export const webRoutes: RoutePlugin = async (app) => {
  await app.register(fastifyStatic, { root: WEB_DIST, serve: false, cacheControl: false, index: false });
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html')))
    app.log.warn('The back-office app is not built (web/dist): run `npm run build:web`; /app answers 503 until then');

  const sendIndex = (reply: FastifyReply) => {
    if (!fs.existsSync(path.join(WEB_DIST, 'index.html')))
      throw new AppError('unavailable', 'The back-office app is not built: run npm run build:web');
    return reply.header('cache-control', REVALIDATE).type('text/html; charset=utf-8').sendFile('index.html');
  };

  const hide = { hide: true } as const;
  app.get('/', { schema: hide }, async (_request, reply) => sendIndex(reply));
  app.get('/*', { schema: hide }, async (request, reply) => {
    const relative = (request.params as { '*': string })['*'];
    const file = builtFile(relative);
    if (
      file === 'index.html' ||
      (file === undefined && !/\.[a-z0-9]+$/i.test(relative) && !relative.startsWith('assets/'))
    )
      return sendIndex(reply);
    if (file === undefined) throw new AppError('not_found', `No file at /app/${relative}`);
    if (file === 'sw.js') void reply.header('service-worker-allowed', '/app/');
    return reply.header('cache-control', file.startsWith('assets/') ? IMMUTABLE : REVALIDATE).sendFile(file);
  });
};
