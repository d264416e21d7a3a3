import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import type { KerasLayerJson } from './kerasConfig';
import { fixtureWeights, functionalConfig, randomArray, seeded, type LayerSpec } from './kerasFixtures';
import { kerasH5Importer } from './kerasH5Importer';
import { writeKerasH5, type H5Layer } from './kerasH5Writer';

/**
 * Models saved around another model (a Keras application wrapped in a Functional or Sequential
 * model) and Sequential models: Keras stores a nested model as one layer whose weight_names list
 * every inner weight, trainable ones first (BatchNormalization's moving statistics last).
 */

const INNER: LayerSpec[] = [
  { class_name: 'Conv2D', name: 'conv', config: { filters: 3, kernel_size: [1, 1], padding: 'valid', activation: 'linear', use_bias: false }, weights: [['kernel', [1, 1, 3, 3]]] },
  {
    class_name: 'BatchNormalization',
    name: 'bn',
    config: { axis: [3], epsilon: 1e-3 },
    weights: [['gamma', [3]], ['beta', [3]], ['moving_mean', [3]], ['moving_variance', [3]]],
  },
  { class_name: 'GlobalAveragePooling2D', name: 'gap' },
  { class_name: 'Dense', name: 'predictions', config: { units: 4, activation: 'softmax', use_bias: true }, weights: [['kernel', [3, 4]], ['bias', [4]]] },
];

/** The nested model as one saved layer: trainable weights of every inner layer, then the non-trainable ones. */
function nestedLayer(name: string, inner: H5Layer[]): H5Layer {
  const all = inner.flatMap((l) => l.weights);
  const frozen = (w: { name: string }) => /moving_(mean|variance)/.test(w.name);
  return { name, weights: [...all.filter((w) => !frozen(w)), ...all.filter(frozen)] };
}

function expected(x: tf.Tensor, inner: H5Layer[]): Float32Array {
  const w = (layer: string, weight: string) => {
    const found = inner.find((l) => l.name === layer)!.weights.find((v) => v.name === `${layer}/${weight}:0`)!;
    return tf.tensor(found.data as Float32Array, found.shape);
  };
  return tf.tidy(() => {
    const y = tf.conv2d(x as tf.Tensor4D, w('conv', 'kernel') as tf.Tensor4D, 1, 'valid');
    const bn = tf.add(tf.mul(tf.div(tf.sub(y, w('bn', 'moving_mean')), tf.sqrt(tf.add(w('bn', 'moving_variance'), 1e-3))), w('bn', 'gamma')), w('bn', 'beta'));
    return tf.add(tf.matMul(tf.mean(bn, [1, 2]) as tf.Tensor2D, w('predictions', 'kernel') as tf.Tensor2D), w('predictions', 'bias')).dataSync() as Float32Array;
  });
}

async function importAndCompare(modelConfig: KerasLayerJson, layers: H5Layer[], inner: H5Layer[]) {
  const bytes = await writeKerasH5({ modelConfig, layers });
  const x = tf.tensor4d(randomArray(4 * 4 * 3, seeded(8), 0, 1), [1, 4, 4, 3]);
  const { raw, info } = await kerasH5Importer.open({ name: 'wrapped.h5', bytes }, new Map());
  const actual = tf.tidy(() => raw.predict(x).dataSync() as Float32Array);
  const want = expected(x, inner);
  expect(actual.reduce((m, a, i) => Math.max(m, Math.abs(a - want[i])), 0)).toBeLessThan(1e-4);
  raw.dispose();
  x.dispose();
  return info;
}

describe('nested and Sequential Keras models', () => {
  beforeAll(() => useBackend('cpu'));

  it('reads a Functional model wrapped in another, with the inner softmax turned off', async () => {
    const inner = fixtureWeights(INNER, seeded(21));
    const innerConfig = functionalConfig([4, 4, 3], INNER);
    const outer = functionalConfig([4, 4, 3], [{ class_name: 'Functional', name: 'backbone', config: { ...innerConfig.config, name: 'backbone' } }], 'input_2');
    const info = await importAndCompare(outer, [{ name: 'input_2', weights: [] }, nestedLayer('backbone', inner)], inner);
    expect(info.notes).toContain('softmax of layer "backbone/predictions" is turned off');
  });

  it('reads a Sequential model (Keras 2 layout, InputLayer first)', async () => {
    const inner = fixtureWeights(INNER, seeded(22));
    const sequential: KerasLayerJson = {
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 4, 4, 3], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' } },
          ...INNER.map((s) => ({ class_name: s.class_name, config: { name: s.name, trainable: true, dtype: 'float32', ...s.config } })),
        ],
      },
    };
    const info = await importAndCompare(sequential, inner, inner);
    expect(info).toMatchObject({ logitsLayer: 'predictions', numOutputs: 4, inputSize: 4 });
  });
});
