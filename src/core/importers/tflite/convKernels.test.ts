import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../test/backend';
import { activation, constant, expectClose, input, runGraph, seeded } from './opsTestHarness';
import { TensorType } from './schema_generated';
import { options, type ConvSettings } from './testing';
import { referenceConv, referenceDepthwise, referencePool, type ConvCase } from './testReference';

beforeAll(() => useBackend('cpu'));

const x4 = (values: number[], shape: [number, number, number]) => tf.tensor4d(values, [1, ...shape]);

describe('CONV_2D', () => {
  it('computes a hand-worked 2×2 filter with bias and RELU6', async () => {
    // y = x[i,j] - x[i+1,j+1] + 10 = -4 + 10 on 1..9, clipped to 6 by the fused RELU6
    const r = await runGraph(
      [input([1, 3, 3, 1]), constant([1, 2, 2, 1], [1, 0, 0, -1]), constant([1], [10]), activation([1, 2, 2, 1])],
      [{ op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: options.conv2d({ activation: 'RELU6' }) }],
      3,
      x4([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3, 1]),
    );
    expect(r.values).toEqual([6, 6, 6, 6]);
  });

  const cases: [string, [number, number, number], ConvSettings & { kernel: [number, number] }][] = [
    ['VALID stride 1', [5, 5, 3], { kernel: [3, 3], padding: 'VALID' }],
    ['SAME stride 2 on an even size (pad only at the end)', [6, 6, 3], { kernel: [3, 3], padding: 'SAME', stride: [2, 2] }],
    ['SAME stride 2 on an odd size', [5, 7, 3], { kernel: [3, 3], padding: 'SAME', stride: [2, 2] }],
    ['SAME with a 2×2 kernel (asymmetric padding)', [4, 4, 3], { kernel: [2, 2], padding: 'SAME' }],
    ['dilation 2', [7, 7, 3], { kernel: [3, 3], padding: 'SAME', dilation: [2, 2] }],
    ['non-square stride', [6, 6, 3], { kernel: [3, 1], padding: 'VALID', stride: [2, 1] }],
  ];
  it.each(cases)('matches a direct loop over [out, h, w, in] weights: %s', async (_, shape, s) => {
    const out = 4;
    const filter = seeded(out * s.kernel[0] * s.kernel[1] * shape[2], 7);
    const bias = [0.1, -0.2, 0.3, 0];
    const x = seeded(shape[0] * shape[1] * shape[2], 3);
    const c: ConvCase = { x, inShape: shape, stride: s.stride ?? [1, 1], dilation: s.dilation ?? [1, 1], padding: s.padding!, kernel: s.kernel };
    const ref = referenceConv(c, filter, out, bias);
    const r = await runGraph(
      [input([1, ...shape]), constant([out, ...s.kernel, shape[2]], filter), constant([out], bias), activation([1, ...ref.shape])],
      [{ op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: options.conv2d(s) }],
      3,
      x4(x, shape),
    );
    expectClose(r.values, ref.out);
  });

  it('dequantises per-channel int8 weights and int32 biases along the output axis', async () => {
    // two output channels with scales 0.5 and 0.25: real weights [1, 2] and [-0.5, 1]
    const r = await runGraph(
      [
        input([1, 1, 1, 2]),
        { shape: [2, 1, 1, 2], type: TensorType.INT8, data: [2, 4, -2, 4], quantization: { scale: [0.5, 0.25], zeroPoint: [0, 0], axis: 0 } },
        { shape: [2], type: TensorType.INT32, data: [10, -10], quantization: { scale: [0.1, 0.2], zeroPoint: [0, 0], axis: 0 } },
        activation([1, 1, 1, 2]),
      ],
      [{ op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: options.conv2d() }],
      3,
      x4([3, 5], [1, 1, 2]),
    );
    // 3·1 + 5·2 + 1 = 14; 3·(−0.5) + 5·1 − 2 = 1.5
    expectClose(r.values, [14, 1.5]);
  });

  it('accepts a convolution without bias', async () => {
    const r = await runGraph(
      [input([1, 1, 2, 1]), constant([1, 1, 1, 1], [3]), activation([1, 1, 2, 1])],
      [{ op: 'CONV_2D', inputs: [0, 1, -1], outputs: [2], options: options.conv2d() }],
      2,
      x4([1, -2], [1, 2, 1]),
    );
    expect(r.values).toEqual([3, -6]);
  });
});

describe('DEPTHWISE_CONV_2D', () => {
  it.each([
    ['multiplier 1, SAME stride 2', 1, { kernel: [3, 3], padding: 'SAME', stride: [2, 2] }],
    ['multiplier 2, VALID', 2, { kernel: [2, 3], padding: 'VALID' }],
    ['multiplier 1, dilation 2', 1, { kernel: [3, 3], padding: 'SAME', dilation: [2, 2] }],
  ] as [string, number, ConvSettings & { kernel: [number, number] }][])(
    'matches a direct loop over [1, h, w, in·mult] weights: %s',
    async (_, m, s) => {
      const shape: [number, number, number] = [6, 5, 3];
      const filter = seeded(s.kernel[0] * s.kernel[1] * shape[2] * m, 11);
      const bias = seeded(shape[2] * m, 5);
      const x = seeded(shape[0] * shape[1] * shape[2], 13);
      const c: ConvCase = { x, inShape: shape, stride: s.stride ?? [1, 1], dilation: s.dilation ?? [1, 1], padding: s.padding!, kernel: s.kernel };
      const ref = referenceDepthwise(c, filter, m, bias);
      const r = await runGraph(
        [input([1, ...shape]), constant([1, ...s.kernel, shape[2] * m], filter), constant([shape[2] * m], bias), activation([1, ...ref.shape])],
        [{ op: 'DEPTHWISE_CONV_2D', inputs: [0, 1, 2], outputs: [3], options: options.depthwise({ ...s, multiplier: m }) }],
        3,
        x4(x, shape),
      );
      expectClose(r.values, ref.out);
    },
  );

  it('dequantises uint8 weights with a zero point and applies the fused RELU', async () => {
    // scale 0.5, zero point 128: stored 130 → 1, 126 → −1
    const r = await runGraph(
      [
        input([1, 1, 1, 2]),
        { shape: [1, 1, 1, 2], type: TensorType.UINT8, data: [130, 126], quantization: { scale: [0.5], zeroPoint: [128] } },
        activation([1, 1, 1, 2]),
      ],
      [{ op: 'DEPTHWISE_CONV_2D', inputs: [0, 1, -1], outputs: [2], options: options.depthwise({ activation: 'RELU' }) }],
      2,
      x4([4, 5], [1, 1, 2]),
    );
    expect(r.values).toEqual([4, 0]);
  });
});

describe('AVERAGE_POOL_2D and MAX_POOL_2D', () => {
  it('average over in-bounds taps only and max, hand-worked on 1..9 with 2×2 SAME stride 2', async () => {
    const x = x4([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3, 1]);
    const avg = await runGraph(
      [input([1, 3, 3, 1]), activation([1, 2, 2, 1])],
      [{ op: 'AVERAGE_POOL_2D', inputs: [0], outputs: [1], options: options.pool([2, 2], { padding: 'SAME', stride: [2, 2] }) }],
      1,
      x,
    );
    expectClose(avg.values, [3, 4.5, 7.5, 9]);
    const max = await runGraph(
      [input([1, 3, 3, 1]), activation([1, 2, 2, 1])],
      [{ op: 'MAX_POOL_2D', inputs: [0], outputs: [1], options: options.pool([2, 2], { padding: 'SAME', stride: [2, 2] }) }],
      1,
      x,
    );
    expect(max.values).toEqual([5, 6, 8, 9]);
    x.dispose();
  });

  it.each(['avg', 'max'] as const)('%s pool matches a direct loop (3×3 SAME stride 2, VALID 7×7 global)', async (kind) => {
    const op = kind === 'avg' ? 'AVERAGE_POOL_2D' : 'MAX_POOL_2D';
    for (const [shape, filter, s] of [
      [[6, 6, 2], [3, 3], { padding: 'SAME', stride: [2, 2] }],
      [[7, 7, 2], [7, 7], { padding: 'VALID' }],
    ] as [[number, number, number], [number, number], ConvSettings][]) {
      const x = seeded(shape[0] * shape[1] * shape[2], 17);
      const ref = referencePool({ x, inShape: shape, stride: s.stride ?? [1, 1], dilation: [1, 1], padding: s.padding!, kernel: filter }, kind);
      const r = await runGraph(
        [input([1, ...shape]), activation([1, ...ref.shape])],
        [{ op, inputs: [0], outputs: [1], options: options.pool(filter, s) }],
        1,
        x4(x, shape),
      );
      expectClose(r.values, ref.out);
    }
  });
});

describe('FULLY_CONNECTED', () => {
  it('computes W·x + b on the flattened input, with fused RELU', async () => {
    const tensors = [input([1, 1, 1, 3]), constant([2, 3], [1, 0, -1, 2, 1, 0]), constant([2], [0.5, -1]), activation([1, 2])];
    const x = x4([1, 2, 3], [1, 1, 3]);
    // [1 − 3 + 0.5, 2 + 2 − 1]
    const plain = await runGraph(tensors, [{ op: 'FULLY_CONNECTED', inputs: [0, 1, 2], outputs: [3], options: options.fullyConnected() }], 3, x);
    expectClose(plain.values, [-1.5, 3]);
    const relu = await runGraph(tensors, [{ op: 'FULLY_CONNECTED', inputs: [0, 1, 2], outputs: [3], options: options.fullyConnected('RELU') }], 3, x);
    expectClose(relu.values, [0, 3]);
  });

  it('keeps one row per image in a batch', async () => {
    const x = tf.tensor4d([1, 2, 3, -1, 0, 1], [2, 1, 1, 3]);
    const r = await runGraph(
      [input([1, 1, 1, 3]), constant([1, 3], [1, 1, 1]), activation([1, 1])],
      [{ op: 'FULLY_CONNECTED', inputs: [0, 1, -1], outputs: [2], options: options.fullyConnected() }],
      2,
      x,
    );
    expect(r.shape).toEqual([2, 1]);
    expect(r.values).toEqual([6, 0]);
  });
});
