import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../core/results/aggregate';
import type { ResultRecord } from '../../core/results/types';
import { axisTitles, comparabilityNotes, coordOf, imagePoints, protocolLinks, tablePoints, userPoints } from './scatterData';

const se = (mean: number | null, n = 2) => ({ mean, sem: mean === null ? null : 0.1, n });
const summary = (modelId: string, protocol: ModelSummary['protocol'], pt: number | null): ModelSummary => ({
  modelId, modelName: modelId, family: 'f', protocol, pt: se(pt), aa: se(0.2), total: 2, misclassified: 0, failed: 0, undefinedAlignment: 0, noHumanMap: 0, jobFailed: 0,
});

describe('scatter data', () => {
  it('leaves out models whose every image was excluded', () => {
    const pts = userPoints([summary('a', 'interactive', 0.2), summary('b', 'interactive', null)], () => 70);
    expect(pts.map((p) => [p.model, p.robustness, p.top1, p.n])).toEqual([['a', 0.2, 70, 2]]);
  });

  it('plots per-image points only for correct, successful runs, in the protocol convention', () => {
    const base = {
      batchId: 'b', modelId: 'm', modelName: 'm', family: 'f', label: 1, cleanPrediction: 1, linf: 0.1,
      alignmentMean: 0.3, alignmentMax: 0.6, gradEvals: 1, wallMs: 1, backend: 'cpu', attack: 'fmn', steps: 1, finishedAt: 0,
    };
    const recs = [
      { ...base, id: '1', imageId: 'x', cleanCorrect: true, success: true, l2: 0.2, protocol: '2025-corrected' },
      { ...base, id: '2', imageId: 'y', cleanCorrect: false, success: true, l2: 0.2, protocol: 'interactive' },
      { ...base, id: '3', imageId: 'z', cleanCorrect: true, success: false, l2: null, protocol: 'interactive' },
    ] as ResultRecord[];
    const pts = imagePoints(recs, () => null);
    expect(pts).toHaveLength(1);
    expect(pts[0].imageId).toBe('x');
    expect(pts[0].alignment).toBeCloseTo(0.6 / 0.65753, 12);
  });

  it('gives a per-row protocol of an imported table precedence over the chosen one', () => {
    const pts = tablePoints(
      [{ model: 'a', pt: 1, aa: 0.1, pt_sem: null, aa_sem: null, protocol: 'interactive' }, { model: 'b', pt: 2, aa: 0.2, pt_sem: null, aa_sem: null }],
      'import', '2025-published', () => null,
    );
    expect(pts.map((p) => p.protocol)).toEqual(['interactive', '2025-published']);
  });

  it('maps points to each mode and skips those missing a coordinate', () => {
    const [p] = userPoints([summary('a', 'interactive', 0.2)], () => null);
    expect(coordOf(p, 'robustness-alignment')).toEqual({ x: 0.2, y: 0.2, xErr: 0.1, yErr: 0.1 });
    expect(coordOf(p, 'top1-robustness')).toBeNull();
    const [q] = userPoints([summary('a', 'interactive', 0.2)], () => 55);
    expect(coordOf(q, 'top1-alignment')).toEqual({ x: 55, y: 0.2, xErr: null, yErr: 0.1 });
  });

  it('links only a model seen under both 2025 protocols', () => {
    const pts = userPoints(
      [summary('a', '2025-published', 1.5), summary('a', '2025-corrected', 0.3), summary('b', '2025-corrected', 0.3), summary('c', 'interactive', 0.3)],
      () => null,
    );
    expect(protocolLinks(pts).map((l) => [l.model, l.from.robustness, l.to.robustness])).toEqual([['a', 1.5, 0.3]]);
    expect(comparabilityNotes(pts)).toEqual(['Your runs mix protocols; each point is labelled with its own.']);
  });

  it('names the robustness units and the protocol on the axes', () => {
    const pts = userPoints([summary('a', '2025-corrected', 0.3)], () => null);
    expect(axisTitles('robustness-alignment', pts)).toEqual({
      x: 'Robustness: mean ‖δ‖₂ of successful minimal adversarials ([0,1] pixels) — 2025 follow-up, corrected FMN',
      y: 'Alignment: mean Spearman ρ(attack map, human map)',
      yNote: 'attack map |max over channels of δ|, ρ ÷ 0.65753',
    });
  });
});
