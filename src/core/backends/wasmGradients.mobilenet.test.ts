import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/backend';
import { hasAssets } from '../../test/assets';
import { loadMirrorLayersModel } from '../../test/models';
import { layersModelToRaw } from '../engine';
import type { RawModel } from '../models/types';
import { registerWasmGradientKernels } from './wasmGradients';

function inputGradient(raw: RawModel): { grad: Float32Array; ms: number } {
  return tf.tidy(() => {
    const x = tf.randomUniform([1, 224, 224, 3], -1, 1, 'float32', 11) as tf.Tensor4D;
    const w = tf.randomNormal([1, 1000], 0, 1, 'float32', 13);
    const g = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(raw.predict(input as tf.Tensor4D), w)));
    g(x).dispose(); // first call warms up
    const t0 = performance.now();
    const grad = g(x).dataSync() as Float32Array;
    return { grad, ms: performance.now() - t0 };
  });
}

describe.skipIf(!hasAssets)('engine gradient on wasm', () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    await useBackend('cpu');
    model = await loadMirrorLayersModel('mobilenet_v1_0.25_224');
  });
  afterAll(() => model.dispose());

  it('equals the cpu gradient of MobileNet v1 0.25 within 1e-4', async () => {
    const cpuRaw = layersModelToRaw(model, { logitsLayer: 'conv_preds' });
    const cpu = inputGradient(cpuRaw);
    cpuRaw.dispose();
    await useBackend('wasm');
    registerWasmGradientKernels();
    const wasmRaw = layersModelToRaw(model, { logitsLayer: 'conv_preds' });
    const before = tf.memory().numTensors;
    const wasm = inputGradient(wasmRaw);
    expect(tf.memory().numTensors).toBe(before);
    wasmRaw.dispose();
    const scale = cpu.grad.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(scale).toBeGreaterThan(0);
    let worst = 0;
    wasm.grad.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - cpu.grad[i]))));
    expect(worst / scale).toBeLessThan(1e-4);
    console.log(`MobileNet v1 0.25 engine input gradient: cpu ${cpu.ms.toFixed(0)} ms, wasm ${wasm.ms.toFixed(0)} ms`);
  });
});
