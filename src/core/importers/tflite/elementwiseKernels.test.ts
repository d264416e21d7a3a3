import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../test/backend';
import { activation, constant, expectClose, input, runGraph } from './opsTestHarness';
import { TensorType } from './schema_generated';
import { options, type SpecOp } from './testing';

beforeAll(() => useBackend('cpu'));

const VALUES = [-4, -3, -1, 0, 1, 3, 4, 7];
const line = () => tf.tensor4d(VALUES, [1, 1, 8, 1]);

async function unary(op: SpecOp['op']): Promise<number[]> {
  return (await runGraph([input([1, 1, 8, 1]), activation([1, 1, 8, 1])], [{ op, inputs: [0], outputs: [1] }], 1, line())).values;
}

describe('activations', () => {
  it('RELU and RELU6 clip at 0 (and 6)', async () => {
    expect(await unary('RELU')).toEqual([0, 0, 0, 0, 1, 3, 4, 7]);
    expect(await unary('RELU6')).toEqual([0, 0, 0, 0, 1, 3, 4, 6]);
  });

  it('HARD_SWISH is x·relu6(x + 3)/6', async () => {
    expectClose(await unary('HARD_SWISH'), [0, 0, -1 / 3, 0, 2 / 3, 3, 4, 7]);
  });

  it('LOGISTIC is 1/(1 + e^−x)', async () => {
    expectClose(await unary('LOGISTIC'), VALUES.map((v) => 1 / (1 + Math.exp(-v))));
  });

  it('QUANTIZE and DEQUANTIZE pass real values through unchanged', async () => {
    expect(await unary('QUANTIZE')).toEqual(VALUES);
    expect(await unary('DEQUANTIZE')).toEqual(VALUES);
  });
});

describe('ADD and MUL', () => {
  it('broadcast a per-channel constant and apply the fused activation', async () => {
    const x = tf.tensor4d([1, 2, -3, 4], [1, 1, 2, 2]);
    const tensors = [input([1, 1, 2, 2]), constant([2], [1, -2]), activation([1, 1, 2, 2])];
    const add = await runGraph(tensors, [{ op: 'ADD', inputs: [0, 1], outputs: [2], options: options.add('RELU6') }], 2, x);
    expect(add.values).toEqual([2, 0, 0, 2]);
    const mul = await runGraph(tensors, [{ op: 'MUL', inputs: [0, 1], outputs: [2], options: options.mul() }], 2, x);
    expect(mul.values).toEqual([1, -4, -3, -8]);
    x.dispose();
  });

  it('combine two computed branches (a residual connection)', async () => {
    // y = relu(x) + x·x
    const r = await runGraph(
      [input([1, 1, 3, 1]), activation([1, 1, 3, 1]), activation([1, 1, 3, 1]), activation([1, 1, 3, 1])],
      [
        { op: 'RELU', inputs: [0], outputs: [1] },
        { op: 'MUL', inputs: [0, 0], outputs: [2], options: options.mul() },
        { op: 'ADD', inputs: [1, 2], outputs: [3], options: options.add() },
      ],
      3,
      tf.tensor4d([-2, 0.5, 3], [1, 1, 3, 1]),
    );
    expectClose(r.values, [4, 0.75, 12]);
  });
});

describe('SOFTMAX', () => {
  const x = () => tf.tensor4d([1, 2, 3, 0], [1, 1, 1, 4]);

  it('is dropped when it is the model output, so the model returns logits', async () => {
    const r = await runGraph(
      [input([1, 1, 1, 4]), activation([1, 4]), constant([2], [1, 4], TensorType.INT32), activation([1, 4])],
      [
        { op: 'RESHAPE', inputs: [0, 2], outputs: [1] },
        { op: 'SOFTMAX', inputs: [1], outputs: [3], options: options.softmax() },
      ],
      3,
      x(),
    );
    expect(r.values).toEqual([1, 2, 3, 0]);
  });

  it('is dropped behind a final QUANTIZE (as in post-training-quantised files)', async () => {
    const r = await runGraph(
      [input([1, 1, 1, 4]), activation([1, 1, 1, 4]), activation([1, 1, 1, 4])],
      [
        { op: 'SOFTMAX', inputs: [0], outputs: [1], options: options.softmax() },
        { op: 'QUANTIZE', inputs: [1], outputs: [2] },
      ],
      2,
      x(),
    );
    expect(r.values).toEqual([1, 2, 3, 0]);
  });

  it('inside the graph computes exp(βx)/Σexp(βx)', async () => {
    const r = await runGraph(
      [input([1, 1, 1, 4]), activation([1, 1, 1, 4]), constant([1], [0]), activation([1, 1, 1, 4])],
      [
        { op: 'SOFTMAX', inputs: [0], outputs: [1], options: options.softmax(2) },
        { op: 'ADD', inputs: [1, 2], outputs: [3], options: options.add() },
      ],
      3,
      x(),
    );
    const e = [1, 2, 3, 0].map((v) => Math.exp(2 * v));
    const total = e.reduce((a, b) => a + b);
    expectClose(r.values, e.map((v) => v / total));
  });
});

describe('DEQUANTIZE of a constant', () => {
  it('folds float16 weights into the convolution that reads them', async () => {
    // float16 bits: 0x3c00 = 1, 0xc000 = −2, 0x3800 = 0.5
    const r = await runGraph(
      [
        input([1, 1, 1, 3]),
        { shape: [1, 1, 1, 3], type: TensorType.FLOAT16, data: [0x3c00, 0xc000, 0x3800] },
        activation([1, 1, 1, 3]),
        activation([1, 1, 1, 1]),
      ],
      [
        { op: 'DEQUANTIZE', inputs: [1], outputs: [2] },
        { op: 'CONV_2D', inputs: [0, 2, -1], outputs: [3], options: options.conv2d() },
      ],
      3,
      tf.tensor4d([4, 1, 2], [1, 1, 1, 3]),
    );
    expect(r.values).toEqual([4 - 2 + 1]);
  });
});
