import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain Node script without type declarations
import { syncAssets } from './assets.mjs';

const bytes = (s: string) => new TextEncoder().encode(s);
const entry = (p: string, content: string, extra: Record<string, unknown> = {}) => ({
  path: p,
  group: p.split('/')[0],
  size: bytes(content).length,
  sha256: createHash('sha256').update(content).digest('hex'),
  url: `https://example.org/${p}`,
  derived: false,
  required: true,
  ...extra,
});

let tmp: string, mirror: string, dest: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alignscope-assets-'));
  mirror = path.join(tmp, 'mirror');
  dest = path.join(tmp, 'public', 'assets');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function put(root: string, rel: string, content: string, mode = 0o644) {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), content);
  fs.chmodSync(path.join(root, rel), mode);
}

const noNetwork = (async () => {
  throw new TypeError('fetch failed');
}) as typeof fetch;
const quiet = () => {};

describe('syncAssets', () => {
  it('copies from the mirror (read-only files stay replaceable), then finds them present', async () => {
    const assets = [entry('models/a/model.json', '{"m":1}'), entry('labels/l.txt', 'x')];
    put(mirror, 'models/a/model.json', '{"m":1}', 0o444);
    put(mirror, 'labels/l.txt', 'x', 0o444);
    const first = await syncAssets({ assets, dest, mirror, fetchImpl: noNetwork, log: quiet });
    expect(first).toMatchObject({ copied: ['models/a/model.json', 'labels/l.txt'], missing: [], ok: true });
    expect(fs.readFileSync(path.join(dest, 'models/a/model.json'), 'utf8')).toBe('{"m":1}');
    expect(fs.statSync(path.join(dest, 'labels/l.txt')).mode & 0o200).toBeTruthy();
    const second = await syncAssets({ assets, dest, mirror, fetchImpl: noNetwork, log: quiet });
    expect(second).toMatchObject({ present: ['models/a/model.json', 'labels/l.txt'], copied: [] });
  });

  it('refuses a mirror file of the wrong size and downloads the official one instead', async () => {
    const assets = [entry('models/a/w.bin', 'abcd')];
    put(mirror, 'models/a/w.bin', 'abc');
    const fetchImpl = (async (url: string) => new Response(url.endsWith('w.bin') ? 'abcd' : '', { status: 200 })) as typeof fetch;
    const r = await syncAssets({ assets, dest, mirror, fetchImpl, log: quiet });
    expect(r).toMatchObject({ downloaded: ['models/a/w.bin'], ok: true });
    expect(r.warnings[0]).toMatch(/models\/a\/w.bin in the mirror has 3 bytes, not 4; not copied/);
  });

  it('does not keep a download of the wrong size, and fails for a required file', async () => {
    const assets = [entry('models/a/w.bin', 'abcd')];
    const fetchImpl = (async () => new Response('abcdef')) as typeof fetch;
    const r = await syncAssets({ assets, dest, fetchImpl, log: quiet });
    expect(r).toMatchObject({ missing: ['models/a/w.bin'], missingRequired: ['models/a/w.bin'], ok: false });
    expect(fs.existsSync(path.join(dest, 'models/a/w.bin'))).toBe(false);
    expect(r.warnings[0]).toMatch(/gave 6 bytes, not the 4 the manifest lists/);
  });

  it('stops downloading after the network fails once, and a missing derived file is not fatal', async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const assets = [
      entry('clickme/s.png', 'p', { url: null, derived: true, required: false }),
      entry('tflite/a.tflite', 'aa', { required: false }),
      entry('tflite/b.tflite', 'bb', { required: false }),
    ];
    const r = await syncAssets({ assets, dest, fetchImpl, log: quiet });
    expect(calls).toBe(1);
    expect(r).toMatchObject({ missing: ['clickme/s.png', 'tflite/a.tflite', 'tflite/b.tflite'], ok: true });
    expect(r.warnings).toContain('the network looks unreachable; skipping the remaining downloads');
  });

  it('takes the files the repository ships from the checkout, with no mirror and no network', async () => {
    const repo = path.join(tmp, 'repo');
    put(repo, 'public/assets/clickme-samples/index.json', '{"samples":[]}');
    const assets = [entry('clickme-samples/index.json', '{"samples":[]}', { url: null, derived: true, required: false, bundled: 'public/assets/clickme-samples/index.json' })];
    const r = await syncAssets({ assets, dest, repoRoot: repo, fetchImpl: noNetwork, log: quiet });
    expect(r).toMatchObject({ fromRepo: ['clickme-samples/index.json'], missing: [], ok: true });
    expect(fs.readFileSync(path.join(dest, 'clickme-samples/index.json'), 'utf8')).toBe('{"samples":[]}');
  });

  it('warns about a mirror folder that does not exist and carries on', async () => {
    const r = await syncAssets({ assets: [entry('x/y', 'z')], dest, mirror: path.join(tmp, 'nope'), fetchImpl: noNetwork, log: quiet });
    expect(r.warnings[0]).toMatch(/the mirror folder .*nope does not exist/);
    expect(r.ok).toBe(false);
  });
});
