import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from '../../../test/backend';
import { ASSETS_DIR, readAsset } from '../../../test/assets';
import { registerWasmGradientKernels } from '../../backends/wasmGradients';
import type { RawModel } from '../../models/types';
import { buildTfliteModel } from './buildModel';
import { openTflite } from './importer';
import { seeded } from './opsTestHarness';
import { readTfliteGraph } from './reader';
import { TensorType } from './schema_generated';
import { buildTflite, options } from './testing';

const hasTflite = fs.existsSync(path.join(ASSETS_DIR, 'tflite'));

/** 6×6×3 → conv 3×3 SAME stride 2 (HARD_SWISH after) → depthwise 3×3 SAME (RELU6) → ADD residual → MEAN → FC(5). */
function smallNet(): RawModel {
  const bytes = buildTflite({
    tensors: [
      { shape: [1, 6, 6, 3] },
      { shape: [4, 3, 3, 3], data: seeded(108, 21) },
      { shape: [4], data: [0.1, -0.1, 0.2, 0] },
      { shape: [1, 3, 3, 4] },
      { shape: [1, 3, 3, 4] },
      { shape: [1, 3, 3, 4], data: seeded(36, 22), type: TensorType.FLOAT32 },
      { shape: [1, 3, 3, 4] },
      { shape: [1, 3, 3, 4] },
      { shape: [2], type: TensorType.INT32, data: [1, 2] },
      { shape: [1, 4] },
      { shape: [5, 4], data: seeded(20, 23) },
      { shape: [1, 5] },
    ],
    operators: [
      { op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: options.conv2d({ padding: 'SAME', stride: [2, 2] }) },
      { op: 'HARD_SWISH', inputs: [3], outputs: [4] },
      { op: 'DEPTHWISE_CONV_2D', inputs: [4, 5, -1], outputs: [6], options: options.depthwise({ padding: 'SAME', activation: 'RELU6' }) },
      { op: 'ADD', inputs: [6, 4], outputs: [7], options: options.add() },
      { op: 'MEAN', inputs: [7, 8], outputs: [9], options: options.reducer(false) },
      { op: 'FULLY_CONNECTED', inputs: [9, 10, -1], outputs: [11], options: options.fullyConnected() },
    ],
    inputs: [0],
    outputs: [11],
  });
  return buildTfliteModel(readTfliteGraph(bytes, 'small.tflite')).raw;
}

/** Central differences of logit `k` at the given flat input positions. */
async function finiteDifferences(raw: RawModel, x: tf.Tensor4D, k: number, positions: number[], h: number): Promise<number[]> {
  const base = await x.data();
  const logitAt = async (values: Float32Array) => {
    const y = tf.tidy(() => raw.predict(tf.tensor4d(values, x.shape)));
    const v = (await y.data())[k];
    y.dispose();
    return v;
  };
  const out: number[] = [];
  for (const p of positions) {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[p] += h;
    minus[p] -= h;
    out.push(((await logitAt(plus)) - (await logitAt(minus))) / (2 * h));
  }
  return out;
}

const inputGradient = (raw: RawModel, k: number) => tf.grad((x: tf.Tensor) => tf.slice(raw.predict(x as tf.Tensor4D), [0, k], [1, 1]).sum());

describe('input gradients of a hand-made model (cpu)', () => {
  let raw: RawModel;
  beforeAll(async () => {
    await useBackend('cpu');
    raw = smallNet();
  });
  afterAll(() => raw.dispose());

  it('equal central finite differences on several pixels, leaking no tensors', async () => {
    const x = tf.tensor4d(seeded(108, 5), [1, 6, 6, 3]);
    const before = tf.memory().numTensors;
    const g = inputGradient(raw, 2)(x);
    const grad = await g.data();
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const positions = [0, 17, 40, 64, 107];
    const fd = await finiteDifferences(raw, x, 2, positions, 1e-3);
    const scale = Math.max(...Array.from(grad, Math.abs));
    positions.forEach((p, i) => expect(Math.abs(grad[p] - fd[i])).toBeLessThan(1e-2 * scale + 1e-4));
    x.dispose();
  });

  it('runs no weight-gradient kernels, and its input gradient is forward convolutions', async () => {
    const x = tf.tensor4d(seeded(108, 6), [1, 6, 6, 3]);
    const info = await tf.profile(() => inputGradient(raw, 0)(x));
    const kernels = info.kernelNames;
    expect(kernels).toContain('FusedConv2D');
    expect(kernels).toContain('FusedDepthwiseConv2D');
    expect(kernels).not.toContain('Conv2DBackpropInput');
    expect(kernels).not.toContain('DepthwiseConv2dNativeBackpropInput');
    expect(kernels).not.toContain('Conv2DBackpropFilter');
    expect(kernels).not.toContain('DepthwiseConv2dNativeBackpropFilter');
    tf.dispose(info.result as tf.Tensor);
    x.dispose();
  });
});

describe.skipIf(!hasTflite)('input gradient of MobileNet v1 0.25 at 128 (wasm, with the engine’s backward kernels)', () => {
  it('matches central finite differences on a few pixels within a loose tolerance', async () => {
    await useBackend('wasm');
    registerWasmGradientKernels();
    const { raw } = openTflite(readAsset('tflite/mobilenet_v1_0.25_128_quant.tflite'), 'v1.tflite');
    const x = tf.tidy(() => tf.randomUniform([1, 128, 128, 3], -1, 1, 'float32', 7) as tf.Tensor4D);
    const top = tf.tidy(() => tf.argMax(raw.predict(x), 1));
    const k = (await top.data())[0];
    top.dispose();
    const before = tf.memory().numTensors;
    const g = inputGradient(raw, k)(x);
    const grad = await g.data();
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // pixels near the centre, all three channels of one of them
    const at = (r: number, c: number, ch: number) => (r * 128 + c) * 3 + ch;
    const positions = [at(64, 64, 0), at(64, 64, 1), at(64, 64, 2), at(40, 90, 1), at(100, 30, 2)];
    const fd = await finiteDifferences(raw, x, k, positions, 1e-2);
    const scale = Math.max(...positions.map((p) => Math.abs(grad[p])));
    // single-pixel derivatives are small next to float32 noise in the logit and ReLU6 kinks: loose
    positions.forEach((p, i) => expect(Math.abs(grad[p] - fd[i]), `position ${p}: ${grad[p]} vs ${fd[i]}`).toBeLessThan(0.15 * scale));
    // along the unit gradient direction u the derivative is ‖g‖, large enough for a tight check
    const norm = Math.hypot(...grad);
    const step = (t: number) => tf.tidy(() => tf.slice(raw.predict(tf.add(x, tf.mul(tf.tensor(grad, x.shape), t / norm)) as tf.Tensor4D), [0, k], [1, 1]));
    const [up, down] = [step(0.01), step(-0.01)];
    const directional = ((await up.data())[0] - (await down.data())[0]) / 0.02;
    tf.dispose([up, down]);
    expect(Math.abs(directional - norm) / norm).toBeLessThan(0.05);
    x.dispose();
    raw.dispose();
  });
});
