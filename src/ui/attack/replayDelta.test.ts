import { describe, expect, it } from 'vitest';
import { REPLAY_BUDGET_BYTES, poolDelta, replayFactor } from './replayDelta';

const img = (data: number[], width: number, height: number) => ({ data: new Float32Array(data), width, height, channels: 3 as const, full: true });

describe('replay δ', () => {
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
