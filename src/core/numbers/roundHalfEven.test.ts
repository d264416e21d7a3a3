import { describe, expect, it } from 'vitest';
import { roundHalfEven } from './roundHalfEven';

describe('roundHalfEven', () => {
  it('sends halves to the even neighbour, as Python round() does', () => {
    // Python: [round(v) for v in (0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6, 7)] == [0, 2, 2, 0, -2, -2, 2, 3, -3, 7]
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6, 7].map((v) => roundHalfEven(v) + 0)).toEqual([0, 2, 2, 0, -2, -2, 2, 3, -3, 7]);
  });
});
