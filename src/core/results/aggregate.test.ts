import { describe, expect, it } from 'vitest';
import { aggregateByModel, meanSe } from './aggregate';
import { HUMAN_CEILING, type ResultRecord } from './types';

function rec(over: Partial<ResultRecord>): ResultRecord {
  const base: ResultRecord = {
    id: '', batchId: 'b', modelId: 'm1', modelName: 'm1', family: 'mobilenet', imageId: 'i',
    label: 1, cleanPrediction: 1, cleanCorrect: true, success: true, l2: 1, linf: 0.1,
    alignmentMean: 0.1, alignmentMax: 0.2, gradEvals: 100, wallMs: 10, backend: 'cpu',
    protocol: 'interactive', attack: 'fmn', steps: 100, finishedAt: 0,
  };
  const r = { ...base, ...over };
  return { ...r, id: `${r.batchId}|${r.modelId}|${r.imageId}` };
}

describe('meanSe', () => {
  it('matches a hand-computed mean and standard error', () => {
    // values 1, 2, 3, 6: mean 3, deviations -2,-1,0,3 → ss 14, sd √(14/3), sem √(14/3)/2
    const r = meanSe([1, 2, 3, 6]);
    expect(r.mean).toBe(3);
    expect(r.sem).toBeCloseTo(Math.sqrt(14 / 3) / 2, 12);
    expect(r.n).toBe(4);
  });
  it('has no spread for one value and nothing for none', () => {
    expect(meanSe([2.5])).toEqual({ mean: 2.5, sem: null, n: 1 });
    expect(meanSe([])).toEqual({ mean: null, sem: null, n: 0 });
  });
});

describe('aggregateByModel', () => {
  it('averages only correct and successful images and counts the rest', () => {
    const rows = [
      rec({ imageId: 'a', l2: 0.2, alignmentMean: 0.1 }),
      rec({ imageId: 'b', l2: 0.4, alignmentMean: 0.3 }),
      rec({ imageId: 'c', l2: 0.9, alignmentMean: 0.5 }),
      rec({ imageId: 'd', cleanCorrect: false, cleanPrediction: 7, l2: 50, alignmentMean: 0.9 }),
      rec({ imageId: 'e', success: false, l2: null, linf: null, alignmentMean: null }),
      rec({ imageId: 'f', l2: 0.5, alignmentMean: null }),
    ];
    const [s] = aggregateByModel(rows);
    // pt over a, b, c, f: 0.2, 0.4, 0.9, 0.5 → mean 0.5; deviations -.3 -.1 .4 0 → ss 0.26
    expect(s.pt.n).toBe(4);
    expect(s.pt.mean).toBeCloseTo(0.5, 12);
    expect(s.pt.sem).toBeCloseTo(Math.sqrt(0.26 / 3) / 2, 12);
    // aa over a, b, c (f has an undefined ρ): mean 0.3, ss 0.08 → sem √(0.04)/√3
    expect(s.aa.n).toBe(3);
    expect(s.aa.mean).toBeCloseTo(0.3, 12);
    expect(s.aa.sem).toBeCloseTo(0.2 / Math.sqrt(3), 12);
    expect(s).toMatchObject({ total: 6, misclassified: 1, failed: 1, undefinedAlignment: 1 });
  });

  it('uses the max-channel map divided by the ceiling under the 2025 protocols', () => {
    const rows = [
      rec({ protocol: '2025-corrected', imageId: 'a', alignmentMean: 0.9, alignmentMax: 0.2 }),
      rec({ protocol: '2025-corrected', imageId: 'b', alignmentMean: 0.9, alignmentMax: 0.4 }),
    ];
    const [s] = aggregateByModel(rows);
    expect(s.aa.mean).toBeCloseTo(0.3 / HUMAN_CEILING, 12);
  });

  it('keeps one summary per model and protocol, in order of appearance', () => {
    const rows = [
      rec({ modelId: 'm2', modelName: 'm2', l2: 2 }),
      rec({ modelId: 'm1', l2: 1 }),
      rec({ modelId: 'm2', modelName: 'm2', protocol: '2025-published', l2: 3 }),
      rec({ modelId: 'm2', modelName: 'm2', imageId: 'j', l2: 4 }),
    ];
    const s = aggregateByModel(rows);
    expect(s.map((x) => [x.modelId, x.protocol, x.pt.mean])).toEqual([
      ['m2', 'interactive', 3],
      ['m1', 'interactive', 1],
      ['m2', '2025-published', 3],
    ]);
  });

  it('gives no mean when every image was excluded', () => {
    const [s] = aggregateByModel([rec({ cleanCorrect: false })]);
    expect(s.pt).toEqual({ mean: null, sem: null, n: 0 });
    expect(s.misclassified).toBe(1);
  });
});
