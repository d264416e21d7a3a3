import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/backend';
import { ModelLoadError } from './errors';
import { normalizationPreset, type NormalizationName } from './normalizations';
import type { ModelInfo, RawModel } from './types';
import { wrapClassifier } from './wrapClassifier';

/** Output k = Σ(model input) + k over 1000 + offset outputs, on a 2×2×3 input. */
function toyRaw(numOutputs: number): RawModel & { disposed: boolean } {
  const ramp = tf.range(0, numOutputs);
  const raw = {
    inputShape: [2, 2, 3] as [number, number, number],
    numOutputs,
    disposed: false,
    predict: (x: tf.Tensor4D) => tf.tidy(() => tf.add(tf.sum(x, [1, 2, 3], true).reshape([-1, 1]), ramp) as tf.Tensor2D),
    dispose: () => {
      ramp.dispose();
      raw.disposed = true;
    },
  };
  return raw;
}

function toyInfo(classOffset: number, norm: NormalizationName): ModelInfo {
  return {
    id: 'toy',
    name: 'Toy',
    family: 'test',
    format: 'tfjs-layers',
    inputSize: 2,
    normalization: normalizationPreset(norm),
    normalizationName: norm,
    numOutputs: 1000 + classOffset,
    classOffset,
  };
}

const filled = (v: number) => tf.fill([1, 2, 2, 3], v) as tf.Tensor4D;

beforeAll(() => useBackend('cpu'));

describe('wrapClassifier', () => {
  it('slices the background class away: ImageNet class j is raw output j + 1', async () => {
    const c = wrapClassifier(toyRaw(1001), toyInfo(1, '[-1,1]'));
    // x = 0.5 maps to 0 under x·2 − 1, so Σ = 0 and logit j = j + 1; x = 1 maps to 1, Σ = 12.
    const mid = (await c.logits(filled(0.5)).data()) as Float32Array;
    const top = (await c.logits(filled(1)).data()) as Float32Array;
    expect(mid.length).toBe(1000);
    expect([mid[0], mid[1], mid[999]]).toEqual([1, 2, 1000]);
    expect([top[0], top[999]]).toEqual([13, 1012]);
  });

  it('applies [0,255] scaling and has no offset for 1000-output models', async () => {
    const c = wrapClassifier(toyRaw(1000), toyInfo(0, '[0,255]'));
    const y = (await c.logits(filled(1)).data()) as Float32Array;
    expect([y[0], y[999]]).toEqual([255 * 12, 255 * 12 + 999]);
  });

  it('differentiates through the normalisation: ∂Σlogits/∂x = 1000/std per channel', async () => {
    const c = wrapClassifier(toyRaw(1001), toyInfo(1, 'ImageNet mean/std'));
    const g = tf.grad((x: tf.Tensor) => tf.sum(c.logits(x as tf.Tensor4D)))(filled(0.3));
    const [r, gr, b] = Array.from((await g.data()).slice(0, 3));
    expect(r).toBeCloseTo(1000 / 0.229, 2);
    expect(gr).toBeCloseTo(1000 / 0.224, 2);
    expect(b).toBeCloseTo(1000 / 0.225, 2);
  });

  it('normalises per channel alike for one image and for a batch: (x − mean) / std', async () => {
    const c = wrapClassifier(toyRaw(1000), toyInfo(0, 'ImageNet mean/std'));
    const [mean, std] = [[0.485, 0.456, 0.406], [0.229, 0.224, 0.225]];
    // Logit 0 is Σ of the normalised input: 4 pixels per channel.
    const want = (v: number) => mean.reduce((acc, m, k) => acc + (4 * (v - m)) / std[k], 0);
    const one = (await c.logits(filled(0.3)).data())[0];
    const batch = await c.logits(tf.concat([filled(0.3), filled(0.9)]) as tf.Tensor4D).data();
    expect(one).toBeCloseTo(want(0.3), 4);
    expect(batch[0]).toBeCloseTo(want(0.3), 4);
    expect(batch[1000]).toBeCloseTo(want(0.9), 4);
  });

  it('gives probabilities that sum to 1, leaks no tensors, and disposes the raw model', async () => {
    const raw = toyRaw(1001);
    const x = filled(0.2);
    const before = tf.memory().numTensors;
    const c = wrapClassifier(raw, toyInfo(1, '[-1,1]'));
    const p = c.probs(x);
    const l = c.logits(x);
    expect(tf.memory().numTensors).toBe(before + 4); // mean and 1/std constants, p, l
    const pv = (await p.data()) as Float32Array;
    expect(pv.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    // Neighbouring logits differ by 1, so p[j+1]/p[j] = e (checked at the top, where nothing underflows).
    expect(pv[999] / pv[998]).toBeCloseTo(Math.E, 4);
    tf.dispose([p, l]);
    c.dispose();
    expect(raw.disposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before - 1); // the ramp of the toy model
  });

  it('refuses a model whose outputs do not match 1000 + class offset', () => {
    expect(() => wrapClassifier(toyRaw(1000), toyInfo(1, '[-1,1]'))).toThrow(ModelLoadError);
    expect(() => wrapClassifier(toyRaw(1000), toyInfo(1, '[-1,1]'))).toThrow(
      'The model "Toy" has 1000 outputs, but 1001 were expected (1000 ImageNet classes after a class offset of 1).',
    );
  });

  it('refuses a stated input size the model does not take', () => {
    expect(() => wrapClassifier(toyRaw(1000), { ...toyInfo(0, '[0,1]'), inputSize: 224 })).toThrow(
      /takes \[2,2,3\] inputs, but an RGB input of 224×224 was stated/,
    );
  });
});
