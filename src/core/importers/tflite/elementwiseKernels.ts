import * as tf from '@tensorflow/tfjs';
import { reluWithMaskGradient } from '../../engine/reluMask';
import { fusedActivation } from './activation';
import type { KernelCompiler } from './kernelTypes';
import { AddOptions, MulOptions, SoftmaxOptions } from './schema_generated';

function unary(f: (x: tf.Tensor) => tf.Tensor): KernelCompiler {
  return (op, c) => {
    const x = c.operand(op.inputs[0]);
    return (read) => f(x(read));
  };
}

function binary(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, Options: typeof AddOptions | typeof MulOptions): KernelCompiler {
  return (op, c) => {
    const o = op.table.builtinOptions(new Options()) as AddOptions | MulOptions | null;
    const act = fusedActivation(o?.fusedActivationFunction() ?? 0, op, c);
    const a = c.operand(op.inputs[0]);
    const b = c.operand(op.inputs[1]);
    return (read) => act(f(a(read), b(read)));
  };
}

const softmax: KernelCompiler = (op, c) => {
  const beta = (op.table.builtinOptions(new SoftmaxOptions()) as SoftmaxOptions | null)?.beta() ?? 1;
  const x = c.operand(op.inputs[0]);
  return (read) => tf.softmax(beta === 1 ? x(read) : tf.mul(x(read), beta));
};

/** hard_swish(x) = x * relu6(x + 3) / 6 (Howard et al. 2019, MobileNetV3). */
function hardSwish(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6));
}

export const elementwiseKernels = {
  ADD: binary(tf.add, AddOptions),
  MUL: binary(tf.mul, MulOptions),
  RELU: unary(reluWithMaskGradient('relu')),
  RELU6: unary(reluWithMaskGradient('relu6')),
  LOGISTIC: unary(tf.sigmoid),
  HARD_SWISH: unary(hardSwish),
  SOFTMAX: softmax,
  // The float model carries real values throughout, so (de)quantisation steps change nothing.
  QUANTIZE: unary((x) => x),
  DEQUANTIZE: unary((x) => x),
} satisfies Record<string, KernelCompiler>;
