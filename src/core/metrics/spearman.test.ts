import { lcg } from '../../test/random';
import { describe, expect, it } from 'vitest';
import { MetricInputError } from './errors';
import { spearman, spearmanAgainst } from './spearman';

/** Independent reference: O(n²) average ranks straight from the definition, then Pearson. */
function referenceSpearman(a: number[], b: number[]): number {
  const rank = (v: number[]) =>
    v.map((x) => v.filter((y) => y < x).length + (v.filter((y) => y === x).length + 1) / 2);
  const ra = rank(a), rb = rank(b);
  const m = (a.length + 1) / 2;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (ra[i] - m) * (rb[i] - m);
    aa += (ra[i] - m) ** 2;
    bb += (rb[i] - m) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}


describe('spearman, hand-computed', () => {
  it('averages tied ranks: [1,2,2,3] vs [1,3,2,4] gives 3/√10', () => {
    // ranks [1, 2.5, 2.5, 4] and [1, 3, 2, 4]; deviations from 2.5 give Σab = 4.5, Σa² = 4.5, Σb² = 5.
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(3 / Math.sqrt(10), 12);
  });

  it('is 0.5 for [1,2,3] against [1,3,2]', () => {
    // 1 − 6Σd²/(n(n²−1)) = 1 − 6·2/24.
    expect(spearman([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 12);
  });

  it('ties −0 with +0', () => {
    expect(spearman(Float32Array.from([-0, 0, 1]), [1, 2, 3])).toBeCloseTo(referenceSpearman([0, 0, 1], [1, 2, 3]), 12);
  });

  it('orders negative values correctly (float key mapping)', () => {
    expect(spearman(Float32Array.from([-3, -1.5, -2, 0.5, -0.25]), [1, 3, 2, 5, 4])).toBeCloseTo(1, 12);
  });
});

describe('spearman, identities and properties', () => {
  const rand = lcg(7);
  const a = Float32Array.from({ length: 500 }, () => rand());

  it('is 1 with a monotone transform and −1 with the reverse', () => {
    expect(spearman(a, a.map((x) => Math.exp(3 * x) + 2))).toBeCloseTo(1, 12);
    expect(spearman(a, a.map((x) => -x))).toBeCloseTo(-1, 12);
  });

  it('is invariant to positive scaling and shifting', () => {
    const b = Float32Array.from({ length: 500 }, () => rand());
    const r = spearman(a, b)!;
    expect(spearman(a.map((x) => x * 255 + 3), b.map((x) => x / 7))).toBeCloseTo(r, 12);
  });

  it('matches the definition on random maps with many ties, and stays in [−1, 1]', () => {
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + Math.floor(rand() * 200);
      const levels = 1 + Math.floor(rand() * 6);
      const x = Array.from({ length: n }, () => Math.floor(rand() * levels) / 4 - 0.5);
      const y = Array.from({ length: n }, (_, i) => (rand() < 0.5 ? x[i] : Math.floor(rand() * 5)));
      const r = spearman(Float32Array.from(x), Float32Array.from(y));
      const expected = referenceSpearman(x, y);
      if (Number.isNaN(expected)) expect(r).toBeNull();
      else {
        expect(r!).toBeCloseTo(expected, 10);
        expect(Math.abs(r!)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('uses exact float64 values when they do not fit float32', () => {
    const x = [1, 1 + 1e-12, 1 + 2e-12, 0]; // all equal once rounded to float32
    expect(spearman(x, [2, 3, 4, 1])).toBeCloseTo(1, 12);
  });

  it('gives the same result when the buffers are reused for another size and back', () => {
    const b = a.map((x, i) => x + (i % 3));
    const first = spearman(a, b);
    spearman([1, 2, 3], [3, 1, 2]);
    expect(spearman(a, b)).toBe(first);
  });
});

describe('spearman, undefined and bad input', () => {
  it('is null for a constant map (e.g. zero perturbation)', () => {
    expect(spearman(new Float32Array(9), Float32Array.from({ length: 9 }, (_, i) => i))).toBeNull();
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNull();
  });
  it('is null for fewer than two values', () => {
    expect(spearman([1], [2])).toBeNull();
  });
  it('rejects maps of different sizes', () => {
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow(/same size, but got 2 and 3 values/);
  });
  it('rejects NaN, naming the map and index', () => {
    expect(() => spearman([1, 2, 3], [1, NaN, 3])).toThrow(MetricInputError);
    expect(() => spearman(Float32Array.from([1, NaN]), [1, 2])).toThrow(/first map holds NaN at index 1/);
  });
});

describe('spearmanAgainst', () => {
  it('gives the same ρ as spearman for every map scored against one reference', () => {
    const rand = lcg(11);
    const human = Float32Array.from({ length: 300 }, () => Math.round(rand() * 20) / 20);
    const score = spearmanAgainst(human);
    for (let t = 0; t < 5; t++) {
      const attack = Float32Array.from({ length: 300 }, () => rand() * rand());
      expect(score(attack)).toBeCloseTo(spearman(attack, human)!, 12);
    }
  });
  it('is null when the reference is constant, and names both maps on a size mismatch', () => {
    expect(spearmanAgainst([2, 2, 2])([1, 2, 3])).toBeNull();
    expect(() => spearmanAgainst([1, 2, 3])([1, 2])).toThrow(/the attack map has 2 values and the human map 3/);
    expect(() => spearmanAgainst([1, NaN])).toThrow(/The human map holds NaN at index 1/);
  });
});
