import { describe, expect, it } from 'vitest';
import type { AssetEntry } from '../../core/assets/manifest';
import { formatMB, keepOffline, offlineState, type CacheLike } from './offlineCache';

const entry = (path: string, size: number, url: string | null): AssetEntry =>
  ({ path, group: 'g', size, sha256: '', url, derived: url === null, required: false, licence: '' }) as AssetEntry;

function mapCache(): CacheLike & { urls: () => string[] } {
  const m = new Map<string, Response>();
  return {
    match: async (url) => m.get(url)?.clone(),
    put: async (url, res) => void m.set(url, res),
    urls: () => [...m.keys()],
  };
}

const FILES = [entry('models/m/model.json', 4, null), entry('models/m/w1', 3, 'https://official.test/m/w1'), entry('models/m/w2', 2, 'https://official.test/m/w2')];

describe('offline cache', () => {
  it('counts files and bytes held under the local or the official URL', async () => {
    const cache = mapCache();
    await cache.put('/app/assets/models/m/model.json', new Response('abcd'));
    await cache.put('https://official.test/m/w2', new Response('ab'));
    expect(await offlineState(cache, FILES, '/app/')).toEqual({ files: 3, cachedFiles: 2, bytes: 9, cachedBytes: 6 });
  });

  it('stores what is missing from the local copy, else the official URL, refusing index.html and wrong sizes', async () => {
    const cache = mapCache();
    const asked: string[] = [];
    const fetchImpl = (async (input: RequestInfo | URL) => {
      const url = String(input);
      asked.push(url);
      if (url === '/app/assets/models/m/model.json') return new Response('abcd');
      if (url === '/app/assets/models/m/w1') return new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } });
      if (url === '/app/assets/models/m/w2') return new Response('toolong');
      return new Response(url.endsWith('w1') ? 'abc' : 'ab');
    }) as typeof fetch;
    let done = 0;
    await keepOffline(cache, FILES, '/app/', fetchImpl, () => done++);
    expect(done).toBe(3);
    expect(cache.urls().sort()).toEqual(['/app/assets/models/m/model.json', 'https://official.test/m/w1', 'https://official.test/m/w2']);
    expect(await offlineState(cache, FILES, '/app/')).toMatchObject({ cachedFiles: 3, cachedBytes: 9 });
    // A second press fetches nothing.
    asked.length = 0;
    await keepOffline(cache, FILES, '/app/', fetchImpl);
    expect(asked).toEqual([]);
  });

  it('names the file it could not store', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(keepOffline(mapCache(), FILES, '/', fetchImpl)).rejects.toThrow(
      /Could not keep models\/m\/model.json offline \(\/assets\/models\/m\/model.json: Failed to fetch\)/,
    );
  });

  it('writes sizes in MB', () => {
    expect(formatMB(2_034_000)).toBe('2.0 MB');
    expect(formatMB(10_600_000)).toBe('11 MB');
  });
});
