import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { kerasMobilenetToOnnx } from '../../../../scripts/onnx-fixtures/kerasMobilenetToOnnx.mjs';
import { hasAssets, readAsset } from '../../../test/assets';
import { useBackend } from '../../../test/backend';
import { loadMirrorLayersModel } from '../../../test/models';
import { registerWasmGradientKernels } from '../../backends';
import { layersModelToRaw } from '../../engine';
import type { RawModel } from '../../models/types';
import { openOnnx } from './importer';

beforeAll(async () => {
  await useBackend('wasm');
  registerWasmGradientKernels();
});

const DIR = 'models/mobilenet_v1_0.25_224';
const onnxBytes = () => kerasMobilenetToOnnx(readAsset(`${DIR}/model.json`), (name) => readAsset(`${DIR}/${name}`));

function weightedGradient(raw: RawModel, x: tf.Tensor4D, w: tf.Tensor): tf.Tensor {
  return tf.grad((input) => tf.sum(tf.mul(raw.predict(input as tf.Tensor4D), w)))(x);
}

/**
 * Real weights at full size: the mirrored Keras MobileNet v1 written as a torch-style NCHW ONNX file
 * must give the logits TF.js computes from the same weights through its own layers model.
 */
describe.skipIf(!hasAssets)('MobileNet v1 0.25 as ONNX against its TF.js layers model', () => {
  it('gives the same 1000 logits on two images', async () => {
    const { raw, info } = openOnnx(onnxBytes(), 'mobilenet_v1_0.25_224.onnx');
    expect(info).toMatchObject({ inputSize: 224, numOutputs: 1000, classOffset: 0 });

    const layers = await loadMirrorLayersModel('mobilenet_v1_0.25_224');
    const logitsModel = tf.model({ inputs: layers.inputs, outputs: layers.getLayer('conv_preds').output as tf.SymbolicTensor });
    const x = tf.randomUniform([2, 224, 224, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
    const ours = raw.predict(x);
    const theirs = tf.tidy(() => tf.reshape(logitsModel.predict(x) as tf.Tensor, [2, 1000]));
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]);
    const scale = tf.tidy(() => tf.max(tf.abs(theirs)).dataSync()[0]);
    expect(diff).toBeLessThan(1e-4 * Math.max(1, scale));
    tf.dispose([x, ours, theirs]);
    layers.dispose();
    raw.dispose();
  });

  it('gives the input gradient of the engine on the same weights (TF "same" stride-2 padding included)', async () => {
    const { raw } = openOnnx(onnxBytes(), 'mobilenet_v1_0.25_224.onnx');
    const layers = await loadMirrorLayersModel('mobilenet_v1_0.25_224');
    const engine = layersModelToRaw(layers, { logitsLayer: 'conv_preds' });
    const x = tf.randomUniform([1, 224, 224, 3], -1, 1, 'float32', 11) as tf.Tensor4D;
    const w = tf.randomNormal([1, 1000], 0, 1, 'float32', 13);
    const before = tf.memory().numTensors;
    const ours = weightedGradient(raw, x, w);
    const theirs = weightedGradient(engine, x, w);
    expect(tf.memory().numTensors).toBe(before + 2);
    const [diff, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(ours, theirs))), tf.max(tf.abs(theirs))].map((t) => t.dataSync()[0]));
    expect(scale).toBeGreaterThan(0);
    expect(diff).toBeLessThan(1e-4 * scale);
    tf.dispose([x, w, ours, theirs]);
    engine.dispose();
    layers.dispose();
    raw.dispose();
  });
});
