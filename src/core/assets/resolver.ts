import { assetEntry, type AssetEntry } from './manifest';

export interface AssetResolverOptions {
  /** URL of the app's local assets folder; default `${BASE_URL}assets/`. */
  base?: string;
  fetchImpl?: typeof fetch;
}

export interface AssetResolver {
  /**
   * Where to load an asset from: the local copy when the app serves it, else the official URL,
   * else null (a derived file that only a mirror has, and no local copy). Files the repository
   * ships in public/assets are always local.
   */
  assetUrl(path: string): Promise<string | null>;
  /** The local URL whether or not it exists (for messages and for `npm run assets` hints). */
  localUrl(path: string): string;
}

/**
 * Local copies are checked once per asset group (a model's shards, the ClickMe samples, ...):
 * `npm run assets` fills groups whole, and one HEAD request per group keeps loading a 55-shard
 * model from costing 55 extra round trips.
 */
export function createAssetResolver(options: AssetResolverOptions = {}): AssetResolver {
  const base = withSlash(options.base ?? defaultBase());
  const fetchImpl = options.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const groupIsLocal = new Map<string, Promise<boolean>>();
  const localUrl = (path: string) => base + path.split('/').map(encodeURIComponent).join('/');

  const isServed = async (entry: AssetEntry): Promise<boolean> => {
    try {
      const res = await fetchImpl(localUrl(entry.path), { method: 'HEAD' });
      // A dev server answers unknown paths with its index.html (SPA fallback): a 200 is not enough.
      const type = res.headers.get('content-type') ?? '';
      const length = res.headers.get('content-length');
      return res.ok && !type.startsWith('text/html') && (length === null || Number(length) === entry.size);
    } catch {
      return false;
    }
  };

  return {
    localUrl,
    async assetUrl(path) {
      const entry = assetEntry(path);
      // The repository ships these inside the assets folder, so every build serves them.
      if (entry.bundled?.startsWith(SHIPPED_DIR)) return localUrl(path);
      let local = groupIsLocal.get(entry.group);
      if (!local) {
        local = isServed(entry);
        groupIsLocal.set(entry.group, local);
      }
      return (await local) ? localUrl(path) : entry.url;
    },
  };
}

const SHIPPED_DIR = 'public/assets/';

function defaultBase(): string {
  const viteBase = (import.meta as { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';
  return `${withSlash(viteBase)}assets/`;
}

function withSlash(s: string): string {
  return s.endsWith('/') ? s : `${s}/`;
}

let shared: AssetResolver | undefined;

/** The app-wide resolver (one local check per group for the whole session). */
export function assetUrl(path: string): Promise<string | null> {
  shared ??= createAssetResolver();
  return shared.assetUrl(path);
}
