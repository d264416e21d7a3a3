import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetPath, hasAssets } from '../../test/assets';
import { CLICKME_INDEX, loadGallery, parseClickmeIndex, photoSamples, SamplesError } from './gallery';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

describe('photoSamples', () => {
  it('lists the five committed photos with ids from their file stems', () => {
    const photos = photoSamples('/samples/');
    expect(photos.map((p) => p.id)).toEqual(['coffee', 'chelsea', 'astronaut', 'rocket', 'motorcycle_left']);
    expect(photos[3].imageUrl).toBe('/samples/rocket.jpg');
    for (const p of photos) {
      expect(p.heatmapUrl).toBeUndefined();
      expect(fs.existsSync(path.join(repoRoot, 'public', p.imageUrl)), p.imageUrl).toBe(true);
    }
  });
});

describe('parseClickmeIndex', () => {
  it.skipIf(!hasAssets)('reads the 10 mirror samples with their maps and labels', () => {
    const json = JSON.parse(fs.readFileSync(assetPath(CLICKME_INDEX), 'utf8'));
    const samples = parseClickmeIndex(json, '/assets/clickme-samples/index.json');
    expect(samples).toHaveLength(10);
    expect(samples[0]).toMatchObject({
      id: 'serre-lab_0',
      kind: 'clickme',
      label: 343,
      name: 'warthog',
      imageUrl: '/assets/clickme-samples/serre-lab_0_image.png',
      heatmapUrl: '/assets/clickme-samples/serre-lab_0_clickme.png',
    });
    expect(samples.find((s) => s.id === 'serre-lab_2')!.labelSure).toBe(false);
    for (const s of samples) expect(fs.existsSync(assetPath(`clickme-samples/${path.basename(s.heatmapUrl!)}`))).toBe(true);
  });

  it('rejects an index without samples or with an incomplete entry', () => {
    expect(() => parseClickmeIndex({}, 'i.json')).toThrow(/The sample index "i.json" has no "samples" list/);
    expect(() => parseClickmeIndex({ samples: [{ id: 'x', image: 'a.png' }] }, 'i.json')).toThrow(SamplesError);
  });
});

describe('loadGallery', () => {
  const index = { samples: [{ id: 's1', image: 's1.png', heatmap: 's1_map.png', label: 7, labelName: 'cock' }] };

  it('puts ClickMe samples first, then the photos', async () => {
    const { samples, problem } = await loadGallery({
      assetUrl: async (p) => `/assets/${p}`,
      fetchImpl: (async () => new Response(JSON.stringify(index))) as typeof fetch,
      samplesBase: '/samples/',
    });
    expect(problem).toBeUndefined();
    expect(samples.map((s) => s.id)).toEqual(['s1', 'coffee', 'chelsea', 'astronaut', 'rocket', 'motorcycle_left']);
    expect(samples[0].heatmapUrl).toBe('/assets/clickme-samples/s1_map.png');
  });

  it('keeps the photos and explains when the ClickMe samples are not installed', async () => {
    const { samples, problem } = await loadGallery({ assetUrl: async () => null, samplesBase: '/samples/' });
    expect(samples).toHaveLength(5);
    expect(problem).toMatch(/not installed: run `npm run assets`/);
  });

  it('keeps the photos when the index is broken', async () => {
    const { samples, problem } = await loadGallery({
      assetUrl: async (p) => `/assets/${p}`,
      fetchImpl: (async () => new Response('{"samples": 3}')) as typeof fetch,
    });
    expect(samples).toHaveLength(5);
    expect(problem).toMatch(/has no "samples" list/);
  });
});
