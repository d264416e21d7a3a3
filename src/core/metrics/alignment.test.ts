import { describe, expect, it } from 'vitest';
import { createImage } from '../image/types';
import { alignment, alignmentScorer } from './alignment';
import { HUMAN_CEILING } from './clickme';

const human = createImage(3, 2, 1, Float32Array.from([0.1, 0.9, 0.5, 0.3, 0.7, 0.2]));
/** δ whose channel mean is −2·human and whose channel max is +human: both maps rank like the human map. */
const delta = createImage(3, 2, 3, Float32Array.from(Array.from(human.data).flatMap((h) => [-7 * h, h, 0])));

describe('alignment', () => {
  it('is 1 when the attack map ranks pixels as the human map does, in both conventions', () => {
    expect(alignment(delta, human)).toBeCloseTo(1, 12);
    expect(alignment(delta, human, { convention: 'max' })).toBeCloseTo(1, 12);
  });

  it('divides by the human ceiling on request', () => {
    expect(alignment(delta, human, { divideByCeiling: true })).toBeCloseTo(1 / HUMAN_CEILING, 12);
  });

  it('is undefined (null) for a zero perturbation, never 0', () => {
    expect(alignment(createImage(3, 2, 3), human)).toBeNull();
    expect(alignment(createImage(3, 2, 3), human, { divideByCeiling: true })).toBeNull();
  });

  it('scores many steps against one human map', () => {
    const score = alignmentScorer(human);
    expect(score(delta)).toBeCloseTo(1, 12);
    const flipped = createImage(3, 2, 3, delta.data.map((v, i) => (i % 3 === 1 ? -v + 1 : 0)));
    // Channel mean (1 − h)/3 reverses the order of h.
    expect(score(flipped)).toBeCloseTo(-1, 12);
  });

  it('rejects a perturbation of another size, and a colour human map', () => {
    expect(() => alignment(createImage(2, 2, 3), human)).toThrow(/perturbation is 2×2 but the human map is 3×2/);
    expect(() => alignmentScorer(createImage(3, 2, 3))).toThrow(/must have one channel/);
  });
});
