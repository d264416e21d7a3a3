import type { AssetEntry } from '../../core/assets/manifest';
import { totalBytes } from '../../core/assets/modelFiles';
import { ASSET_CACHE } from '../../pwa/cacheNames';

export interface OfflineState {
  files: number;
  cachedFiles: number;
  bytes: number;
  cachedBytes: number;
}

/** What the browser's Cache Storage offers; tests pass a Map-backed fake. */
export interface CacheLike {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}

const localUrl = (path: string, base: string) => `${base}assets/${path.split('/').map(encodeURIComponent).join('/')}`;

/** Where each file may be cached: the app's own copy, else its official URL (as the worker loads it). */
function candidates(file: AssetEntry, base: string): string[] {
  return [localUrl(file.path, base), ...(file.url ? [file.url] : [])];
}

async function isCached(cache: CacheLike, file: AssetEntry, base: string): Promise<boolean> {
  for (const url of candidates(file, base)) if (await cache.match(url)) return true;
  return false;
}

/** How much of a model the offline cache holds. */
export async function offlineState(cache: CacheLike, files: readonly AssetEntry[], base: string): Promise<OfflineState> {
  const held = await Promise.all(files.map((f) => isCached(cache, f, base)));
  return {
    files: files.length,
    cachedFiles: held.filter(Boolean).length,
    bytes: totalBytes(files),
    cachedBytes: totalBytes(files.filter((_, i) => held[i])),
  };
}

/**
 * Stores every file of a model that the cache lacks, from the app's own copy when it serves one
 * (of the right size, not an index.html), else from the official URL. Throws naming the first file
 * that could not be had; files stored before it stay stored.
 */
export async function keepOffline(
  cache: CacheLike,
  files: readonly AssetEntry[],
  base: string,
  fetchImpl: typeof fetch = (...a) => fetch(...a),
  onFile?: () => void,
): Promise<void> {
  for (const file of files) {
    if (!(await isCached(cache, file, base))) await storeOne(cache, file, base, fetchImpl);
    onFile?.();
  }
}

async function storeOne(cache: CacheLike, file: AssetEntry, base: string, fetchImpl: typeof fetch): Promise<void> {
  const problems: string[] = [];
  for (const url of candidates(file, base)) {
    try {
      const res = await fetchImpl(url);
      const bytes = res.ok && !(res.headers.get('content-type') ?? '').startsWith('text/html') ? await res.arrayBuffer() : null;
      if (bytes && bytes.byteLength === file.size) {
        await cache.put(url, new Response(bytes, { headers: res.headers }));
        return;
      }
      problems.push(`${url}: ${bytes ? `${bytes.byteLength} bytes, not ${file.size}` : `HTTP ${res.status}`}`);
    } catch (e) {
      problems.push(`${url}: ${(e as Error).message}`);
    }
  }
  throw new Error(`Could not keep ${file.path} offline (${problems.join('; ')}).`);
}

/** The app's offline cache, or null where the browser has no Cache Storage (an insecure origin, say). */
export async function openOfflineCache(): Promise<CacheLike | null> {
  if (typeof caches === 'undefined') return null;
  return caches.open(ASSET_CACHE);
}

export function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}
