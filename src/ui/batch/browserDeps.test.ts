import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSample, SampleLoadError } from './browserDeps';

const index = {
  samples: [
    { id: 'ok', image: 'ok_image.png', heatmap: 'ok_clickme.png', label: 3, labelName: 'shark' },
    { id: 'gone', image: 'gone_image.png', heatmap: 'gone_clickme.png', label: 4, labelName: 'ray' },
  ],
};

afterEach(() => vi.unstubAllGlobals());

describe('loadSample', () => {
  it('names the sample that is not in the gallery, or whose picture cannot be fetched', async () => {
    vi.stubGlobal('fetch', async (url: string) =>
      url.endsWith('index.json') ? new Response(JSON.stringify(index)) : new Response('missing', { status: 404 }),
    );
    await expect(loadSample('nope', 224)).rejects.toThrow(SampleLoadError);
    await expect(loadSample('nope', 224)).rejects.toThrow('There is no sample image "nope" in the gallery.');
    await expect(loadSample('gone', 224)).rejects.toThrow(
      'Could not fetch the image of "gone" from /assets/clickme-samples/gone_image.png (HTTP 404).',
    );
  });
  it('refuses a gallery photo without an ImageNet label', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ samples: [] })));
    await expect(loadSample('coffee', 224)).rejects.toThrow('The sample "coffee" has no ImageNet label, which a batch needs.');
  });
});
