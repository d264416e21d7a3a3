import * as d3 from 'd3';
import { describe, expect, it } from 'vitest';
import { describeReading, importanceFromRgba } from './importanceMap';
import { ImageShapeError } from './types';

/** A 1-row RGBA picture from 8-bit RGB triples. */
function rgbaRow(colours: [number, number, number][]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(colours.length * 4);
  colours.forEach(([r, g, b], i) => out.set([r, g, b, 255], i * 4));
  return out;
}

const ts = Array.from({ length: 101 }, (_, i) => i / 100);
// Written out here from MATLAB's definition, independently of the module's table.
const jet = (t: number): [number, number, number] =>
  [4 * t - 3, 4 * t - 2, 4 * t - 1].map((u) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(u))))) as [number, number, number];
const fromD3 = (f: (t: number) => string) => (t: number): [number, number, number] => {
  const c = d3.rgb(f(t));
  return [c.r, c.g, c.b];
};

describe('importanceFromRgba', () => {
  it('reads a gray picture by its exact 8-bit levels', () => {
    const levels = [0, 1, 37, 128, 254, 255];
    const { map, reading } = importanceFromRgba(rgbaRow(levels.map((v) => [v, v, v])), levels.length, 1);
    expect(reading).toEqual({ kind: 'grayscale' });
    expect([...map.data]).toEqual(levels.map((v) => Math.fround(v / 255)));
  });

  it('averages the small channel noise of a gray JPEG', () => {
    const { map, reading } = importanceFromRgba(rgbaRow([[100, 102, 98], [200, 197, 203]]), 2, 1);
    expect(reading.kind).toBe('grayscale');
    expect(map.data[0]).toBeCloseTo(100 / 255, 6);
    expect(map.data[1]).toBeCloseTo(200 / 255, 6);
  });

  it.each([
    ['jet', jet],
    ['viridis', fromD3(d3.interpolateViridis)],
    ['turbo', fromD3(d3.interpolateTurbo)],
    ['plasma', fromD3(d3.interpolatePlasma)],
    ['inferno', fromD3(d3.interpolateInferno)],
    ['magma', fromD3(d3.interpolateMagma)],
  ] as const)('reads a %s picture back to the values it encodes', (name, colour) => {
    const { map, reading } = importanceFromRgba(rgbaRow(ts.map(colour)), ts.length, 1);
    expect(reading).toEqual({ kind: 'colour-map', name });
    // Within the 8-bit quantisation of a 256-step map (jet's flat ends excepted, where colours repeat).
    ts.forEach((t, i) => {
      if (name === 'jet' && (t < 0.125 || t > 0.875)) return;
      expect(Math.abs(map.data[i] - t), `t = ${t}`).toBeLessThanOrEqual(2.5 / 255);
    });
    // Order is what Spearman sees: strictly non-decreasing along the encoded values.
    for (let i = 1; i < ts.length; i++) expect(map.data[i]).toBeGreaterThanOrEqual(map.data[i - 1]);
  });

  it('falls back to Rec. 709 brightness for colours that follow no map', () => {
    const colours: [number, number, number][] = [[255, 0, 255], [0, 255, 0], [30, 200, 90], [250, 250, 10], [10, 10, 250]];
    const { map, reading } = importanceFromRgba(rgbaRow(colours), colours.length, 1);
    expect(reading.kind).toBe('luminance');
    colours.forEach(([r, g, b], i) => expect(map.data[i]).toBeCloseTo((0.2126 * r + 0.7152 * g + 0.0722 * b) / 255, 5));
    expect(describeReading(reading)).toMatch(/no known colour map/);
  });

  it('refuses a buffer that does not match the stated size', () => {
    expect(() => importanceFromRgba(new Uint8ClampedArray(12), 2, 2)).toThrow(ImageShapeError);
  });
});
