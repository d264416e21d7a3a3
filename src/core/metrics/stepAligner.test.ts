import { describe, expect, it } from 'vitest';
import { makeStepAligner } from './stepAligner';

const img = (data: number[], width: number, height: number) => ({ data: new Float32Array(data), width, height, channels: 3 as const, full: true });

describe('step aligner', () => {
  it('is 1 for an attack map ranked like the human map and −1 reversed', () => {
    const human = new Float32Array([0, 0.2, 0.5, 1]);
    const align = makeStepAligner(human);
    // |mean δ| = |max δ| = 0.01, 0.02, 0.03, 0.04 — same order as the human map.
    const same = img([0.01, 0.01, 0.01, 0.02, 0.02, 0.02, 0.03, 0.03, 0.03, 0.04, 0.04, 0.04], 2, 2);
    expect(align(same).mean).toBeCloseTo(1, 12);
    expect(align(same).max).toBeCloseTo(1, 12);
    const reversed = img([0.04, 0.04, 0.04, 0.03, 0.03, 0.03, 0.02, 0.02, 0.02, 0.01, 0.01, 0.01], 2, 2);
    expect(align(reversed).mean).toBeCloseTo(-1, 12);
    expect(align(reversed).max).toBeCloseTo(-1, 12);
  });

  it('tells the conventions apart: the signed max, then its magnitude', () => {
    const human = new Float32Array([0, 0.2, 0.5, 1]);
    // Pixel means 0.01…0.04 rise with the human map; pixel maxima 0.4, 0.3, 0.2, 0.1 fall.
    const d = img([0.4, -0.2, -0.17, 0.3, -0.12, -0.12, 0.2, -0.05, -0.06, 0.1, 0.01, 0.01], 2, 2);
    const a = makeStepAligner(human)(d);
    expect(a.mean).toBeCloseTo(1, 12);
    expect(a.max).toBeCloseTo(-1, 12);
  });

  it('is undefined (null) for δ = 0, without a human map, or for a preview of another size', () => {
    const human = new Float32Array([0, 0.2, 0.5, 1]);
    expect(makeStepAligner(human)(img(new Array(12).fill(0), 2, 2))).toEqual({ mean: null, max: null });
    expect(makeStepAligner(null)(img(new Array(12).fill(0.1), 2, 2))).toEqual({ mean: null, max: null });
    expect(makeStepAligner(human)(img(new Array(3).fill(0.1), 1, 1))).toEqual({ mean: null, max: null });
  });
});
