import { describe, expect, it } from 'vitest';
import { REPLAY_BUDGET_BYTES, makeStepAligner, poolDelta, replayFactor } from './stepAlignment';

const img = (data: number[], width: number, height: number) => ({ data: new Float32Array(data), width, height, channels: 3 as const, full: true });

describe('step alignment', () => {
  it('is 1 for an attack map ranked like the human map and −1 reversed', () => {
    const human = new Float32Array([0, 0.2, 0.5, 1]);
    const align = makeStepAligner(human);
    // |mean δ| = 0.01, 0.02, 0.03, 0.04 — same order as the human map.
    const same = img([0.01, 0.01, 0.01, 0.02, 0.02, 0.02, 0.03, 0.03, 0.03, 0.04, 0.04, 0.04], 2, 2);
    expect(align(same).mean).toBeCloseTo(1, 12);
    expect(align(same).max).toBeCloseTo(1, 12);
    const reversed = img([0.04, 0.04, 0.04, 0.03, 0.03, 0.03, 0.02, 0.02, 0.02, 0.01, 0.01, 0.01], 2, 2);
    expect(align(reversed).mean).toBeCloseTo(-1, 12);
  });

  it('is undefined (null) for δ = 0, without a human map, or for a preview of another size', () => {
    const human = new Float32Array([0, 0.2, 0.5, 1]);
    expect(makeStepAligner(human)(img(new Array(12).fill(0), 2, 2))).toEqual({ mean: null, max: null });
    expect(makeStepAligner(null)(img(new Array(12).fill(0.1), 2, 2))).toEqual({ mean: null, max: null });
    expect(makeStepAligner(human)(img(new Array(3).fill(0.1), 1, 1))).toEqual({ mean: null, max: null });
  });

  it('keeps full δ for 100 steps at 224 and pools longer runs to fit the budget', () => {
    expect(replayFactor(224, 100)).toBe(1);
    expect(replayFactor(224, 1000)).toBe(4);
    const f = replayFactor(224, 1000);
    expect(1000 * Math.ceil(224 / f) ** 2 * 12).toBeLessThanOrEqual(REPLAY_BUDGET_BYTES);
  });

  it('average-pools δ, edge blocks included', () => {
    // 3×1 image, one channel pattern repeated over RGB: pooling by 2 → [(1+3)/2, 5].
    const d = img([1, 1, 1, 3, 3, 3, 5, 5, 5], 3, 1);
    const p = poolDelta(d, 2);
    expect([p.width, p.height, p.full]).toEqual([2, 1, false]);
    expect(Array.from(p.data)).toEqual([2, 2, 2, 5, 5, 5]);
    expect(poolDelta(d, 1)).toBe(d);
  });
});
