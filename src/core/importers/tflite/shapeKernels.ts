import * as tf from '@tensorflow/tfjs';
import { fusedActivation } from './activation';
import type { KernelCompiler } from './kernelTypes';
import { ConcatenationOptions, ReducerOptions, ReshapeOptions, SqueezeOptions } from './schema_generated';

function normaliseAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

// The file's shapes say batch 1; a forward pass may carry N images, so a leading 1 follows the batch.
function withBatch(shape: number[], staticBatch: number | undefined, batch: number): number[] {
  return shape.length > 0 && shape[0] === 1 && staticBatch === 1 ? [batch, ...shape.slice(1)] : shape;
}

const reshape: KernelCompiler = (op, c) => {
  const shapeInput = op.inputs[1] ?? -1;
  let target: number[];
  if (shapeInput >= 0) {
    target = c.constantInts(shapeInput, 'the new shape');
  } else {
    const o = op.table.builtinOptions(new ReshapeOptions()) as ReshapeOptions | null;
    target = Array.from(o?.newShapeArray() ?? c.tensor(op.outputs[0]).shape);
  }
  const staticBatch = c.tensor(op.inputs[0]).shape[0];
  const x = c.operand(op.inputs[0]);
  return (read) => {
    const input = x(read);
    return tf.reshape(input, withBatch(target, staticBatch, input.shape[0] ?? 1));
  };
};

const squeeze: KernelCompiler = (op, c) => {
  const o = op.table.builtinOptions(new SqueezeOptions()) as SqueezeOptions | null;
  const shape = c.tensor(op.inputs[0]).shape;
  const given = Array.from(o?.squeezeDimsArray() ?? []).map((a) => normaliseAxis(a, shape.length));
  // "All size-1 dims" must not include the batch axis, or a batch of one image would lose it.
  const axes = given.length > 0 ? given : shape.map((d, i) => (d === 1 && i > 0 ? i : -1)).filter((i) => i >= 0);
  const x = c.operand(op.inputs[0]);
  return (read) => tf.squeeze(x(read), axes);
};

const mean: KernelCompiler = (op, c) => {
  const rank = c.tensor(op.inputs[0]).shape.length;
  const axes = c.constantInts(op.inputs[1], 'the reduction axes').map((a) => normaliseAxis(a, rank));
  const keepDims = (op.table.builtinOptions(new ReducerOptions()) as ReducerOptions | null)?.keepDims() ?? false;
  const x = c.operand(op.inputs[0]);
  return (read) => tf.mean(x(read), axes, keepDims);
};

const concatenation: KernelCompiler = (op, c) => {
  const o = op.table.builtinOptions(new ConcatenationOptions()) as ConcatenationOptions | null;
  const axis = normaliseAxis(o?.axis() ?? 0, c.tensor(op.outputs[0]).shape.length);
  const act = fusedActivation(o?.fusedActivationFunction() ?? 0, op, c);
  const parts = op.inputs.map((i) => c.operand(i));
  return (read) => act(tf.concat(parts.map((p) => p(read)), axis));
};

const pad: KernelCompiler = (op, c) => {
  const flat = c.constantInts(op.inputs[1], 'the paddings');
  const rank = c.tensor(op.inputs[0]).shape.length;
  if (flat.length !== 2 * rank) throw c.fail(op, `its paddings hold ${flat.length} numbers for an input of rank ${rank}`);
  const paddings = Array.from({ length: rank }, (_, i) => [flat[2 * i], flat[2 * i + 1]] as [number, number]);
  const x = c.operand(op.inputs[0]);
  return (read) => tf.pad(x(read), paddings);
};

export const shapeKernels = {
  RESHAPE: reshape,
  SQUEEZE: squeeze,
  MEAN: mean,
  CONCATENATION: concatenation,
  PAD: pad,
} satisfies Record<string, KernelCompiler>;
