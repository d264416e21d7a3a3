import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { createAttack } from './createAttack';
import { defaultConfig } from './defaults';
import { AttackInputError, AttackNumericError, AttackStateError, NoGradientError } from './errors';
import { linearModel } from './testing/linearModel';
import type { AttackConfig, AttackId } from './types';

let model: ReturnType<typeof linearModel>;
let x0: tf.Tensor4D;

beforeAll(async () => {
  await useBackend('cpu');
  model = linearModel(4, [0.3, 0.4, 0.5], 5);
  x0 = tf.tensor4d(model.x0, [1, ...model.shape]);
});
afterAll(() => {
  x0.dispose();
  model.dispose();
});

const cfg = (attack: AttackId, o: Partial<AttackConfig> = {}) => defaultConfig(attack, { previewSize: 0, ...o });

describe('bad inputs give clear errors and leak nothing', () => {
  it('NaN in the input', async () => {
    const before = tf.memory().numTensors;
    const bad = tf.tidy(() => x0.add(tf.oneHot(tf.tensor1d([5], 'int32'), 48).reshape(x0.shape).mul(NaN)) as tf.Tensor4D);
    const run = createAttack(model.logitsFn, bad, cfg('fmn'));
    bad.dispose();
    await expect(run.step()).rejects.toThrow(new AttackInputError('The input image contains NaN values; attacks need finite pixels in [0, 1].'));
    expect(run.done).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('pixels outside [0, 1]', async () => {
    const bad = x0.mul(3) as tf.Tensor4D;
    const run = createAttack(model.logitsFn, bad, cfg('ddn'));
    bad.dispose();
    await expect(run.step()).rejects.toThrow(/must be in \[0, 1\], but its values span \[1\.5, 1\.5\]/);
  });

  it('a batch or a grey image instead of one RGB image', () => {
    const batch = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D;
    expect(() => createAttack(model.logitsFn, batch, cfg('fmn'))).toThrow(/one RGB image of shape \[1, H, W, 3\], got \[2, 4, 4, 3\]/);
    batch.dispose();
  });

  it('a model without a gradient path to its input', async () => {
    const before = tf.memory().numTensors;
    // Logits computed outside tfjs' tape, as a lookup table would.
    const constant = (x: tf.Tensor4D) => tf.tensor2d([[1, 0, 0]]).tile([x.shape[0], 1]) as tf.Tensor2D;
    const run = createAttack(constant, x0, cfg('fmn'));
    await expect(run.step()).rejects.toThrow(NoGradientError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a model that produces NaN', async () => {
    const nan = (x: tf.Tensor4D) => tf.tidy(() => model.logitsFn(x).mul(tf.scalar(NaN)) as tf.Tensor2D);
    const run = createAttack(nan, x0, cfg('fmn', { label: 0 }));
    await expect(run.step()).rejects.toThrow(AttackNumericError);
  });

  it.each([
    [{ attack: 'cw' as AttackId }, /Unknown attack "cw"/],
    [{ steps: 0 }, /steps must be an integer between 1 and 100000, got 0/],
    [{ readout: 'binary' as const, target: 3 }, /needs the 1000-class read-out/],
    [{ previewSize: -1 }, /previewSize must be a non-negative integer/],
    [{ params: { fmn: { alphaMax: NaN } } }, /fmn\.alphaMax must be a finite number/],
  ])('config %o', (o, message) => {
    expect(() => createAttack(model.logitsFn, x0, cfg('fmn', o))).toThrow(message);
  });

  it('a label the model does not have', async () => {
    const run = createAttack(model.logitsFn, x0, cfg('fmn', { label: 7 }));
    await expect(run.step()).rejects.toThrow('The label 7 is not a class of this model (0–3).');
  });
});

describe('run life cycle', () => {
  it('keeps the live tensor count flat: the same after 1000 steps as after 10', async () => {
    const before = tf.memory().numTensors;
    const run = createAttack(model.logitsFn, x0, cfg('fmn', { steps: 1000 }));
    let at10 = -1;
    while (!run.done) {
      const r = await run.step();
      if (r.step === 10) at10 = tf.memory().numTensors;
      if (r.step === 999) expect(tf.memory().numTensors).toBe(at10);
    }
    await run.result();
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is cancelled by dispose(), even with a step in flight, and then refuses to step', async () => {
    const before = tf.memory().numTensors;
    const run = createAttack(model.logitsFn, x0, cfg('ddn'));
    await run.step();
    await run.step();
    const inFlight = run.step();
    run.dispose();
    await expect(inFlight).rejects.toThrow(AttackStateError);
    await expect(run.step()).rejects.toThrow('step() was called on a run that was cancelled or disposed.');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a second step while one is running, and a step after the end', async () => {
    const run = createAttack(model.logitsFn, x0, cfg('fgsm', { params: { fgsm: { eps: 0.1 } } }));
    const first = run.step();
    await expect(run.step()).rejects.toThrow(/previous step was still running/);
    await first;
    const last = await run.step();
    expect(last.step).toBe(1);
    expect(run.done).toBe(true);
    await expect(run.step()).rejects.toThrow(/already finished/);
    run.dispose();
  });

  it('reports a bilinear preview of δ at the requested size, or δ itself', async () => {
    for (const previewSize of [2, 0]) {
      const run = createAttack(model.logitsFn, x0, cfg('fgsm', { previewSize, params: { fgsm: { eps: 0.1 } } }));
      await run.step();
      const r = await run.step();
      const side = previewSize || 4;
      expect(r.delta).toMatchObject({ height: side, width: side, channels: 3, full: previewSize === 0 });
      expect(r.delta.data).toHaveLength(side * side * 3);
      // FGSM moves every pixel by ±ε; a bilinear 4→2 preview averages pairs of them.
      for (const v of r.delta.data) expect(Math.abs(v)).toBeLessThanOrEqual(0.1 + 1e-6);
      run.dispose();
    }
  });

  it('reports the clean point at step 0: label, softmax top classes, no perturbation', async () => {
    const run = createAttack(model.logitsFn, x0, cfg('fmn'));
    const r0 = await run.step();
    const logits = model.logitsOf(model.x0);
    const z = logits.map((v) => Math.exp(v - Math.max(...logits)));
    const probs = z.map((v) => v / z.reduce((a, b) => a + b));
    expect(r0).toMatchObject({ step: 0, l2: 0, linf: 0, isAdversarial: false, predicted: 0, bestL2: null, gradEvals: 1 });
    expect(r0.top5.map((t) => t.classIndex)).toEqual([0, 1, 2, 3]);
    r0.top5.forEach((t, i) => expect(t.prob).toBeCloseTo(probs[i], 5));
    // Margin: max over the other classes minus the label's logit.
    expect(r0.margin).toBeCloseTo(logits[1] - logits[0], 4);
    run.dispose();
  });
});
