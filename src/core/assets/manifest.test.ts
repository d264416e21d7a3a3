import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ASSETS_DIR, hasAssets } from '../../test/assets';
import { ASSET_GROUPS, ASSETS } from './manifest';

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(path.join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`],
  );
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const repoRoot = path.resolve(__dirname, '..', '..', '..');

describe('asset manifest', () => {
  it('lists each path once, in a known group, with a licence and a size', () => {
    expect(new Set(ASSETS.map((a) => a.path)).size).toBe(ASSETS.length);
    for (const a of ASSETS) {
      expect(ASSET_GROUPS[a.group], a.path).toBeDefined();
      expect(a.licence.length, a.path).toBeGreaterThan(0);
      expect(a.size, a.path).toBeGreaterThan(0);
      expect(a.sha256, a.path).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('gives every non-derived file an https URL and every derived one none, and never requires a derived file', () => {
    for (const a of ASSETS) {
      if (a.derived) {
        expect(a.url, a.path).toBeNull();
        expect(a.required, a.path).toBe(false);
      } else expect(a.url, a.path).toMatch(/^https:\/\//);
    }
  });

  it('lists every weight shard a catalogue model.json asks for', () => {
    for (const model of ['mobilenet_v1_0.75_224', 'mobilenet_v1_0.25_224']) {
      const shards = ASSETS.filter((a) => a.group === model && /shard/.test(a.path));
      expect(shards.length, model).toBe(55);
      for (const s of shards) expect(s.url).toBe(`https://storage.googleapis.com/tfjs-models/tfjs/${model}/${path.basename(s.path)}`);
    }
  });

  it.skipIf(!hasAssets)('matches the mirror file for file, with sizes and checksums', () => {
    const mirror = listFiles(ASSETS_DIR).filter((f) => f !== 'README.md').sort();
    expect(ASSETS.map((a) => a.path).sort()).toEqual(mirror);
    for (const a of ASSETS) {
      const file = path.join(ASSETS_DIR, a.path);
      expect(fs.statSync(file).size, a.path).toBe(a.size);
      expect(sha256(file), a.path).toBe(a.sha256);
    }
  });

  it('points bundled copies at identical files in the repository', () => {
    const bundled = ASSETS.filter((a) => a.bundled);
    expect(bundled.filter((a) => a.group === 'images').map((a) => path.basename(a.path)).sort()).toEqual(
      ['astronaut.png', 'chelsea.png', 'coffee.png', 'motorcycle_left.png', 'rocket.jpg'],
    );
    // The small data with no official download: ten ClickMe pairs and their index, the labels, the 2023 points, one topology.
    const shipped = bundled.filter((a) => a.bundled === `public/assets/${a.path}`).map((a) => a.path);
    expect(shipped.filter((p) => p.startsWith('clickme-samples/'))).toHaveLength(21);
    expect(shipped.filter((p) => !p.startsWith('clickme-samples/')).sort()).toEqual([
      'labels/imagenet1000_index_wnid_names.json',
      'models/mobilenet_v1_0.25_224/model.json',
      'reference/aa2023_fig_alignment_digitized.csv',
      'reference/aa2023_fig_tolerance_digitized.csv',
    ]);
    for (const a of bundled) expect(sha256(path.join(repoRoot, a.bundled!)), a.path).toBe(a.sha256);
  });
});
