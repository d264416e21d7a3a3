import { beforeEach, describe, expect, it } from 'vitest';
import { loadSamples } from './samples';
import { sessionStore } from '../state/sessionStore';

describe('gallery samples in the app', () => {
  beforeEach(() => sessionStore.getState().reset());

  it('shows the photos and a notice saying how to install the ClickMe samples when they are missing', async () => {
    const samples = await loadSamples({ assetUrl: async () => null, samplesBase: '/samples/' });
    expect(samples.map((s) => s.id)).toEqual(['coffee', 'chelsea', 'astronaut', 'rocket', 'motorcycle_left']);
    const notices = sessionStore.getState().notices;
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/npm run assets/);
  });

  it('adds no notice when the ClickMe samples load', async () => {
    const index = { samples: [{ id: 'serre-lab_0', image: 'a.png', heatmap: 'b.png', label: 343, labelName: 'warthog' }] };
    const samples = await loadSamples({
      assetUrl: async (path) => `/assets/${path}`,
      fetchImpl: (async () => new Response(JSON.stringify(index))) as unknown as typeof fetch,
    });
    expect(samples[0]).toMatchObject({ id: 'serre-lab_0', heatmapUrl: '/assets/clickme-samples/b.png', label: 343 });
    expect(sessionStore.getState().notices).toEqual([]);
  });
});
