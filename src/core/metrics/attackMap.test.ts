import { describe, expect, it } from 'vitest';
import { createImage } from '../image/types';
import { attackMap } from './attackMap';

// Two pixels: δ = [0.1, −0.3, 0.5] and [−0.2, −0.4, −0.6].
const delta = createImage(2, 1, 3, Float32Array.from([0.1, -0.3, 0.5, -0.2, -0.4, -0.6]));

describe('attackMap', () => {
  it("'mean' is |mean over channels|: 0.1 and 0.4", () => {
    const m = attackMap(delta, 'mean');
    expect([m.width, m.height, m.channels]).toEqual([2, 1, 1]);
    expect(m.data[0]).toBeCloseTo(0.1, 6);
    expect(m.data[1]).toBeCloseTo(0.4, 6);
  });

  it("'max' takes the signed maximum, then its magnitude: 0.5 and 0.2 (not max |δ| = 0.6)", () => {
    const m = attackMap(delta, 'max');
    expect(m.data[0]).toBeCloseTo(0.5, 6);
    expect(m.data[1]).toBeCloseTo(0.2, 6);
  });

  it("defaults to 'mean'", () => {
    expect(attackMap(delta).data).toEqual(attackMap(delta, 'mean').data);
  });
});
