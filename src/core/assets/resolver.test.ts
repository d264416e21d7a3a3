import { describe, expect, it } from 'vitest';
import { assetEntry, UnknownAssetError } from './manifest';
import { createAssetResolver } from './resolver';

const SHARD = 'models/mobilenet_v1_0.75_224/group1-shard1of1';
const MODEL = 'models/mobilenet_v1_0.75_224/model.json';
const DERIVED = 'reference/minimal-l2/minimal-l2.csv';
const SHIPPED = 'clickme-samples/serre-lab_0_image.png';

/** A fake server: `answer` decides each HEAD; every call is recorded. */
function fakeFetch(answer: (url: string) => Response | Error) {
  const calls: string[] = [];
  const impl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(`${init?.method ?? 'GET'} ${String(input)}`);
    const a = answer(String(input));
    if (a instanceof Error) throw a;
    return a;
  }) as typeof fetch;
  return { impl, calls };
}

const file = (path: string, type = 'application/octet-stream') =>
  new Response(null, { status: 200, headers: { 'content-type': type, 'content-length': String(assetEntry(path).size) } });

describe('assetUrl', () => {
  it('uses the local copy when the app serves it, checking once per group', async () => {
    const server = fakeFetch((url) => file(url.replace('/base/assets/', '')));
    const r = createAssetResolver({ base: '/base/assets', fetchImpl: server.impl });
    expect(await r.assetUrl(MODEL)).toBe('/base/assets/models/mobilenet_v1_0.75_224/model.json');
    expect(await r.assetUrl(SHARD)).toBe('/base/assets/models/mobilenet_v1_0.75_224/group1-shard1of1');
    expect(server.calls).toEqual(['HEAD /base/assets/models/mobilenet_v1_0.75_224/model.json']);
  });

  it('falls back to the official URL when the folder is missing (404)', async () => {
    const server = fakeFetch(() => new Response(null, { status: 404 }));
    const r = createAssetResolver({ base: '/assets/', fetchImpl: server.impl });
    expect(await r.assetUrl(SHARD)).toBe('https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.75_224/group1-shard1of1');
  });

  it("does not mistake a dev server's index.html fallback for the file", async () => {
    const server = fakeFetch(() => new Response(null, { status: 200, headers: { 'content-type': 'text/html' } }));
    const r = createAssetResolver({ base: '/assets/', fetchImpl: server.impl });
    expect(await r.assetUrl(MODEL)).toBe(assetEntry(MODEL).url);
  });

  it('rejects a local copy of the wrong size', async () => {
    const server = fakeFetch(() => new Response(null, { status: 200, headers: { 'content-length': '3' } }));
    const r = createAssetResolver({ base: '/assets/', fetchImpl: server.impl });
    expect(await r.assetUrl(MODEL)).toBe(assetEntry(MODEL).url);
  });

  it('falls back when the check itself fails (offline, blocked)', async () => {
    const server = fakeFetch(() => new TypeError('Failed to fetch'));
    const r = createAssetResolver({ base: '/assets/', fetchImpl: server.impl });
    expect(await r.assetUrl(MODEL)).toBe(assetEntry(MODEL).url);
  });

  it('gives null for a derived file without a local copy, and the local URL with one', async () => {
    const missing = createAssetResolver({ fetchImpl: fakeFetch(() => new Response(null, { status: 404 })).impl, base: '/a/' });
    expect(await missing.assetUrl(DERIVED)).toBeNull();
    const present = createAssetResolver({ fetchImpl: fakeFetch(() => file(DERIVED, 'text/csv')).impl, base: '/a/' });
    expect(await present.assetUrl(DERIVED)).toBe('/a/reference/minimal-l2/minimal-l2.csv');
  });

  it('serves files the repository ships from the local folder without asking the server', async () => {
    const server = fakeFetch(() => new Response(null, { status: 404 }));
    const r = createAssetResolver({ base: '/a/', fetchImpl: server.impl });
    expect(await r.assetUrl(SHIPPED)).toBe('/a/clickme-samples/serre-lab_0_image.png');
    expect(server.calls).toEqual([]);
  });

  it('checks the weights of a model whose shipped model.json is local on their own', async () => {
    const server = fakeFetch(() => new Response(null, { status: 404 }));
    const r = createAssetResolver({ base: '/a/', fetchImpl: server.impl });
    expect(await r.assetUrl('models/mobilenet_v1_0.25_224/model.json')).toBe('/a/models/mobilenet_v1_0.25_224/model.json');
    expect(await r.assetUrl('models/mobilenet_v1_0.25_224/group1-shard1of1')).toBe(
      'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/group1-shard1of1',
    );
    expect(server.calls).toEqual(['HEAD /a/models/mobilenet_v1_0.25_224/group1-shard1of1']);
  });

  it('refuses a path the manifest does not list', async () => {
    const r = createAssetResolver({ fetchImpl: fakeFetch(() => file(MODEL)).impl });
    await expect(r.assetUrl('models/nope.json')).rejects.toThrow(UnknownAssetError);
    await expect(r.assetUrl('models/nope.json')).rejects.toThrow(/"models\/nope.json" is not an asset listed in AlignScope's manifest/);
  });

  it('escapes path segments but keeps the slashes', () => {
    expect(createAssetResolver({ base: '/assets/' }).localUrl('a b/c#d.png')).toBe('/assets/a%20b/c%23d.png');
  });
});
