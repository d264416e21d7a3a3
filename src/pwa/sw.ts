/// <reference lib="webworker" />
/**
 * The service worker (built by vite-plugin-pwa's injectManifest with Workbox). It
 * - precaches the app shell (index.html, scripts, styles, the .wasm files, icons);
 * - caches models, samples and reference tables when first used, from the app's assets folder or
 *   the official URLs, so a run that worked once works again offline;
 * - adds COOP/COEP to what it serves, so a plain static host still gets a cross-origin isolated page
 *   (SharedArrayBuffer, threaded WASM);
 * - waits for the page to ask before a new version takes over (no silent mix of two deployments).
 */
import { clientsClaim, type WorkboxPlugin } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute, setDefaultHandler } from 'workbox-routing';
import { CacheFirst, NetworkOnly } from 'workbox-strategies';
import { ASSET_CACHE, OFFICIAL_HOSTS, isAssetPath } from './cacheNames';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<string | { url: string; revision: string | null }> };

const scopePath = new URL(self.registration.scope).pathname;
const sameOrigin = (url: URL) => url.origin === self.location.origin;

function withIsolation(response: Response): Response {
  // Opaque and cross-origin responses pass as they are: their headers do not decide the page's isolation.
  if (response.type !== 'basic' && response.type !== 'default') return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'credentialless');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

const isolation: WorkboxPlugin = {
  handlerWillRespond: async ({ request, response }) => (sameOrigin(new URL(request.url)) ? withIsolation(response) : response),
};
// A dev-style server answers a missing file with its index.html; that is not the asset.
const assetsOnly: WorkboxPlugin = {
  cacheWillUpdate: async ({ response }) =>
    response.status === 200 && !(response.headers.get('content-type') ?? '').startsWith('text/html') ? response : null,
};

addPlugins([isolation]);
// Any query string (the automation contract's URL parameters) gets the precached index.html.
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });
cleanupOutdatedCaches();

const assetCache = new CacheFirst({ cacheName: ASSET_CACHE, plugins: [assetsOnly, isolation] });
registerRoute(({ url }) => sameOrigin(url) && isAssetPath(url.pathname, scopePath), assetCache);
registerRoute(({ url }) => OFFICIAL_HOSTS.includes(url.host), assetCache);

// The asset resolver asks with HEAD whether a local copy exists: online the server answers; offline
// a cached copy counts as present, so the app loads it from the cache instead of an unreachable URL.
registerRoute(
  ({ url }) => sameOrigin(url) && isAssetPath(url.pathname, scopePath),
  async ({ request }) => {
    try {
      return await fetch(request);
    } catch {
      const cached = await caches.match(request.url, { cacheName: ASSET_CACHE });
      return cached ? new Response(null, { status: 200, headers: cached.headers }) : Response.error();
    }
  },
  'HEAD',
);

// Everything else same-origin (bench.html, files the precache left out) from the network, isolated.
setDefaultHandler(new NetworkOnly({ plugins: [isolation] }));

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
// The first install takes the open page at once (there is no older version to mix with), so the page
// can reload once into an isolated context; later versions wait for SKIP_WAITING above.
clientsClaim();
