import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { runToEnd } from './createAttack';
import { defaultConfig } from './defaults';
import { linearModel } from './testing/linearModel';
import type { AttackId, StepReport } from './types';

/**
 * An independent plain-JS transcription of foolbox's FMNAttackLp.run loop (fast_minimum_norm.py)
 * for the model f(x) = W (x ⊙ x) + b, whose margin gradient is (w_other − w_label) ⊙ 2x in closed
 * form. (Curved on purpose: on a linear model FMN's first ε estimate is exact and the iterate sits
 * on the boundary, where float rounding decides "adversarial".) `project: false` is foolbox 3.3's
 * L2 projection (factor min(1, ‖x‖/‖x‖) = 1); `true` is the working one.
 */
function foolboxFmn(m: Quadratic, w: number[][], steps: number, p: FoolboxParams) {
  const n = m.x0.length;
  let delta = new Array<number>(n).fill(0);
  let eps = Infinity;
  let best = Infinity;
  let advFound = false;
  const l2s: number[] = [];
  const clean = m.logitsOf(m.x0);
  const label = clean.indexOf(Math.max(...clean));
  const norm = (v: number[]) => Math.hypot(...v);
  for (let i = 0; i < steps; i++) {
    const c = (1 + Math.cos((Math.PI * i) / steps)) / 2;
    const stepsize = p.minStep + (p.maxStep - p.minStep) * c;
    const gamma = 0.001 + (p.gamma - 0.001) * c;
    const x = delta.map((d, k) => m.x0[k] + d);
    const logits = m.logitsOf(x);
    let other = label === 0 ? 1 : 0;
    for (let j = 0; j < logits.length; j++) if (j !== label && logits[j] > logits[other]) other = j;
    const loss = logits[label] - logits[other];
    const g = w[other].map((v, k) => (v - w[label][k]) * 2 * x[k]);
    const isAdv = loss < 0;
    const lp = norm(delta);
    l2s.push(lp);
    advFound ||= isAdv;
    if (isAdv && lp <= best) best = lp;
    const gNorm = norm(g);
    eps = isAdv ? Math.min(eps * (1 - gamma), best) : advFound ? eps * (1 + gamma) : lp + Math.abs(loss) / gNorm;
    // AlignScope's default scales the step by the ε just computed; foolbox's is absolute.
    const step = p.relative ? stepsize * eps : stepsize;
    delta = delta.map((d, k) => d + (step * g[k]) / Math.max(gNorm, 1e-12));
    if (p.project) {
      const f = Math.min(1, eps / Math.max(norm(delta), 1e-12));
      delta = delta.map((d) => d * f);
    }
    delta = delta.map((d, k) => Math.min(1, Math.max(0, m.x0[k] + d)) - m.x0[k]);
  }
  return { l2s, best };
}

interface FoolboxParams {
  maxStep: number;
  minStep: number;
  gamma: number;
  project: boolean;
  relative?: boolean;
}

interface Quadratic {
  logitsFn: (x: tf.Tensor4D) => tf.Tensor2D;
  logitsOf: (x: ArrayLike<number>) => number[];
  x0: Float32Array;
}

let linear: ReturnType<typeof linearModel>;
let model: Quadratic;
let weights: number[][];
let x0: tf.Tensor4D;

beforeAll(async () => {
  await useBackend('cpu');
  linear = linearModel(3, [0.1, 0.15], 5, 4);
  const sq = (x: ArrayLike<number>) => Array.from(x, (v) => v * v);
  model = {
    logitsFn: (x) => tf.tidy(() => linear.logitsFn(x.square())),
    logitsOf: (x) => linear.logitsOf(sq(x)),
    x0: linear.x0,
  };
  // Recover W from the plain-JS linear logits: f(e_k) − f(0) is column k.
  const zero = linear.logitsOf(new Float32Array(27));
  weights = zero.map((_, j) => Array.from({ length: 27 }, (_, k) => linear.logitsOf(Float32Array.from({ length: 27 }, (_, i) => (i === k ? 1 : 0)))[j] - zero[j]));
  x0 = tf.tensor4d(model.x0, [1, ...linear.shape]);
});
afterAll(() => {
  x0.dispose();
  linear.dispose();
});

describe('FMN follows foolbox\'s loop step by step', () => {
  const absolute = { fmn: { alphaMax: 1, alphaMin: 0.01, stepRelativeToEps: false } };
  it.each([
    ['fmn', 'absolute steps', 60, { maxStep: 1, minStep: 0.01, gamma: 0.05, project: true }, absolute],
    ['fmn', 'steps relative to ε (default)', 60, { maxStep: 1.5, minStep: 0.015, gamma: 0.05, project: true, relative: true }, undefined],
    ['fmn-as-published', '', 60, { maxStep: 1, minStep: 1e-5, gamma: 10, project: false }, undefined],
  ] as const)('%s %s: same ‖δ‖ at every step as the plain-JS transcription', async (id: AttackId, _what, steps, p: FoolboxParams, params) => {
    const reports: StepReport[] = [];
    const result = await runToEnd(model.logitsFn, x0, defaultConfig(id, { steps, previewSize: 1, params }), (r) => reports.push(r));
    const ref = foolboxFmn(model, weights, steps, p);
    expect(Number.isFinite(ref.best) && result.success).toBe(true);
    reports.slice(0, steps).forEach((r, i) => expect(r.l2, `step ${i}`).toBeCloseTo(ref.l2s[i], 4));
    // Our run also evaluates the final iterate, which foolbox never looks at: it can only help.
    expect(result.l2!).toBeLessThanOrEqual(ref.best + 1e-5);
    if (id === 'fmn') expect(result.l2!).toBeCloseTo(ref.best, 4);
  });
});
