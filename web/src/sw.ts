/**
 * The back-office's service worker (scope /app/): the app opens and its event forms work with no connection.
 * - The files of this build are precached at install (the list is written into this file at build time).
 * - Pages of the app: network first, the cached app shell when offline (client-side routes all load index.html).
 * - Hashed assets: cache first (their names change with their content).
 * - GET answers of the API (/api, /epcis): network first, the last answer when offline, so the forms still list
 *   the products, locations, standards and partners. Changes (POST…) are never touched: the outbox in
 *   IndexedDB handles them.
 */

interface ExtendableEventLike extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEventLike extends ExtendableEventLike {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface ServiceWorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEventLike) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  readonly location: Location;
}

const scope = self as unknown as ServiceWorkerScope;
const MANIFEST = '__PRECACHE_MANIFEST__' as unknown as { build: string; files: string[] };
const APP_CACHE = `truyxuat-app-${MANIFEST.build}`;
const API_CACHE = 'truyxuat-api';
const SHELL = '/app/';

scope.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(APP_CACHE)
      .then((cache) => cache.addAll(MANIFEST.files.map((f) => `/app/${f}`)))
      .then(() => scope.skipWaiting()),
  );
});

scope.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith('truyxuat-app-') && n !== APP_CACHE).map((n) => caches.delete(n))),
      )
      .then(() => scope.clients.claim()),
  );
});

async function networkFirst(request: Request, cacheName: string, fallback?: string): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      const copy = response.clone();
      void caches.open(cacheName).then((cache) => cache.put(request, copy));
    }
    return response;
  } catch (error) {
    const cached = (await caches.match(request)) ?? (fallback ? await caches.match(fallback) : undefined);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request: Request): Promise<Response> {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    void caches.open(APP_CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

/** Downloads (PDF reports, spreadsheets, templates) are not kept: they are large and must be current. */
const NOT_CACHED = /\.(pdf|xlsx|csv)$/;

scope.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.location.origin) return;
  if (request.mode === 'navigate' && url.pathname.startsWith('/app')) {
    event.respondWith(networkFirst(request, APP_CACHE, SHELL));
  } else if (url.pathname.startsWith('/app/')) {
    event.respondWith(cacheFirst(request));
  } else if (
    (url.pathname.startsWith('/api/') || url.pathname.startsWith('/epcis/')) &&
    !NOT_CACHED.test(url.pathname)
  ) {
    event.respondWith(networkFirst(request, API_CACHE));
  }
});
