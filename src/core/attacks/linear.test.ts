import { describe, expect, it } from 'vitest';
import { LINEAR_MIN_L2 as MIN_L2, useLinearFixture } from './testing/linearFixture';

const fx = useLinearFixture();
const { attack, expectValidAdversarial } = fx;

describe('minimal-norm attacks on a linear model with a known minimal L2 of 0.3', () => {
  it('FMN (100 steps) reaches it within 5 % and every projection stays inside ε', async () => {
    const { result, reports } = await attack('fmn');
    expectValidAdversarial(result);
    expect(result.l2!).toBeGreaterThanOrEqual(MIN_L2 * (1 - 1e-4));
    expect(result.l2!).toBeLessThan(MIN_L2 * 1.05);
    expect(result.gradEvals).toBe(100);
    expect(reports).toHaveLength(101);
    for (const r of reports.slice(1)) expect(r.l2).toBeLessThanOrEqual(r.eps! * (1 + 1e-5));
  });

  it('DDN (100 steps) reaches it within 5 %, on the ε-sphere or inside it', async () => {
    const { result, reports } = await attack('ddn');
    expectValidAdversarial(result);
    expect(result.l2!).toBeGreaterThanOrEqual(MIN_L2 * (1 - 1e-4));
    expect(result.l2!).toBeLessThan(MIN_L2 * 1.05);
    for (const r of reports.slice(1)) expect(r.l2).toBeLessThanOrEqual(r.eps! * (1 + 1e-5));
  });

  it('DeepFool lands at (1 + overshoot) times the distance and stops once adversarial', async () => {
    const { result, reports } = await attack('deepfool');
    expectValidAdversarial(result);
    // A linear model is its own linearisation: one step reaches the boundary exactly.
    expect(result.l2!).toBeCloseTo(MIN_L2 * 1.02, 3);
    expect(reports).toHaveLength(2);
    expect(result.gradEvals).toBe(3); // one batched gradient over the 3 other classes
  });

  it('PGD with the ε bisection never goes below it, and its iterates respect ε', async () => {
    const { result, reports } = await attack('pgd-bisect', { params: { 'pgd-bisect': { alpha: 0.5 } } });
    expectValidAdversarial(result);
    expect(result.l2!).toBeGreaterThanOrEqual(MIN_L2 * (1 - 1e-4));
    expect(result.eps!).toBeGreaterThanOrEqual(result.l2! * (1 - 1e-5));
    expect(result.eps!).toBeLessThan(0.45);
    for (const r of reports.slice(1)) expect(r.l2).toBeLessThanOrEqual(r.eps! * (1 + 1e-5));
    // 10, 1, then 7 bisections of [0.001, 1]: 9 rounds of 3 sub-steps, 2 gradients each, plus the clean one.
    expect(reports.at(-1)!.step).toBe(27);
    expect(result.gradEvals).toBe(1 + 9 * 2);
  });

  it('PGD with the authors\' revision defaults (α = 1/255, 3 steps) cannot reach 0.3 and says "not attackable"', async () => {
    const { result, reports } = await attack('pgd-bisect');
    expect(result.success).toBe(false);
    expect(result.notAttackable).toBe(true);
    expect(result.bestDelta).toBeNull();
    expect(reports.at(-1)!.l2).toBeCloseTo(3 / 255, 4);
  });
});

describe('fixed-budget L∞ attacks', () => {
  it('FGSM moves every pixel by ε = 0.1 and crosses the boundary', async () => {
    const { result, reports } = await attack('fgsm', { params: { fgsm: { eps: 0.1 } } });
    expectValidAdversarial(result);
    expect(reports.at(-1)!.linf).toBeCloseTo(0.1, 5);
    expect(result.linf!).toBeCloseTo(0.1, 5);
  });

  it('PGD L∞ keeps ‖δ‖∞ ≤ ε and is deterministic for a seed', async () => {
    const cfg = { params: { 'pgd-linf': { eps: 0.08, alpha: 0.02 } }, seed: 7 };
    const a = await attack('pgd-linf', cfg);
    const b = await attack('pgd-linf', cfg);
    const c = await attack('pgd-linf', { ...cfg, seed: 8 });
    for (const r of a.reports) expect(r.linf).toBeLessThanOrEqual(0.08 + 1e-6);
    expect(b.reports.map((r) => r.l2)).toEqual(a.reports.map((r) => r.l2));
    expect(c.reports[0].l2).not.toBe(a.reports[0].l2);
    expectValidAdversarial(a.result);
  });
});

describe('targeted and as-published variants', () => {
  it.each(['fmn', 'ddn'] as const)('targeted %s reaches class 3 within 5 percent of its half-space distance 0.5', async (id) => {
    const { result } = await attack(id, { target: 3 });
    expectValidAdversarial(result);
    expect(result.advClass).toBe(3);
    // Reaching class 3 needs at least f_3 ≥ f_0, whose half-space lies 0.5 away.
    expect(result.l2!).toBeGreaterThanOrEqual(0.5 * (1 - 1e-4));
    expect(result.l2!).toBeLessThan(0.5 * 1.05);
  });

  it('FMN as published (no ε projection) reports about one step, far above the minimal 0.3', async () => {
    const { result } = await attack('fmn-as-published', { steps: 200 });
    expectValidAdversarial(result);
    // The first iterate is a unit step along the margin gradient, already past the boundary.
    expect(result.l2!).toBeGreaterThan(0.9);
    expect(result.l2!).toBeLessThanOrEqual(1 + 1e-4);
  });
});
