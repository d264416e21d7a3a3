import { describe, expect, it } from 'vitest';
import { loadSamples, photoSamples } from './samples';

const index = {
  samples: [{ id: 'serre-lab_0', image: 'serre-lab_0_image.png', heatmap: 'serre-lab_0_clickme.png', label: 343, labelName: 'warthog' }],
};

describe('gallery samples', () => {
  it('lists ClickMe samples first, with their maps and labels, then the photos', async () => {
    const fetchImpl = (async (url: string) => {
      expect(url).toBe('/app/assets/clickme-samples/index.json');
      return new Response(JSON.stringify(index));
    }) as unknown as typeof fetch;
    const samples = await loadSamples(fetchImpl, '/app/');
    expect(samples[0]).toEqual({
      id: 'serre-lab_0',
      name: 'warthog',
      kind: 'clickme',
      imageUrl: '/app/assets/clickme-samples/serre-lab_0_image.png',
      heatmapUrl: '/app/assets/clickme-samples/serre-lab_0_clickme.png',
      label: 343,
    });
    expect(samples.slice(1)).toEqual(photoSamples('/app/'));
  });

  it('names photos by file without extension (the image= URL parameter) and gives them no map', () => {
    const photos = photoSamples('/');
    expect(photos.map((p) => p.id)).toEqual(['coffee', 'chelsea', 'astronaut', 'rocket', 'motorcycle_left']);
    expect(photos.find((p) => p.id === 'rocket')).toEqual({ id: 'rocket', name: 'Rocket', kind: 'photo', imageUrl: '/samples/rocket.jpg' });
  });

  it('still offers the photos when the ClickMe index cannot be fetched', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    expect((await loadSamples(failing, '/')).map((s) => s.kind)).toEqual(new Array(5).fill('photo'));
  });
});
