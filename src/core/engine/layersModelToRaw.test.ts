import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/backend';
import { hasAssets } from '../../test/assets';
import { loadMirrorLayersModel } from '../../test/models';
import { layersModelToRaw } from './layersModelToRaw';
import { naiveLogits } from './naiveLogits';
import { UnsupportedLayerError, EngineError } from './errors';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
function maxAbs(a: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(a)).dataSync()[0]);
}

beforeAll(() => useBackend('cpu'));

describe.skipIf(!hasAssets)('engine input gradient', () => {
  it('equals the naive tf.grad over the layers model within 1e-4 and runs no weight-gradient kernel', async () => {
    const model = await loadMirrorLayersModel('mobilenet_v1_0.25_224');
    const raw = layersModelToRaw(model, { logitsLayer: 'conv_preds' });
    const naive = naiveLogits(model, 'conv_preds');
    const x = tf.randomUniform([1, 224, 224, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const w = tf.randomNormal([1, 1000], 0, 1, 'float32', 5);
    const loss = (m: typeof raw) => (input: tf.Tensor) => tf.sum(tf.mul(m.predict(input as tf.Tensor4D), w));
    let engineGrad!: tf.Tensor;
    const profile = await tf.profile(() => {
      engineGrad = tf.grad(loss(raw))(x);
      return engineGrad;
    });
    expect(profile.kernelNames).not.toContain('Conv2DBackpropFilter');
    expect(profile.kernelNames).not.toContain('DepthwiseConv2dNativeBackpropFilter');
    const naiveGrad = tf.grad(loss(naive))(x);
    const scale = maxAbs(naiveGrad);
    expect(scale).toBeGreaterThan(0);
    expect(maxAbsDiff(engineGrad, naiveGrad) / scale).toBeLessThan(1e-4);
    tf.dispose([x, w, engineGrad, naiveGrad]);
    raw.dispose();
    model.dispose();
  });
});

describe('engine errors', () => {
  it('names every unsupported layer class at once', () => {
    const input = tf.input({ shape: [8, 8, 2] });
    const a = tf.layers.upSampling2d({ size: [2, 2] }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3 }).apply(a) as tf.SymbolicTensor;
    const c = tf.layers.flatten().apply(b) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3 }).apply(c) as tf.SymbolicTensor });
    expect(() => layersModelToRaw(model)).toThrow(UnsupportedLayerError);
    expect(() => layersModelToRaw(model)).toThrow(/Conv2DTranspose, UpSampling2D/);
    model.dispose();
  });

  it('lists the last layers when the logits layer does not exist', () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2, 1] }), tf.layers.dense({ units: 2, name: 'fc' })] });
    expect(() => layersModelToRaw(model, { logitsLayer: 'conv_preds' })).toThrow(EngineError);
    expect(() => layersModelToRaw(model, { logitsLayer: 'conv_preds' })).toThrow(/no layer named "conv_preds".*fc/);
    model.dispose();
  });

  it('rejects an input that is not an image', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
    expect(() => layersModelToRaw(model)).toThrow(/fixed \[N, H, W, C\] input/);
    model.dispose();
  });
});
