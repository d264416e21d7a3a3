/** What the service worker and the page agree on: where models, samples and tables are cached. */
export const ASSET_CACHE = 'alignscope-assets-v1';

/** Hosts of the official model and data URLs in the asset manifest and the catalogue. */
export const OFFICIAL_HOSTS = ['storage.googleapis.com', 'github.com', 'raw.githubusercontent.com', 'objects.githubusercontent.com'];

/** Paths under the app's assets/ and samples/ folders (models, ClickMe samples, tables, photos). */
export function isAssetPath(pathname: string, basePath: string): boolean {
  return pathname.startsWith(`${basePath}assets/`) || pathname.startsWith(`${basePath}samples/`);
}
