import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/backend';
import { layersModelToRaw } from './layersModelToRaw';
import { EngineError } from './errors';

type ST = tf.SymbolicTensor;
const L = tf.layers;

/** Gives every BatchNormalization non-trivial statistics, so folding mistakes show. */
function randomiseBatchNorms(model: tf.LayersModel, seed = 1): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const shapes = layer.getWeights().map((w) => w.shape);
    layer.setWeights(
      shapes.map((s, i) =>
        i === shapes.length - 1 ? tf.randomUniform(s, 0.5, 2, 'float32', seed + i) : tf.randomNormal(s, 0, 1, 'float32', seed + i),
      ),
    );
  }
}

function expectMatchesLayersModel(model: tf.LayersModel, inputShape: number[], logitsLayer?: string) {
  const x = tf.randomUniform([2, ...inputShape] as [number, number, number, number], -1, 1, 'float32', 9) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const raw = layersModelToRaw(model, { logitsLayer });
  const got = raw.predict(x);
  const want = tf.tidy(() => {
    const ref = logitsLayer
      ? tf.model({ inputs: model.inputs, outputs: model.getLayer(logitsLayer).output as ST })
      : model;
    const out = ref.predict(x) as tf.Tensor;
    return out.reshape([2, -1]);
  });
  expect(got.shape).toEqual(want.shape);
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]);
  expect(diff).toBeLessThan(1e-5);
  tf.dispose([got, want]);
  raw.dispose();
  expect(tf.memory().numTensors).toBe(before);
  x.dispose();
}

function functional(inputShape: number[], build: (x: ST) => ST): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  const model = tf.model({ inputs: input, outputs: build(input) });
  randomiseBatchNorms(model);
  return model;
}

const apply = (layer: tf.layers.Layer, ...xs: ST[]) => layer.apply(xs.length === 1 ? xs[0] : xs) as ST;

beforeAll(() => useBackend('cpu'));

describe('each layer class equals the layers model', () => {
  const cases: [string, number[], (x: ST) => ST][] = [
    ['Conv2D (3×3, stride 2, same, bias, relu6)', [7, 7, 3], (x) => apply(L.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu6' }), x)],
    ['Conv2D (dilated, no bias) + folded BatchNormalization + ReLU', [9, 9, 2], (x) =>
      apply(L.reLU(), apply(L.batchNormalization(), apply(L.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, useBias: false }), x)))],
    ['DepthwiseConv2D (multiplier 2, stride 2, valid) + folded BatchNormalization', [8, 8, 3], (x) =>
      apply(L.batchNormalization({ epsilon: 0.01 }), apply(L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, useBias: false }), x))],
    ['a shared conv output is not folded (BatchNormalization + Add)', [6, 6, 2], (x) => {
      const c = apply(L.depthwiseConv2d({ kernelSize: 3, padding: 'same' }), x);
      return apply(L.add(), apply(L.batchNormalization(), c), c);
    }],
    ['Dense on a rank-4 input, tanh', [3, 3, 2], (x) => apply(L.dense({ units: 5, activation: 'tanh' }), x)],
    ['Flatten + Dense + Dropout', [3, 3, 2], (x) => apply(L.dropout({ rate: 0.5 }), apply(L.dense({ units: 4 }), apply(L.flatten(), x)))],
    ['ReLU with and without a maximum', [4, 4, 2], (x) => apply(L.add(), apply(L.reLU({ maxValue: 6 }), apply(L.rescaling({ scale: 8 }), x)), apply(L.reLU({ maxValue: 0.5 }), x))],
    ['pooling: AveragePooling2D same, MaxPooling2D valid, GlobalAveragePooling2D', [8, 8, 3], (x) =>
      apply(L.globalAveragePooling2d({}), apply(L.maxPooling2d({ poolSize: 2 }), apply(L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }), x)))],
    ['Add and Multiply of three inputs, Concatenate', [4, 4, 2], (x) => {
      const a = apply(L.conv2d({ filters: 2, kernelSize: 1 }), x);
      const b = apply(L.activation({ activation: 'sigmoid' }), x);
      return apply(L.concatenate({ axis: -1 }), apply(L.add(), x, a, b), apply(L.multiply(), x, a, b));
    }],
    ['ZeroPadding2D, Reshape, Rescaling', [3, 4, 2], (x) =>
      apply(L.reshape({ targetShape: [6, 6, 2] }), apply(L.zeroPadding2d({ padding: [[1, 2], [0, 2]] }), apply(L.rescaling({ scale: 1 / 127.5, offset: -1 }), x)))],
    ['LayerNormalization over channels, with and without γ, β', [3, 3, 4], (x) =>
      apply(L.layerNormalization({ center: false, epsilon: 1e-5 }), apply(L.dense({ units: 4 }), apply(L.layerNormalization({ betaInitializer: 'randomNormal', gammaInitializer: 'randomNormal' }), apply(L.rescaling({ scale: 3, offset: 1 }), x))))],
    ['standalone BatchNormalization after Add', [4, 4, 3], (x) => apply(L.batchNormalization(), apply(L.add(), x, x))],
  ];
  const activations = ['relu', 'relu6', 'linear', 'sigmoid', 'tanh', 'swish', 'gelu', 'softmax', 'hardSigmoid', 'elu', 'selu', 'softplus', 'softsign', 'mish', 'gelu_new'] as const;
  for (const act of activations) {
    // The trailing Rescaling keeps the activation off the output, where a softmax would be dropped.
    cases.push([`Activation ${act}`, [3, 3, 4], (x) =>
      apply(L.rescaling({ scale: 2 }), apply(L.activation({ activation: act }), apply(L.rescaling({ scale: 4 }), x)))]);
  }

  it.each(cases)('%s', (_name, shape, build) => expectMatchesLayersModel(functional(shape, build), shape));

  it('a Sequential model and a nested model', () => {
    const inner = functional([5, 5, 3], (x) => apply(L.batchNormalization(), apply(L.conv2d({ filters: 4, kernelSize: 3, useBias: false }), x)));
    const outer = tf.sequential({ layers: [L.inputLayer({ inputShape: [5, 5, 3] }), inner, L.globalAveragePooling2d({}), L.dense({ units: 3 })] });
    expectMatchesLayersModel(outer, [5, 5, 3]);
  });
});

describe('closed forms', () => {
  it('folds BatchNormalization into a 1×1 conv: (w·x + b − μ)·γ/√(σ²+ε) + β', () => {
    const model = functional([1, 1, 1], (x) => apply(L.batchNormalization({ epsilon: 0 }), apply(L.conv2d({ filters: 1, kernelSize: 1 }), x)));
    model.layers[1].setWeights([tf.tensor4d([[[[2]]]]), tf.tensor1d([1])]);
    // gamma 3, beta 0.5, mean 4, variance 9: y = (2x + 1 − 4)·3/3 + 0.5 = 2x − 2.5
    model.layers[2].setWeights([tf.tensor1d([3]), tf.tensor1d([0.5]), tf.tensor1d([4]), tf.tensor1d([9])]);
    const raw = layersModelToRaw(model);
    const y = raw.predict(tf.tensor4d([1, 10], [2, 1, 1, 1]));
    expect(Array.from(y.dataSync())).toEqual([-0.5, 17.5]);
    raw.dispose();
  });

  it('drops the softmax of a Dense logits layer: logits = x·W + b', () => {
    const model = functional([1, 1, 2], (x) => apply(L.dense({ units: 2, activation: 'softmax', name: 'fc' }), apply(L.flatten(), x)));
    model.getLayer('fc').setWeights([tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([0.5, -0.5])]);
    const raw = layersModelToRaw(model, { logitsLayer: 'fc' });
    // [1, 1]·W + b = [4.5, 5.5]
    expect(Array.from(raw.predict(tf.tensor4d([1, 1], [1, 1, 1, 2])).dataSync())).toEqual([4.5, 5.5]);
    raw.dispose();
  });

  it('supports a Keras Normalization layer: (x − mean) / √variance', () => {
    class Normalization extends tf.layers.Layer {
      static className = 'Normalization';
      build() {
        this.addWeight('mean', [2], 'float32', tf.initializers.constant({ value: 1 }));
        this.addWeight('variance', [2], 'float32', tf.initializers.constant({ value: 4 }));
        this.built = true;
      }
      call(x: tf.Tensor | tf.Tensor[]) {
        return tf.div(tf.sub(Array.isArray(x) ? x[0] : x, 1), 2);
      }
    }
    const model = functional([1, 1, 2], (x) => apply(new Normalization({}), x));
    const raw = layersModelToRaw(model);
    expect(Array.from(raw.predict(tf.tensor4d([3, -1], [1, 1, 1, 2])).dataSync())).toEqual([1, -1]);
    raw.dispose();
  });
});

/** ∇ₓ of Σ w·logits through the engine equals tfjs' own gradient through the layers model (relative 1e-5). */
function expectGradientOfLayersModel(model: tf.LayersModel, inputShape: [number, number, number], weights: number[]) {
  const raw = layersModelToRaw(model);
  const x = tf.randomUniform([1, ...inputShape], -1, 1, 'float32', 4);
  const w = tf.tensor2d([weights]);
  const loss = (f: (t: tf.Tensor) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.mul(f(t), w));
  const got = tf.grad(loss((t) => raw.predict(t as tf.Tensor4D)))(x);
  const want = tf.grad(loss((t) => model.apply(t, { training: false }) as tf.Tensor))(x);
  const scale = tf.max(tf.abs(want)).dataSync()[0];
  expect(scale).toBeGreaterThan(0);
  expect(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] / scale).toBeLessThan(1e-5);
  raw.dispose();
}

describe('gradients through every layer kind', () => {
  // Covers the engine's own gradients (pointwise conv, stride-1 'same' depthwise) and tfjs' ones.
  it('equal the layers model gradient on a mixed model', () => {
    const model = functional([8, 8, 3], (x) => {
      const a = apply(L.activation({ activation: 'relu6' }), apply(L.batchNormalization(), apply(L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }), x)));
      const b = apply(L.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'swish' }), a);
      const p = apply(L.maxPooling2d({ poolSize: 2 }), apply(L.multiply(), a, b));
      const q = apply(L.averagePooling2d({ poolSize: 2 }), apply(L.zeroPadding2d({ padding: 1 }), p));
      const pointwise = apply(L.batchNormalization(), apply(L.conv2d({ filters: 6, kernelSize: 1 }), apply(L.concatenate(), q, q)));
      return apply(L.dense({ units: 5 }), apply(L.globalAveragePooling2d({}), pointwise));
    });
    expectGradientOfLayersModel(model, [8, 8, 3], [1, -2, 3, 0.5, -1]);
  });

  // Convolutions whose ReLU is folded into a fused kernel: their gradient masks dy by the output.
  it.each(['cpu', 'wasm'] as const)('equal the layers model gradient through fused conv + ReLU on %s', async (backend) => {
    await useBackend(backend);
    const model = functional([6, 6, 3], (x) => {
      const big = apply(L.rescaling({ scale: 6 }), x); // pre-activations on both sides of 0 and 6
      const a = apply(L.reLU({ maxValue: 6 }), apply(L.batchNormalization(), apply(L.conv2d({ filters: 4, kernelSize: 1, useBias: false }), big)));
      const b = apply(L.reLU(), apply(L.batchNormalization(), apply(L.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false }), a)));
      const c = apply(L.activation({ activation: 'relu6' }), apply(L.conv2d({ filters: 5, kernelSize: 1 }), b));
      const d = apply(L.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu' }), c);
      return apply(L.dense({ units: 3 }), apply(L.flatten(), apply(L.conv2d({ filters: 2, kernelSize: 1, activation: 'relu6' }), d)));
    });
    expectGradientOfLayersModel(model, [6, 6, 3], [1, -2, 0.5]);
    expectMatchesLayersModel(model, [6, 6, 3]);
    await useBackend('cpu');
  });
});

describe('layer errors', () => {
  it('refuses channels-first data', () => {
    const model = functional([2, 4, 4], (x) => apply(L.conv2d({ filters: 1, kernelSize: 1, dataFormat: 'channelsFirst' }), x));
    expect(() => layersModelToRaw(model)).toThrow(/channels-first/);
  });

  it('refuses an activation it has no plain-op version of, naming it, and keeps no weights', () => {
    const model = functional([2, 2, 1], (x) =>
      apply(L.conv2d({ filters: 1, kernelSize: 1, activation: 'logSoftmax' as 'elu', name: 'last' }), apply(L.conv2d({ filters: 1, kernelSize: 1 }), x)));
    const before = tf.memory().numTensors;
    expect(() => layersModelToRaw(model)).toThrow(EngineError);
    expect(() => layersModelToRaw(model)).toThrow(/Layer "last" uses the activation "logSoftmax"/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
