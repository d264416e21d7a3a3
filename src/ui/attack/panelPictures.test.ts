import { describe, expect, it } from 'vitest';
import { colormapLut } from '../charts/colormap';
import { fullSizeDelta, overlayMagnitude, panelPictures } from './panelPictures';

describe('panel pictures', () => {
  const clean = new Float32Array([0.5, 0.5, 0.5, 1, 1, 1, 0, 0, 0, 0.2, 0.5, 0.7]); // 2×2
  const delta = { data: new Float32Array([0.3, 0.3, 0.3, 0, 0, 0, 0, 0, 0, -0.3, -0.3, -0.3]), width: 2, height: 2, channels: 3 as const, full: true };

  it('adds δ with clipping and shows the clean image unchanged when there is no step', () => {
    const p = panelPictures(clean, 2, delta, null, 'rgb');
    expect(Array.from(p.adversarial.subarray(0, 4))).toEqual([204, 204, 204, 255]); // 0.8
    expect(Array.from(p.adversarial.subarray(12, 16))).toEqual([0, 51, 102, 255]); // (0.2, 0.5, 0.7) − 0.3 → 0, 0.2, 0.4
    const none = panelPictures(clean, 2, null, null, 'rgb');
    expect(none.adversarial).toBe(none.clean);
    expect(none.overlayMax).toBe(0);
  });

  it('overlays the magnitude: full colour at the largest |δ|, the human map where δ = 0', () => {
    const human = new Float32Array([0, 1, 0.5, 0]);
    const { rgba, max } = overlayMagnitude(delta.data, human, true);
    expect(max).toBeCloseTo(0.3, 6);
    const top = Array.from(colormapLut('inferno').subarray(255 * 3));
    expect(Array.from(rgba.subarray(0, 3))).toEqual(top);
    expect(Array.from(rgba.subarray(4, 8))).toEqual([255, 255, 255, 255]); // map 1, δ 0
    expect(Array.from(rgba.subarray(8, 12))).toEqual([128, 128, 128, 255]); // map 0.5, δ 0
  });

  it('repeats a pooled δ up to the model size', () => {
    const small = { data: new Float32Array([0.1, 0.2, 0.3]), width: 1, height: 1, channels: 3 as const, full: false };
    expect(Array.from(fullSizeDelta(small, 2))).toEqual(Array.from(new Float32Array([0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3])));
    expect(fullSizeDelta(delta, 2)).toBe(delta.data);
  });
});
