import * as tf from '@tensorflow/tfjs';
import { einsum } from './einsum';
import { binary, unary } from './mathOps';
import { attrFloat, attrInt, floatInput, tensorValue, toLogical, type KernelCompiler, type OpContext, type Value } from './values';

/**
 * Operators of the 2025 table's newer families: instance and group normalisation (torch exports
 * GroupNorm as InstanceNormalization between reshapes at opset < 18), PRelu, Selu, Mish, Einsum.
 */

/** A per-channel vector as a tensor that broadcasts against channels: last axis (NHWC) or axis 1 (NCHW …). */
function perChannel(v: Value, rank: number, nhwc: boolean): tf.Tensor {
  const t = tf.reshape(toLogical(v), [-1]);
  return nhwc ? t : tf.reshape(t, [-1, ...new Array(rank - 2).fill(1)]);
}

/** The channel count of an image tensor: last axis when stored NHWC, else axis 1. */
const channelsOf = (t: tf.Tensor, nhwc: boolean) => (nhwc ? t.shape[3]! : t.shape[1]!);

/**
 * Input `index` (a scale or bias) in the form `build` gives it for the image `t` it meets. A
 * constant input, the usual case, is built on the first forward pass and kept with the model, as
 * `binary` keeps its constants, so attack steps do not rebuild it; a computed one is built on every pass.
 */
function channelParam(c: OpContext, index: number, build: (v: Value, t: tf.Tensor, nhwc: boolean) => tf.Tensor) {
  const built = new Map<string, tf.Tensor>();
  return (v: Value, t: tf.Tensor, nhwc: boolean): tf.Tensor => {
    if (!c.constants[index]) return build(v, t, nhwc);
    const layout = `${t.rank} ${nhwc} ${channelsOf(t, nhwc)}`;
    if (!built.has(layout)) built.set(layout, c.keep(tf.keep(build(v, t, nhwc))));
    return built.get(layout)!;
  };
}

const instanceNormalization: KernelCompiler = (c) => {
  const epsilon = attrFloat(c, 'epsilon', 1e-5);
  const [scaleOf, biasOf] = [1, 2].map((i) => channelParam(c, i, (v, t, nhwc) => perChannel(v, t.rank, nhwc)));
  return ([x, scale, bias]) => {
    if (!x || !scale || !bias) throw c.fail('lacks an input');
    const nhwc = x.kind === 'tensor' && x.nhwc;
    const t = nhwc ? (x as { t: tf.Tensor }).t : floatInput(x, 'input', c);
    const axes = nhwc ? [1, 2] : Array.from({ length: t.rank - 2 }, (_, k) => k + 2);
    const { mean, variance } = tf.moments(t, axes, true);
    const y = tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, epsilon)));
    return tensorValue(tf.add(tf.mul(y, scaleOf(scale, t, nhwc)), biasOf(bias, t, nhwc)), nhwc);
  };
};

/** GroupNormalization: scale and bias per group (opset 18) or per channel (opset 21); either length is accepted. */
const groupNormalization: KernelCompiler = (c) => {
  const epsilon = attrFloat(c, 'epsilon', 1e-5);
  const groups = attrInt(c, 'num_groups', 0);
  // A per-group value repeated for each channel of its group.
  const expand = (v: Value, t: tf.Tensor, nhwc: boolean) => {
    const channels = channelsOf(t, nhwc);
    const p = tf.reshape(toLogical(v), [-1]);
    const full = p.size === channels ? p : tf.reshape(tf.tile(tf.reshape(p, [-1, 1]), [1, channels / groups]), [-1]);
    return perChannel(tensorValue(full), t.rank, nhwc);
  };
  const [scaleOf, biasOf] = [1, 2].map((i) => channelParam(c, i, expand));
  return ([x, scale, bias]) => {
    if (!x || !scale || !bias) throw c.fail('lacks an input');
    const nhwc = x.kind === 'tensor' && x.nhwc;
    const t = nhwc ? (x as { t: tf.Tensor }).t : floatInput(x, 'input', c);
    const channels = channelsOf(t, nhwc);
    if (!(groups > 0 && channels % groups === 0)) throw c.fail(`splits ${channels} channels into ${groups} groups`);
    const n = t.shape[0]!;
    // Group members next to each other: [N, spatial, G, C/G] (NHWC) or [N, G, C/G · spatial] (NCHW).
    const grouped = nhwc ? tf.reshape(t, [n, -1, groups, channels / groups]) : tf.reshape(t, [n, groups, -1]);
    const axes = nhwc ? [1, 3] : [2];
    const { mean, variance } = tf.moments(grouped, axes, true);
    const y = tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, epsilon))), t.shape);
    return tensorValue(tf.add(tf.mul(y, scaleOf(scale, t, nhwc)), biasOf(bias, t, nhwc)), nhwc);
  };
};

const selu: KernelCompiler = (c) => {
  const alpha = attrFloat(c, 'alpha', 1.67326319217681884765625);
  const gamma = attrFloat(c, 'gamma', 1.05070102214813232421875);
  return unary((x) => tf.mul(gamma, tf.add(tf.relu(x), tf.mul(alpha, tf.sub(tf.exp(tf.minimum(x, 0)), 1)))))(c);
};

export const normOps: Record<string, KernelCompiler> = {
  InstanceNormalization: instanceNormalization,
  GroupNormalization: groupNormalization,
  PRelu: binary('PRelu', (x, slope) => tf.add(tf.relu(x), tf.mul(slope, tf.minimum(x, 0)))),
  Selu: selu,
  Mish: unary((x) => tf.mul(x, tf.tanh(tf.softplus(x)))),
  Einsum: einsum,
};
