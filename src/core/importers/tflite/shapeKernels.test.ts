import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../test/backend';
import { activation, constant, expectClose, input, runGraph } from './opsTestHarness';
import { TensorType } from './schema_generated';
import { options } from './testing';

beforeAll(() => useBackend('cpu'));

const ints = (shape: number[], data: number[]) => constant(shape, data, TensorType.INT32);
// 1×2×2×2 holding 1..8: pixel (0,0) = [1,2], (0,1) = [3,4], (1,0) = [5,6], (1,1) = [7,8]
const cube = () => tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);

describe('MEAN', () => {
  it('averages over height and width (global pooling) with and without keep_dims', async () => {
    for (const keep of [true, false]) {
      const r = await runGraph(
        [input([1, 2, 2, 2]), ints([2], [1, 2]), activation(keep ? [1, 1, 1, 2] : [1, 2])],
        [{ op: 'MEAN', inputs: [0, 1], outputs: [2], options: options.reducer(keep) }],
        2,
        cube(),
      );
      expect(r.values).toEqual([4, 5]);
    }
  });

  it('takes negative axes from the end', async () => {
    const r = await runGraph(
      [input([1, 2, 2, 2]), ints([1], [-1]), activation([1, 2, 2])],
      [{ op: 'MEAN', inputs: [0, 1], outputs: [2], options: options.reducer(false) }],
      2,
      cube(),
    );
    expect(r.values).toEqual([1.5, 3.5, 5.5, 7.5]);
  });
});

describe('RESHAPE and SQUEEZE', () => {
  it('reshape follows the batch when the file says batch 1', async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [2, 1, 1, 3]);
    const r = await runGraph([input([1, 1, 1, 3]), ints([2], [1, 3]), activation([1, 3])], [{ op: 'RESHAPE', inputs: [0, 1], outputs: [2] }], 2, x);
    expect(r.shape).toEqual([2, 3]);
    expect(r.values).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('squeeze removes the given axes, or every size-1 axis except the batch', async () => {
    for (const dims of [[1, 2], []]) {
      const r = await runGraph(
        [input([1, 1, 1, 3]), activation([1, 3])],
        [{ op: 'SQUEEZE', inputs: [0], outputs: [1], options: options.squeeze(dims) }],
        1,
        tf.tensor4d([7, 8, 9], [1, 1, 1, 3]),
      );
      expect(r.values).toEqual([7, 8, 9]);
    }
  });
});

describe('CONCATENATION', () => {
  it('joins along the channel axis (given as 3 or −1) with a fused RELU', async () => {
    for (const axis of [3, -1]) {
      const r = await runGraph(
        [input([1, 1, 2, 1]), constant([1, 1, 2, 1], [-5, 5]), activation([1, 1, 2, 2])],
        [{ op: 'CONCATENATION', inputs: [0, 1], outputs: [2], options: options.concatenation(axis, 'RELU') }],
        2,
        tf.tensor4d([1, -2], [1, 1, 2, 1]),
      );
      expect(r.values).toEqual([1, 0, 0, 5]);
    }
  });

  it('joins along height', async () => {
    const r = await runGraph(
      [input([1, 1, 2, 1]), activation([1, 2, 2, 1])],
      [{ op: 'CONCATENATION', inputs: [0, 0], outputs: [1], options: options.concatenation(1) }],
      1,
      tf.tensor4d([1, 2], [1, 1, 2, 1]),
    );
    expect(r.values).toEqual([1, 2, 1, 2]);
  });
});

describe('PAD', () => {
  it('pads one row on top and one column on the right with zeros (int64 paddings)', async () => {
    const r = await runGraph(
      [input([1, 2, 2, 1]), constant([4, 2], [0, 0, 1, 0, 0, 1, 0, 0], TensorType.INT64), activation([1, 3, 3, 1])],
      [{ op: 'PAD', inputs: [0, 1], outputs: [2] }],
      2,
      tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]),
    );
    expectClose(r.values, [0, 0, 0, 1, 2, 0, 3, 4, 0]);
  });
});
