import { describe, expect, it } from 'vitest';
import { BubbleMapError, bubblesAlong, normaliseToUnit, parseStrokes, rasteriseBubbles } from './bubbleMask';

describe('bubble mask', () => {
  it('fills the pixels whose centres lie inside the circle (hand-counted)', () => {
    // 4×4 grid, centre (2,2) px, radius 1 px: pixel centres at distance √0.5 (the 4 around the centre) are inside,
    // the next ring (√2.5 ≈ 1.58) is outside.
    const mask = rasteriseBubbles([[{ x: 0.5, y: 0.5, r: 0.25 }]], 4);
    expect(Array.from(mask)).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('approaches the circle area on a fine grid and unions overlapping bubbles', () => {
    const size = 256;
    const one = rasteriseBubbles([[{ x: 0.5, y: 0.5, r: 0.1 }]], size).reduce((a, b) => a + b, 0);
    expect(one / (Math.PI * (0.1 * size) ** 2)).toBeCloseTo(1, 2);
    const twice = rasteriseBubbles([[{ x: 0.5, y: 0.5, r: 0.1 }], [{ x: 0.5, y: 0.5, r: 0.1 }]], size);
    expect(Math.max(...twice)).toBe(1);
    expect(twice.reduce((a, b) => a + b, 0)).toBe(one);
  });

  it('clips bubbles at the border', () => {
    const mask = rasteriseBubbles([[{ x: 0, y: 0, r: 0.25 }]], 4);
    expect(Array.from(mask)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('spaces drag bubbles half a radius apart and clamps to the image', () => {
    const trail = bubblesAlong({ x: 0, y: 0.5, r: 0.1 }, { x: 0.2, y: 0.5 }, 0.1);
    expect(trail.map((b) => Number(b.x.toFixed(3)))).toEqual([0.05, 0.1, 0.15, 0.2]);
    expect(bubblesAlong(null, { x: 1.5, y: -1 }, 0.1)).toEqual([{ x: 1, y: 0, r: 0.1 }]);
  });

  it('normalises to a maximum of 1', () => {
    expect(Array.from(normaliseToUnit(new Float32Array([0, 0.5, 2])))).toEqual([0, 0.25, 1]);
    expect(Array.from(normaliseToUnit(new Float32Array([0, 0])))).toEqual([0, 0]);
  });

  it('reads stored strokes and rejects broken ones with full sentences', () => {
    expect(parseStrokes('[[{"x":0.1,"y":0.2,"r":0.05}]]', 'chelsea')).toEqual([[{ x: 0.1, y: 0.2, r: 0.05 }]]);
    expect(() => parseStrokes('{', 'chelsea')).toThrow(new BubbleMapError('The drawn map stored for chelsea is not valid JSON.'));
    expect(() => parseStrokes('[[{"x":0.1}]]', 'coffee')).toThrow('The drawn map stored for coffee is not a list of bubble strokes.');
    expect(() => rasteriseBubbles([], 0)).toThrow(/positive whole size, not 0/);
  });
});
