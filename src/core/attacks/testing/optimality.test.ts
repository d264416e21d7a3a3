import { describe, expect, it } from 'vitest';
import { bestKnown, formatExcess, summariseRatios } from './optimality';

describe('optimality (norm over best known)', () => {
  it('best known is the smallest norm found, ignoring failed attacks', () => {
    expect(bestKnown([0.3, null, 0.25, undefined, 0.4])).toBe(0.25);
    expect(bestKnown([null, null])).toBeNull();
  });

  it('summarises ratios by median, worst and the rows within 1, 2 and 5 percent', () => {
    // Hand-counted: 1, 1.005 and 1.01 are within 1 %; 1.02 within 2 %; 1.04 within 5 %; the failure in none.
    const s = summariseRatios([1.04, 1, 1.02, null, 1.005, 1.01]);
    expect(s).toEqual({ rows: 6, median: (1.01 + 1.02) / 2, worst: Infinity, within1: 3, within2: 4, within5: 5 });
    expect(summariseRatios([1.1, 1, 1.3]).median).toBe(1.1);
  });

  it('prints the excess over best known in percent', () => {
    expect(formatExcess(1.0123)).toBe('+1.2 %');
    expect(formatExcess(1)).toBe('+0.0 %');
    expect(formatExcess(null)).toBe('—');
  });
});
