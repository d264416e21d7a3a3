import * as tf from '@tensorflow/tfjs';
import { buildTfliteModel } from './buildModel';
import { readTfliteGraph } from './reader';
import { TensorType } from './schema_generated';
import { buildTflite, type SpecOp, type SpecTensor } from './testing';
import { lcg } from '../../../test/random';

/**
 * Runs a hand-made graph whose tensor 0 is the input and whose tensor `output` is the result:
 * a RESHAPE to [1, -1] is appended so the importer's classifier check holds for any op output.
 */
export async function runGraph(
  tensors: SpecTensor[],
  operators: SpecOp[],
  output: number,
  x: tf.Tensor4D,
): Promise<{ values: number[]; shape: number[] }> {
  const size = tensors[output].shape.reduce((a, b) => a * b, 1);
  const shapeConst = tensors.length;
  const flat = tensors.length + 1;
  const bytes = buildTflite({
    tensors: [...tensors, { shape: [2], type: TensorType.INT32, data: [1, -1] }, { shape: [1, size] }],
    operators: [...operators, { op: 'RESHAPE', inputs: [output, shapeConst], outputs: [flat] }],
    inputs: [0],
    outputs: [flat],
  });
  const { raw } = buildTfliteModel(readTfliteGraph(bytes, 'test.tflite'));
  const y = raw.predict(x);
  const values = Array.from(await y.data());
  const shape = y.shape;
  y.dispose();
  raw.dispose();
  return { values, shape };
}

/** Float input tensor spec of the given NHWC shape. */
export const input = (shape: number[]): SpecTensor => ({ shape, name: 'input' });
export const constant = (shape: number[], data: number[], type = TensorType.FLOAT32): SpecTensor => ({ shape, data, type });
export const activation = (shape: number[]): SpecTensor => ({ shape });

export function expectClose(actual: number[], expected: number[], tol = 1e-5): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != expected ${expected.length}`);
  const bad = actual.findIndex((a, i) => !(Math.abs(a - expected[i]) <= tol * Math.max(1, Math.abs(expected[i]))));
  if (bad >= 0) throw new Error(`value ${bad}: got ${actual[bad]}, expected ${expected[bad]} (tolerance ${tol})\nactual ${actual}\nexpected ${expected}`);
}

/** Deterministic pseudo-random values in [-1, 1) (a fixed LCG, so failures reproduce). */
export function seeded(n: number, seed = 1): number[] {
  const rand = lcg(seed);
  return Array.from({ length: n }, () => 2 * rand() - 1);
}
