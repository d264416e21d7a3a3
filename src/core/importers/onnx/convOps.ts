import * as tf from '@tensorflow/tfjs';
import { type ConvKind, fusedConvWithInputGradient, gradientFilter } from '../../engine/convGradient';
import {
  attrFloat,
  attrInt,
  attrInts,
  attrString,
  floatInput,
  tensorValue,
  toNhwc,
  type KernelCompiler,
  type OpContext,
  type Value,
} from './values';

type Pads = [number, number, number, number]; // top, left, bottom, right

/** ONNX pads for a 2-D window: explicit `pads`, or what auto_pad SAME_UPPER/SAME_LOWER implies for this input. */
function windowPads(c: OpContext, size: [number, number], kernel: number[], strides: number[], dilations: number[]): Pads {
  const autoPad = attrString(c, 'auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const pads: Pads = [0, 0, 0, 0];
    for (let i = 0; i < 2; i++) {
      const out = Math.ceil(size[i] / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - size[i]);
      const begin = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
      pads[i] = begin;
      pads[i + 2] = total - begin;
    }
    return pads;
  }
  if (autoPad !== 'NOTSET') throw c.fail(`has auto_pad "${autoPad}", which ONNX does not define`);
  const pads = attrInts(c, 'pads') ?? [0, 0, 0, 0];
  if (pads.length !== 4) throw c.fail(`has ${pads.length} pads; AlignScope runs 2-D windows (4 pads)`);
  return pads as Pads;
}

function pair(c: OpContext, name: string, fallback: number): [number, number] {
  const v = attrInts(c, name) ?? [fallback, fallback];
  if (v.length !== 2) throw c.fail(`has ${name} [${v}]; AlignScope runs 2-D windows`);
  return [v[0], v[1]];
}

/**
 * Padding for tfjs' window ops: explicit pads, which convolutions treat as zeros and pools leave out
 * (max over, and average over, the real pixels only) — cheaper than padding the tensor, which on
 * the cpu backend costs as much as the convolution itself.
 */
function explicit([top, left, bottom, right]: Pads): 'valid' | tf.backend_util.ExplicitPadding {
  if (top === 0 && left === 0 && bottom === 0 && right === 0) return 'valid';
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}

function spatial(x: Value | undefined, c: OpContext): tf.Tensor4D {
  if (!x) throw c.fail('lacks its input');
  const t = toNhwc(x);
  if (t.rank !== 4) throw c.fail(`takes a rank-${t.rank} input; AlignScope runs 2-D (NCHW) images`);
  return t as tf.Tensor4D;
}

/** Conv: weights [M, C/group, kH, kW] become tfjs filters once; groups other than 1 and C run per group. */
const conv: KernelCompiler = (c) => {
  const w = c.constants[1];
  if (!w || w.kind !== 'tensor' || w.t.rank !== 4) throw c.fail('has weights that are not a constant rank-4 tensor');
  const weights = w.t as tf.Tensor4D;
  const [outChannels, perGroup] = weights.shape;
  const group = attrInt(c, 'group', 1);
  const strides = pair(c, 'strides', 1);
  const dilations = pair(c, 'dilations', 1);
  if (outChannels % group !== 0) throw c.fail(`has ${outChannels} filters, not a multiple of its ${group} groups`);
  const bias = c.constants[2];
  if (c.node.inputs[2] && (!bias || bias.kind !== 'tensor')) throw c.fail('has a bias that is not a constant');
  const biasT = bias?.kind === 'tensor' ? c.keep(tf.reshape(bias.t, [outChannels])) : undefined;
  const inChannels = perGroup * group;
  const depthwise = group > 1 && perGroup === 1 && group === inChannels;
  const filters = tf.tidy(() => {
    // tfjs has no gradient for dilated convolutions: spread the kernel with zeros instead (same result).
    const spread = dilations[0] > 1 || dilations[1] > 1 ? dilateKernel(weights, dilations) : weights;
    const [, , h, w] = spread.shape;
    // Depthwise: output channel g·mult + m reads input channel g, which is tfjs' depthwise order.
    return depthwise
      ? [tf.transpose(tf.reshape(spread, [group, outChannels / group, h, w]), [2, 3, 0, 1]) as tf.Tensor4D]
      : tf.split(spread, group, 0).map((g) => tf.transpose(g, [2, 3, 1, 0]) as tf.Tensor4D);
  });
  filters.forEach((f) => c.keep(f));
  const kernelSize = [filters[0].shape[0], filters[0].shape[1]];
  const [kh, kw] = kernelSize;
  const multiplier = outChannels / group;
  // One group or depthwise ×1: one fused kernel with the bias, whose input gradient is a forward
  // convolution (engine/convGradient); other groupings keep tfjs' ops and gradients.
  const kind: ConvKind | null = group === 1 ? 'conv' : depthwise && multiplier === 1 ? 'depthwise' : null;
  const gradFilter = kind ? gradientFilter(kind, filters[0], strides) : null;
  if (gradFilter) c.keep(gradFilter.filter);
  // The pads depend on the input's size (auto_pad): one fused op per size met, not one per forward pass.
  const fusedByPads = new Map<string, (x: tf.Tensor4D) => tf.Tensor4D>();
  return ([x]) => {
    const input = spatial(x, c);
    if (input.shape[3] !== inChannels) throw c.fail(`expects ${inChannels} input channels but receives ${input.shape[3]}`);
    const pads = windowPads(c, [input.shape[1], input.shape[2]], kernelSize, strides, [1, 1]);
    const pad = explicit(pads);
    // The gradient's padding before dy is k − 1 − pad, which a pad wider than the kernel would make negative.
    if (kind && gradFilter && pads[0] <= kh - 1 && pads[1] <= kw - 1) {
      const key = pads.join(' ');
      let fused = fusedByPads.get(key);
      if (!fused) {
        fused = fusedConvWithInputGradient({ kind, filter: filters[0], bias: biasT, strides, pad, activation: 'linear' }, gradFilter);
        fusedByPads.set(key, fused);
      }
      return tensorValue(fused(input), true);
    }
    let y: tf.Tensor4D;
    if (depthwise) y = tf.depthwiseConv2d(input, filters[0], strides, pad);
    else if (group === 1) y = tf.conv2d(input, filters[0], strides, pad);
    else {
      const parts = tf.split(input, group, 3);
      y = tf.concat(parts.map((p, g) => tf.conv2d(p as tf.Tensor4D, filters[g], strides, pad)), 3);
    }
    return tensorValue(biasT ? tf.add(y, biasT) : y, true);
  };
};

/** [M, C, kH, kW] → [M, C, (kH−1)·dH+1, (kW−1)·dW+1] with the taps dH, dW apart and zeros between. */
function dilateKernel(w: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  const [m, ch, kh, kw] = w.shape;
  const values = w.dataSync();
  const h = (kh - 1) * dh + 1;
  const wd = (kw - 1) * dw + 1;
  const out = new Float32Array(m * ch * h * wd);
  for (let o = 0; o < m * ch; o++) {
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) out[(o * h + i * dh) * wd + j * dw] = values[(o * kh + i) * kw + j];
  }
  return tf.tensor4d(out, [m, ch, h, wd]);
}

/** Inference-mode batch norm folded to one scale and shift per channel. */
const batchNormalization: KernelCompiler = (c) => {
  const parts = [1, 2, 3, 4].map((i) => c.constants[i]);
  if (parts.some((p) => !p || p.kind !== 'tensor')) throw c.fail('has scale, bias, mean or variance that is not a constant');
  const [scale, bias, mean, variance] = parts.map((p) => (p as { t: tf.Tensor }).t.flatten());
  const epsilon = attrFloat(c, 'epsilon', 1e-5);
  if (attrInt(c, 'training_mode', 0) === 1) throw c.fail('normalises with batch statistics (training_mode 1); export the model in eval mode');
  const mul = c.keep(tf.tidy(() => tf.div(scale, tf.sqrt(tf.add(variance, epsilon)))));
  const add = c.keep(tf.tidy(() => tf.sub(bias, tf.mul(mean, mul))));
  return ([x]) => {
    if (!x) throw c.fail('lacks its input');
    if (x.kind === 'tensor' && (x.nhwc || x.t.rank === 4)) return tensorValue(tf.add(tf.mul(toNhwc(x), mul), add), true);
    const t = floatInput(x, 'data', c);
    // [N, C, ...]: broadcast the per-channel numbers along axis 1.
    const shape = [1, mul.size, ...new Array(Math.max(0, t.rank - 2)).fill(1)];
    return tensorValue(tf.add(tf.mul(t, tf.reshape(mul, shape)), tf.reshape(add, shape)));
  };
};

const globalAveragePool: KernelCompiler = (c) => ([x]) => tensorValue(tf.mean(spatial(x, c), [1, 2], true), true);

function poolWindow(c: OpContext, x: tf.Tensor4D) {
  const kernel = pair(c, 'kernel_shape', 0);
  if (kernel[0] < 1 || kernel[1] < 1) throw c.fail('lacks a 2-D kernel_shape');
  const strides = pair(c, 'strides', 1);
  const dilations = pair(c, 'dilations', 1);
  if (dilations[0] !== 1 || dilations[1] !== 1) throw c.fail('uses dilated pooling, which AlignScope does not run');
  const size: [number, number] = [x.shape[1], x.shape[2]];
  const pads = windowPads(c, size, kernel, strides, dilations);
  if (attrInt(c, 'ceil_mode', 0) === 1) {
    // Ceil mode adds a last window that starts inside the padded input: extend the end padding to reach it.
    for (let i = 0; i < 2; i++) {
      const span = size[i] + pads[i] + pads[i + 2] - kernel[i];
      let out = Math.ceil(span / strides[i]) + 1;
      if ((out - 1) * strides[i] >= size[i] + pads[i]) out--;
      pads[i + 2] += Math.max(0, (out - 1) * strides[i] + kernel[i] - (size[i] + pads[i] + pads[i + 2]));
    }
  }
  return { kernel, strides, pads };
}

const maxPool: KernelCompiler = (c) => {
  if (c.node.outputs.length > 1 && c.node.outputs[1]) throw c.fail('asks for the indices of the maxima, which AlignScope does not compute');
  return ([x]) => {
    const input = spatial(x, c);
    const { kernel, strides, pads } = poolWindow(c, input);
    return tensorValue(tf.maxPool(input, kernel, strides, explicit(pads)), true);
  };
};

/**
 * Average pooling over zero-padded input. Without count_include_pad the divisor counts only the
 * real pixels under each window: the same pooling of ones, made once. (tfjs' own padded avgPool
 * averages over real pixels too, but its gradient divides by the full window.)
 */
const averagePool: KernelCompiler = (c) => {
  const includePad = attrInt(c, 'count_include_pad', 0) === 1;
  let divisor: tf.Tensor | undefined;
  return ([x]) => {
    const input = spatial(x, c);
    const { kernel, strides, pads } = poolWindow(c, input);
    const [top, left, bottom, right] = pads;
    const zeroPad = (t: tf.Tensor4D) => (explicit(pads) === 'valid' ? t : tf.pad(t, [[0, 0], [top, bottom], [left, right], [0, 0]]));
    const sum = tf.avgPool(zeroPad(input), kernel, strides, 'valid');
    const stated = windowPads(c, [input.shape[1], input.shape[2]], kernel, strides, [1, 1]);
    const ceilExtra = pads.some((p, i) => p !== stated[i]);
    if (includePad && !ceilExtra) return tensorValue(sum, true);
    if (includePad) throw c.fail('uses ceil_mode with count_include_pad, whose edge divisor AlignScope does not reproduce');
    if (!divisor || divisor.shape[1] !== sum.shape[1] || divisor.shape[2] !== sum.shape[2]) {
      divisor?.dispose();
      divisor = c.keep(tf.keep(tf.tidy(() => tf.avgPool(zeroPad(tf.ones([1, input.shape[1], input.shape[2], 1])), kernel, strides, 'valid'))));
    }
    return tensorValue(tf.div(sum, divisor), true);
  };
};

export const convOps: Record<string, KernelCompiler> = {
  Conv: conv,
  BatchNormalization: batchNormalization,
  GlobalAveragePool: globalAveragePool,
  MaxPool: maxPool,
  AveragePool: averagePool,
};
