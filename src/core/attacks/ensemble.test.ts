import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createAttack, runToEnd } from './createAttack';
import { defaultConfig } from './defaults';
import { ensemblePhases } from './ensemble';
import { LINEAR_MIN_L2 as MIN_L2, useLinearFixture } from './testing/linearFixture';
import type { AttackConfig } from './types';

const fx = useLinearFixture();
const { expectValidAdversarial } = fx;
const run = (overrides: Partial<AttackConfig> = {}) => fx.attack('ensemble', overrides);

describe('ensemblePhases', () => {
  const p = { fmnShare: 0.4, ddnShare: 0.3, ddnEpsInit: 1, refineAlphaMax: 0.5 };
  it('splits the budget 40/30/30 by default and the phases add up to it exactly', () => {
    expect(ensemblePhases(200, p)).toEqual([
      { id: 'fmn', steps: 80 },
      { id: 'ddn', steps: 60 },
      { id: 'fmn-refine', steps: 60 },
    ]);
    for (const budget of [1, 2, 3, 7, 99, 1000]) {
      expect(ensemblePhases(budget, p).reduce((s, ph) => s + ph.steps, 0)).toBe(budget);
    }
    expect(ensemblePhases(1, p)).toEqual([{ id: 'fmn', steps: 1 }]);
  });

  it('rejects shares that do not fit in the budget', () => {
    expect(() => ensemblePhases(100, { ...p, fmnShare: 0.8, ddnShare: 0.3 })).toThrow(/shares/);
    expect(() => ensemblePhases(100, { ...p, fmnShare: 0 })).toThrow(/shares/);
    expect(() => createAttack(fx.model.logitsFn, fx.x0, defaultConfig('ensemble', { params: { ensemble: { ddnEpsInit: -1 } } }))).toThrow(/positive/);
  });
});

describe('the ensemble on a linear model with a known minimal L2 of 0.3', () => {
  it('finds it within 2 %, spends exactly its gradient budget, and labels every step with its phase', async () => {
    const { result, reports } = await run({ steps: 100 });
    expectValidAdversarial(result);
    expect(result.attack).toBe('ensemble');
    expect(result.l2!).toBeGreaterThanOrEqual(MIN_L2 * (1 - 1e-4));
    expect(result.l2!).toBeLessThan(MIN_L2 * 1.02);
    expect(result.gradEvals).toBe(100);
    expect(reports.at(-1)!.gradEvals).toBe(100);
    // 40 + 30 + 30 gradients, and each phase also evaluates its last point forward-only.
    expect(reports).toHaveLength(103);
    expect(reports.map((r) => r.step)).toEqual(reports.map((_, i) => i));
    for (const r of reports) expect(r.totalSteps).toBe(102);
    const phaseOf = (i: number) => reports[i].phase!;
    expect([phaseOf(0), phaseOf(40), phaseOf(41), phaseOf(71), phaseOf(72), phaseOf(102)].map((p) => p.id)).toEqual([
      'fmn', 'fmn', 'ddn', 'ddn', 'fmn-refine', 'fmn-refine',
    ]);
    expect(phaseOf(72)).toEqual({ index: 2, id: 'fmn-refine', count: 3 });
    // The DDN phase starts from fx.x0 with ε₀ = 1; the refining phase starts on the best adversarial.
    expect(reports[41].l2).toBe(0);
    expect(reports[42].eps).toBeCloseTo(1.05, 6);
    expect(reports[72].isAdversarial).toBe(true);
    expect(reports[72].l2).toBeCloseTo(reports[71].bestL2!, 5);
    // The best so far never increases across phases, and ends at the result.
    for (let i = 1; i < reports.length; i++) if (reports[i - 1].bestL2 !== null) expect(reports[i].bestL2!).toBeLessThanOrEqual(reports[i - 1].bestL2!);
    expect(reports.at(-1)!.bestL2).toBe(result.l2);
  });

  it('ends at or below the best norm of its own FMN phase, and that phase is FMN run alone', async () => {
    for (const [budget, fmnSteps] of [[10, 4], [20, 8], [50, 20], [100, 40]]) {
      const { result, reports } = await run({ steps: budget });
      // Phase 0 reports its start and one step per gradient; before any other phase its bestL2 is its own.
      const fmnPhase = reports.filter((r) => r.phase!.index === 0);
      expect(fmnPhase).toHaveLength(fmnSteps + 1);
      const fmnBest = fmnPhase.at(-1)!.bestL2;
      const fmnAlone = await runToEnd(fx.model.logitsFn, fx.x0, defaultConfig('fmn', { steps: fmnSteps, previewSize: 0 }));
      expect(fmnBest).toBe(fmnAlone.l2);
      expect(result.success).toBe(true);
      // FMN can stop exactly on this model's boundary (margin 0 is not adversarial): then it has no norm at all.
      if (fmnBest !== null) expect(result.l2!).toBeLessThanOrEqual(fmnBest);
    }
  });

  it('reaches a targeted class too (its half-space lies 0.5 away)', async () => {
    const { result } = await run({ steps: 60, target: 3 });
    expectValidAdversarial(result);
    expect(result.advClass).toBe(3);
    expect(result.l2!).toBeGreaterThanOrEqual(0.5 * (1 - 1e-4));
    expect(result.l2!).toBeLessThan(0.5 * 1.02);
  });

  it('frees its tensors when cancelled in the middle of a phase', async () => {
    const before = tf.memory().numTensors;
    const attack = createAttack(fx.model.logitsFn, fx.x0, defaultConfig('ensemble', { steps: 20, previewSize: 0 }));
    for (let i = 0; i < 12; i++) await attack.step();
    const partial = await attack.result();
    expect(partial.gradEvals).toBe(11);
    attack.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(attack.step()).rejects.toThrow(/disposed/);
  });
});
