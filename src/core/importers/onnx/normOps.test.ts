import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { f, GraphBuilder } from '../../../../scripts/onnx-fixtures/onnxBuilder.mjs';
import { useBackend } from '../../../test/backend';
import { buildOnnxModel } from './buildModel';
import { wave } from './ortOracle';
import { readOnnxModel } from './reader';
import { fixtureImage } from './testing';

beforeAll(() => useBackend('cpu'));

const DIMS = [1, 3, 4, 4];

/** One normalisation node over a 1×1 convolution to 6 channels, with a constant scale and bias of 3 values (per group for GroupNormalization). */
function normModel(op: 'InstanceNormalization' | 'GroupNormalization'): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', DIMS);
  const y = g.node('Conv', [x, g.init([op === 'GroupNormalization' ? 6 : 3, 3, 1, 1], wave(op === 'GroupNormalization' ? 18 : 9))]);
  const params = [g.init([3], [0.5, 1.5, -1]), g.init([3], [0.1, -0.2, 0.3])];
  const attributes: Parameters<GraphBuilder['node']>[2] = { epsilon: f(1e-3) };
  if (op === 'GroupNormalization') attributes.num_groups = 3;
  g.output(g.node('Flatten', [g.node(op, [y, ...params], attributes)]));
  return g.encode({ opset: 18 });
}

describe.each(['InstanceNormalization', 'GroupNormalization'] as const)('%s with constant scale and bias', (op) => {
  it('builds its per-channel scale and bias once: a forward pass runs no kernel on them alone, and disposing the model frees them', async () => {
    const before = tf.memory().numTensors;
    const { raw } = buildOnnxModel(readOnnxModel(normModel(op), 'norm.onnx'));
    const image = fixtureImage(wave(48).map((v) => (v + 1) / 2), DIMS);
    const first = tf.tidy(() => raw.predict(image));
    const profile = await tf.profile(() => tf.tidy(() => raw.predict(image)));
    // Every tensor derived from the image is rank 4 here (or rank 2 after Flatten); the parameters are rank 1 or 2.
    const onParamsAlone = profile.kernels.filter((k) => k.inputShapes.every((s) => s.length < 3 && s.reduce((a, d) => a * d, 1) <= 6));
    expect(onParamsAlone.map((k) => `${k.name}(${k.inputShapes.map((s) => `[${s}]`).join(',')})`)).toEqual([]);
    const again = tf.tidy(() => raw.predict(image));
    expect(Array.from(again.dataSync())).toEqual(Array.from(first.dataSync()));
    tf.dispose([first, again, image, profile.result as tf.Tensor]);
    raw.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
