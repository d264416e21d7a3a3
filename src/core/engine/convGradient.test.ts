import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/backend';
import { fusedConvWithInputGradient, gradientFilter, type ConvKind, type FusableActivation } from './convGradient';

interface Case {
  kind: ConvKind;
  input: [number, number, number];
  kernel: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  activation: FusableActivation;
}

/** max |a − b| / max |b|. */
function relDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / tf.max(tf.abs(b)).dataSync()[0]);
}

/** The same layer from tfjs' own ops, whose gradient tfjs derives: the reference. */
function reference(c: Case, filter: tf.Tensor4D, bias: tf.Tensor1D) {
  return (x: tf.Tensor4D) => {
    const z = tf.add(
      c.kind === 'conv' ? tf.conv2d(x, filter, c.strides, c.pad) : tf.depthwiseConv2d(x, filter, c.strides, c.pad),
      bias,
    );
    return c.activation === 'relu' ? tf.relu(z) : c.activation === 'relu6' ? tf.relu6(z) : z;
  };
}

const cases: Case[] = [
  // MobileNet's first layer: stride 2, 'same' on an even size pads only at the bottom and right.
  { kind: 'conv', input: [8, 8, 3], kernel: [3, 3], strides: [2, 2], pad: 'same', activation: 'relu6' },
  { kind: 'conv', input: [9, 7, 2], kernel: [3, 3], strides: [2, 2], pad: 'same', activation: 'relu' },
  { kind: 'conv', input: [9, 9, 2], kernel: [3, 3], strides: [2, 2], pad: 'valid', activation: 'linear' },
  { kind: 'conv', input: [11, 10, 2], kernel: [5, 3], strides: [3, 2], pad: 'same', activation: 'relu6' },
  // Equal strides take the sub-pixel form: 3×3 cells here, two taps a side, padding on both sides.
  { kind: 'conv', input: [13, 11, 2], kernel: [5, 4], strides: [3, 3], pad: 'same', activation: 'relu' },
  { kind: 'conv', input: [12, 12, 3], kernel: [4, 4], strides: [2, 2], pad: 'valid', activation: 'linear' },
  // A strided 1×1 conv reads only every other row: the spread dy is one row too long and is cut.
  { kind: 'conv', input: [7, 7, 4], kernel: [1, 1], strides: [2, 2], pad: 'valid', activation: 'linear' },
  { kind: 'conv', input: [6, 6, 4], kernel: [1, 1], strides: [1, 1], pad: 'same', activation: 'relu6' },
  { kind: 'conv', input: [6, 5, 2], kernel: [2, 2], strides: [1, 1], pad: 'same', activation: 'relu' },
  { kind: 'depthwise', input: [8, 8, 3], kernel: [3, 3], strides: [2, 2], pad: 'same', activation: 'relu6' },
  { kind: 'depthwise', input: [7, 9, 2], kernel: [3, 3], strides: [2, 2], pad: 'valid', activation: 'relu' },
  { kind: 'depthwise', input: [13, 11, 2], kernel: [5, 4], strides: [3, 3], pad: 'same', activation: 'relu' },
  { kind: 'depthwise', input: [9, 8, 2], kernel: [3, 3], strides: [3, 2], pad: 'same', activation: 'relu6' },
  { kind: 'depthwise', input: [6, 6, 3], kernel: [3, 3], strides: [1, 1], pad: 'same', activation: 'relu6' },
  { kind: 'depthwise', input: [6, 6, 2], kernel: [4, 4], strides: [1, 1], pad: 'same', activation: 'linear' },
];

describe.each(['cpu', 'wasm'] as const)('fused convolution with a forward-convolution input gradient on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(cases)('$kind $kernel stride $strides $pad $activation on $input: value and ∇ₓ equal tfjs\' own', (c) => {
    const [h, w, ch] = c.input;
    const outChannels = c.kind === 'conv' ? 5 : ch;
    // Pre-activations spread over both sides of 0 and 6, so every mask case occurs.
    const x = tf.randomUniform([2, h, w, ch], -3, 3, 'float32', 1) as tf.Tensor4D;
    const filter = tf.randomNormal([...c.kernel, ch, c.kind === 'conv' ? outChannels : 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    const bias = tf.randomNormal([outChannels], 0, 2, 'float32', 3) as tf.Tensor1D;
    const gradFilter = gradientFilter(c.kind, filter, c.strides);
    const before = tf.memory().numTensors;
    const fused = fusedConvWithInputGradient({ ...c, filter, bias }, gradFilter);
    const ref = reference(c, filter, bias);

    const y = fused(x);
    const want = tf.tidy(() => ref(x));
    expect(y.shape).toEqual(want.shape);
    expect(relDiff(y, want)).toBeLessThan(1e-6);

    // A weighted sum of the outputs, so every output position sends back a different dy.
    const weights = tf.randomNormal(want.shape, 0, 1, 'float32', 4);
    const loss = (f: (t: tf.Tensor4D) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.mul(f(t as tf.Tensor4D), weights));
    const got = tf.grad(loss(fused))(x);
    const expected = tf.grad(loss(ref))(x);
    expect(tf.tidy(() => tf.max(tf.abs(expected)).dataSync()[0])).toBeGreaterThan(0);
    expect(relDiff(got, expected)).toBeLessThan(1e-5);

    tf.dispose([y, want, weights, got, expected]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, filter, bias, gradFilter.filter]);
  });

  it('turns a 2×2 filter by 180° and swaps its channel axes for a full convolution', () => {
    // filter[ky, kx, in, out] with in = 1, out = 2: values 1..8 in row-major order.
    const filter = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 1, 2]);
    const g = gradientFilter('conv', filter).filter;
    expect(g.shape).toEqual([2, 2, 2, 1]);
    // g[ky, kx, out, 0] = filter[1 − ky, 1 − kx, 0, out]
    expect(Array.from(g.dataSync())).toEqual([7, 8, 5, 6, 3, 4, 1, 2]);
    const d = gradientFilter('depthwise', tf.tensor4d([1, 2, 3, 4], [2, 2, 1, 1])).filter;
    expect(Array.from(d.dataSync())).toEqual([4, 3, 2, 1]);
    tf.dispose([filter, g, d]);
  });
});
