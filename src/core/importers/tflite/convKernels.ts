import * as tf from '@tensorflow/tfjs';
import { type ConvKind, forwardGradientConv } from '../../engine/convGradient';
import { fusedActivation, kernelActivation } from './activation';
import type { CompileContext, Kernel, KernelCompiler } from './kernelTypes';
import type { TfliteOperator } from './reader';
import {
  Conv2DOptions,
  DepthwiseConv2DOptions,
  FullyConnectedOptions,
  FullyConnectedOptionsWeightsFormat,
  Padding,
  Pool2DOptions,
} from './schema_generated';

// TFLite's SAME/VALID follow TensorFlow (SAME pads the extra row/column at the end), as tfjs does.
function padding(p: Padding): 'same' | 'valid' {
  return p === Padding.VALID ? 'valid' : 'same';
}

function weights(op: TfliteOperator, c: CompileContext, position: number, rank: number): Float32Array {
  const index = op.inputs[position];
  const values = index >= 0 ? c.constantFloats(index) : undefined;
  if (!values) throw c.fail(op, 'its weights are computed at run time; only constant weights are supported');
  const shape = c.tensor(index).shape;
  if (shape.length !== rank) throw c.fail(op, `its weights have the shape [${shape}] where rank ${rank} is expected`);
  return values;
}

/** Optional bias (input 2): a kept [out] tensor, or undefined. */
function bias(op: TfliteOperator, c: CompileContext, outChannels: number): tf.Tensor1D | undefined {
  const index = op.inputs[2] ?? -1;
  if (index < 0) return undefined;
  const values = c.constantFloats(index);
  if (!values) throw c.fail(op, 'its bias is computed at run time; only a constant bias is supported');
  if (values.length !== outChannels) throw c.fail(op, `its bias has ${values.length} values for ${outChannels} outputs`);
  return c.keep(tf.tensor1d(values));
}

function checkStridesAndDilations(op: TfliteOperator, c: CompileContext, s: number[], d: number[]): void {
  if (s.some((v) => v > 1) && d.some((v) => v > 1)) {
    throw c.fail(op, 'it combines strides and dilations above 1, which TensorFlow.js cannot run');
  }
}

const conv2d: KernelCompiler = (op, c) => {
  const o = op.table.builtinOptions(new Conv2DOptions()) as Conv2DOptions | null;
  const w = weights(op, c, 1, 4);
  const [out, h, wd, inC] = c.tensor(op.inputs[1]).shape;
  const inputChannels = c.tensor(op.inputs[0]).shape[3];
  if (inputChannels !== undefined && inputChannels !== inC) {
    throw c.fail(op, `its weights expect ${inC} input channels but its input has ${inputChannels} (grouped convolutions are not supported)`);
  }
  const strides: [number, number] = [o?.strideH() || 1, o?.strideW() || 1];
  const dilations: [number, number] = [o?.dilationHFactor() || 1, o?.dilationWFactor() || 1];
  checkStridesAndDilations(op, c, strides, dilations);
  // TFLite stores conv filters as [out, h, w, in]; tfjs wants [h, w, in, out].
  const filter = c.keep(tf.tidy(() => tf.tensor4d(w, [out, h, wd, inC]).transpose<tf.Tensor4D>([1, 2, 3, 0])));
  const b = bias(op, c, out);
  const x = c.operand(op.inputs[0]);
  const pad = padding(o?.padding() ?? Padding.SAME);
  const fused = fusedConvolution(c, 'conv', { filter, bias: b, strides, dilations, pad, activation: o?.fusedActivationFunction() ?? 0 });
  if (fused) return (read) => fused(x(read) as tf.Tensor4D);
  const act = fusedActivation(o?.fusedActivationFunction() ?? 0, op, c);
  return (read) => {
    const y = tf.conv2d(x(read) as tf.Tensor4D, filter, strides, pad, 'NHWC', dilations);
    return act(b ? tf.add(y, b) : y);
  };
};

/** The convolution as the layers engine runs it (forwardGradientConv), where its activation is one a fused kernel applies; else null. */
function fusedConvolution(
  c: CompileContext,
  kind: ConvKind,
  o: { filter: tf.Tensor4D; bias?: tf.Tensor1D; strides: [number, number]; dilations: [number, number]; pad: 'same' | 'valid'; activation: number },
): ((x: tf.Tensor4D) => tf.Tensor4D) | null {
  const activation = kernelActivation(o.activation);
  if (!activation) return null;
  return forwardGradientConv({ kind, filter: o.filter, bias: o.bias, strides: o.strides, pad: o.pad, activation }, o.dilations, (t) => c.keep(t));
}

const depthwiseConv2d: KernelCompiler = (op, c) => {
  const o = op.table.builtinOptions(new DepthwiseConv2DOptions()) as DepthwiseConv2DOptions | null;
  const w = weights(op, c, 1, 4);
  const [one, h, wd, outC] = c.tensor(op.inputs[1]).shape;
  const inC = c.tensor(op.inputs[0]).shape[3];
  if (one !== 1 || !inC || outC % inC !== 0) {
    throw c.fail(op, `its weights of shape [${c.tensor(op.inputs[1]).shape}] do not fit an input with ${inC} channels`);
  }
  const strides: [number, number] = [o?.strideH() || 1, o?.strideW() || 1];
  const dilations: [number, number] = [o?.dilationHFactor() || 1, o?.dilationWFactor() || 1];
  checkStridesAndDilations(op, c, strides, dilations);
  // [1, h, w, in*mult] has channel index ch*mult + m, exactly tfjs's [h, w, in, mult] flattened.
  const filter = c.keep(tf.tensor4d(w, [h, wd, inC, outC / inC]));
  const b = bias(op, c, outC);
  const x = c.operand(op.inputs[0]);
  const pad = padding(o?.padding() ?? Padding.SAME);
  const fused = fusedConvolution(c, 'depthwise', { filter, bias: b, strides, dilations, pad, activation: o?.fusedActivationFunction() ?? 0 });
  if (fused) return (read) => fused(x(read) as tf.Tensor4D);
  const act = fusedActivation(o?.fusedActivationFunction() ?? 0, op, c);
  return (read) => {
    const y = tf.depthwiseConv2d(x(read) as tf.Tensor4D, filter, strides, pad, 'NHWC', dilations);
    return act(b ? tf.add(y, b) : y);
  };
};

function pool(kind: 'avg' | 'max'): KernelCompiler {
  return (op, c) => {
    const o = op.table.builtinOptions(new Pool2DOptions()) as Pool2DOptions | null;
    if (!o) throw c.fail(op, 'it has no pooling options');
    const size: [number, number] = [o.filterHeight(), o.filterWidth()];
    const strides: [number, number] = [o.strideH() || 1, o.strideW() || 1];
    const pad = padding(o.padding());
    const act = fusedActivation(o.fusedActivationFunction(), op, c);
    const x = c.operand(op.inputs[0]);
    const run = kind === 'avg' ? tf.avgPool : tf.maxPool;
    return (read) => act(run(x(read) as tf.Tensor4D, size, strides, pad));
  };
}

const fullyConnected: KernelCompiler = (op, c): Kernel => {
  const o = op.table.builtinOptions(new FullyConnectedOptions()) as FullyConnectedOptions | null;
  if (o && o.weightsFormat() !== FullyConnectedOptionsWeightsFormat.DEFAULT) {
    throw c.fail(op, 'its weights use a shuffled format, which is not supported');
  }
  const w = weights(op, c, 1, 2);
  const [out, inC] = c.tensor(op.inputs[1]).shape;
  // [out, in] transposed once here so that each forward pass is a plain matMul.
  const kernel = c.keep(tf.tidy(() => tf.tensor2d(w, [out, inC]).transpose<tf.Tensor2D>()));
  const b = bias(op, c, out);
  const act = fusedActivation(o?.fusedActivationFunction() ?? 0, op, c);
  const keepDims = o?.keepNumDims() ?? false;
  const x = c.operand(op.inputs[0]);
  return (read) => {
    const input = x(read);
    if (input.size % inC !== 0) throw c.fail(op, `its input of shape [${input.shape}] cannot be split into rows of ${inC}`);
    const y = tf.matMul(tf.reshape(input, [-1, inC]), kernel);
    const z = act(b ? tf.add(y, b) : y);
    return keepDims ? tf.reshape(z, [...input.shape.slice(0, -1), out]) : z;
  };
};

export const convKernels = {
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: depthwiseConv2d,
  AVERAGE_POOL_2D: pool('avg'),
  MAX_POOL_2D: pool('max'),
  FULLY_CONNECTED: fullyConnected,
} satisfies Record<string, KernelCompiler>;
