import { describe, expect, it } from 'vitest';
import { readoutClass } from './readoutClass';

describe('readoutClass', () => {
  it('is the ImageNet class for the 1000-class read-out and its group for the binary one', () => {
    expect(readoutClass('1000-class', 397)).toBe(397);
    // 0–397 are animals (group 0), 398–999 objects (group 1).
    expect([0, 397, 398, 999].map((c) => readoutClass('binary', c))).toEqual([0, 0, 1, 1]);
  });
});
