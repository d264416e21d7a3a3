import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/backend';
import { hasAssets } from '../../test/assets';
import { loadMirrorLayersModel } from '../../test/models';
import { layersModelToRaw } from './layersModelToRaw';
import { naiveLogits } from './naiveLogits';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
function maxAbs(a: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);
}

// Forward passes only: wasm is several times faster than cpu and needs no extra kernels.
beforeAll(() => useBackend('wasm'));

describe.skipIf(!hasAssets).each(['mobilenet_v1_0.25_224', 'mobilenet_v1_0.75_224'])('engine on %s', (id) => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    model = await loadMirrorLayersModel(id);
  });
  afterAll(() => model.dispose());

  it('gives the logits of the layers model up to conv_preds within 1e-4, without leaking tensors', () => {
    const x = tf.randomUniform([2, 224, 224, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const raw = layersModelToRaw(model, { logitsLayer: 'conv_preds' });
    expect(raw.numOutputs).toBe(1000);
    expect(raw.inputShape).toEqual([224, 224, 3]);
    const afterLoad = tf.memory().numTensors;
    const y = raw.predict(x);
    expect(tf.memory().numTensors).toBe(afterLoad + 1);
    const ref = naiveLogits(model, 'conv_preds').predict(x);
    expect(y.shape).toEqual([2, 1000]);
    expect(maxAbs(ref)).toBeGreaterThan(1); // real logits, not softmax
    expect(maxAbsDiff(y, ref)).toBeLessThan(1e-4);
    tf.dispose([x, y, ref]);
    raw.dispose();
    expect(tf.memory().numTensors).toBe(before - 1); // only x was disposed
  });
});

