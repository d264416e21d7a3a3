import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/backend';
import { registerWasmGradientKernels } from './wasmGradients';

/** Deterministic values in [-1, 1] (same on every backend). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

interface Case {
  stride: number;
  pad: 'same' | 'valid';
  mult: number;
}

const CASES: Case[] = [];
for (const stride of [1, 2]) for (const pad of ['same', 'valid'] as const) for (const mult of [1, 2, 3]) CASES.push({ stride, pad, mult });

type Grads = { dxDepthwise: Float32Array; dwDepthwise: Float32Array; dxConv: Float32Array; dwConv: Float32Array };

/** Gradients of Σ dy·conv(x, w) w.r.t. input and filter, for a depthwise and a regular convolution. */
function gradients(c: Case): Grads {
  const [n, h, w, ch] = [2, 7, 8, 3];
  return tf.tidy(() => {
    const x = tf.tensor4d(values(n * h * w * ch, 1), [n, h, w, ch]);
    const dwFilter = tf.tensor4d(values(9 * ch * c.mult, 2), [3, 3, ch, c.mult]);
    const convFilter = tf.tensor4d(values(9 * ch * 4, 3), [3, 3, ch, 4]);
    const depthwise = (xx: tf.Tensor4D, ff: tf.Tensor4D) => tf.depthwiseConv2d(xx, ff, c.stride, c.pad);
    const conv = (xx: tf.Tensor4D, ff: tf.Tensor4D) => tf.conv2d(xx, ff, c.stride, c.pad);
    const weighted = (op: typeof conv, filter: tf.Tensor4D, seed: number) => {
      const shape = op(x, filter).shape;
      const dy = tf.tensor(values(shape.reduce((a, b) => a * b), seed), shape);
      return {
        dx: tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(op(xx as tf.Tensor4D, filter), dy)))(x),
        dw: tf.grad((ff: tf.Tensor) => tf.sum(tf.mul(op(x, ff as tf.Tensor4D), dy)))(filter),
      };
    };
    const d = weighted(depthwise, dwFilter, 4);
    const r = weighted(conv, convFilter, 5);
    return {
      dxDepthwise: d.dx.dataSync() as Float32Array,
      dwDepthwise: d.dw.dataSync() as Float32Array,
      dxConv: r.dx.dataSync() as Float32Array,
      dwConv: r.dw.dataSync() as Float32Array,
    };
  });
}

function expectClose(actual: Float32Array, expected: Float32Array) {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1, ...expected.map(Math.abs));
  let worst = 0;
  actual.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected[i]))));
  expect(worst / scale).toBeLessThan(1e-4);
}

describe('wasm gradient kernels', () => {
  const reference = new Map<Case, Grads>();
  beforeAll(async () => {
    await useBackend('cpu');
    for (const c of CASES) reference.set(c, gradients(c));
    await useBackend('wasm');
    registerWasmGradientKernels();
  });
  afterAll(() => useBackend('cpu'));

  it.each(CASES)('match the cpu backend: stride $stride, $pad, multiplier $mult', (c) => {
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = tf.backend().numDataIds();
    const got = gradients(c);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    const want = reference.get(c)!;
    expectClose(got.dxDepthwise, want.dxDepthwise);
    expectClose(got.dwDepthwise, want.dwDepthwise);
    expectClose(got.dxConv, want.dxConv);
    expectClose(got.dwConv, want.dwConv);
  });

  it("gives tf.gather's gradient (UnsortedSegmentSum) with repeated, skipped and reordered indices", () => {
    const buffersBefore = tf.backend().numDataIds();
    const dx = tf.tidy(() => {
      const x = tf.tensor3d(values(2 * 5 * 3, 6), [2, 5, 3]);
      const dy = tf.tensor3d(values(2 * 4 * 3, 7), [2, 4, 3]);
      return tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.gather(xx, [3, 0, 3, 1], 1), dy)))(x).arraySync() as number[][][];
    });
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    // Hand-computed: each gathered row sends its dy back to its source row; index 3 twice, 2 and 4 never.
    const dy = Array.from(values(2 * 4 * 3, 7));
    const row = (b: number, j: number) => dy.slice((b * 4 + j) * 3, (b * 4 + j) * 3 + 3);
    const sum = (u: number[], v: number[]) => u.map((a, i) => a + v[i]!);
    for (const b of [0, 1]) {
      const want = [row(b, 1), row(b, 3), [0, 0, 0], sum(row(b, 0), row(b, 2)), [0, 0, 0]];
      dx[b]!.forEach((r, i) => r.forEach((v, c) => expect(v).toBeCloseTo(want[i]![c]!, 6)));
    }
  });

  it('clones by sharing memory: no new buffer, and the clone outlives its source with its values', () => {
    const x = tf.tensor1d([1.5, -2, 3]);
    const buffersBefore = tf.backend().numDataIds();
    const y = tf.clone(x);
    expect(tf.backend().numDataIds()).toBe(buffersBefore);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3]);
    y.dispose();
    expect(tf.backend().numDataIds()).toBe(buffersBefore - 1);
  });

  it('registers each kernel once, however often it is called', () => {
    registerWasmGradientKernels();
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')).toBeDefined();
  });
});
