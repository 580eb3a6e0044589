/** Registers the service worker that keeps the app and its last API answers for offline use. */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch((e: unknown) => {
      console.warn('Service worker registration failed', e);
    });
  });
}
