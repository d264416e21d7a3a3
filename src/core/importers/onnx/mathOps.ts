import * as tf from '@tensorflow/tfjs';
import { reluWithMaskGradient } from '../../engine/reluMask';
import {
  attrFloat,
  attrInt,
  attrString,
  floatInput,
  intsValue,
  logicalShape,
  NHWC_AXIS,
  normaliseAxis,
  tensorValue,
  toLogical,
  toNhwc,
  type KernelCompiler,
  type OpContext,
  type Value,
} from './values';

/** An op applied value by value: keeps the layout its input has. */
export const unary =
  (f: (x: tf.Tensor) => tf.Tensor): KernelCompiler =>
  (c) =>
  ([x]) => {
    if (!x) throw c.fail('lacks its input');
    return x.kind === 'tensor' ? tensorValue(f(x.t), x.nhwc) : tensorValue(f(toLogical(x)));
  };

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

function gelu(c: OpContext): (x: tf.Tensor) => tf.Tensor {
  const approximate = attrString(c, 'approximate', 'none');
  if (approximate === 'tanh') {
    return (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));
  }
  if (approximate !== 'none') throw c.fail(`has approximate "${approximate}", which ONNX does not define`);
  return (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** Clip bounds: attributes before opset 11, optional constant inputs from then on. */
function clip(c: OpContext): (x: tf.Tensor) => tf.Tensor {
  const bound = (i: number, attr: string, fallback: number): number => {
    if (c.opset < 11) return attrFloat(c, attr, fallback);
    const v = c.constants[i];
    if (!c.node.inputs[i]) return fallback;
    if (!v) throw c.fail(`computes its ${attr} bound at run time; AlignScope needs it constant`);
    const data = v.kind === 'ints' ? v.data : Array.from(v.t.dataSync());
    if (data.length !== 1) throw c.fail(`has a ${attr} bound with ${data.length} values instead of one`);
    return data[0];
  };
  const lo = bound(1, 'min', -Infinity);
  const hi = bound(2, 'max', Infinity);
  // ReLU6 as torchvision exports it: one mask kernel for its gradient on WebGPU (it differs from
  // clamp's only at x = 0 and x = 6 exactly).
  if (lo === 0 && hi === 6) return reluWithMaskGradient('relu6');
  // tf.clipByValue passes the gradient where lo ≤ x ≤ hi, as PyTorch's clamp does.
  return (x) => tf.clipByValue(x, lo, hi);
}

function hardSigmoid(c: OpContext): (x: tf.Tensor) => tf.Tensor {
  const alpha = attrFloat(c, 'alpha', 0.2);
  const beta = attrFloat(c, 'beta', 0.5);
  return (x) => tf.clipByValue(tf.add(tf.mul(x, alpha), beta), 0, 1);
}

const hardSwish = (x: tf.Tensor) => tf.mul(x, tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1));

/** Integer arithmetic on host values (shape computations); division truncates as ONNX integer Div. */
const INT_OPS: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => Math.trunc(a / b),
};

function broadcastInts(a: Value & { kind: 'ints' }, b: Value & { kind: 'ints' }, f: (x: number, y: number) => number, c: OpContext): Value {
  if (a.data.length === b.data.length) return intsValue(a.data.map((x, i) => f(x, b.data[i])), a.dims);
  if (b.data.length === 1) return intsValue(a.data.map((x) => f(x, b.data[0])), a.dims);
  if (a.data.length === 1) return intsValue(b.data.map((y) => f(a.data[0], y)), b.dims);
  throw c.fail(`combines integer values of shapes [${a.dims}] and [${b.dims}]`);
}

/**
 * Broadcasting binary op. When either operand is an image stored NHWC, the other is brought to
 * NHWC too (a constant once, kept), so per-channel constants meet their channels.
 */
export const binary =
  (name: string, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): KernelCompiler =>
  (c) => {
    const cached: (tf.Tensor | undefined)[] = [];
    const nhwcOf = (v: Value, i: number): tf.Tensor => {
      if (!c.constants[i]) return toNhwc(v);
      cached[i] ??= c.keep(tf.keep(toNhwc(v)));
      return cached[i]!;
    };
    return ([a, b]) => {
      if (!a || !b) throw c.fail('lacks an input');
      if (a.kind === 'ints' && b.kind === 'ints' && INT_OPS[name]) return broadcastInts(a, b, INT_OPS[name], c);
      const image = (a.kind === 'tensor' && a.nhwc) || (b.kind === 'tensor' && b.nhwc);
      if (image && logicalShape(a).length <= 4 && logicalShape(b).length <= 4) {
        return tensorValue(f(nhwcOf(a, 0), nhwcOf(b, 1)), true);
      }
      return tensorValue(f(toLogical(a), toLogical(b)));
    };
  };

/** Softmax over `axis` (opset ≥ 13) or over everything from `axis` on (earlier opsets). */
const softmax: KernelCompiler = (c) => {
  const legacy = c.opset < 13;
  const axisAttr = attrInt(c, 'axis', legacy ? 1 : -1);
  return ([x]) => {
    const t = floatInput(x, 'data', c);
    const axis = normaliseAxis(axisAttr, t.rank, c);
    if (legacy && axis < t.rank - 1) {
      const outer = t.shape.slice(0, axis).reduce((p, d) => p * d, 1);
      return tensorValue(tf.reshape(tf.softmax(tf.reshape(t, [outer, -1])), t.shape));
    }
    if (axis === t.rank - 1) return tensorValue(tf.softmax(t));
    const e = tf.exp(tf.sub(t, tf.max(t, axis, true)));
    return tensorValue(tf.div(e, tf.sum(e, axis, true)));
  };
};

const layerNormalization: KernelCompiler = (c) => {
  const axisAttr = attrInt(c, 'axis', -1);
  const epsilon = attrFloat(c, 'epsilon', 1e-5);
  if (c.node.outputs.slice(1).some(Boolean)) throw c.fail('asks for its mean or inverse deviation, which AlignScope does not compute');
  return ([x, scale, bias]) => {
    const t = floatInput(x, 'data', c);
    const axis = normaliseAxis(axisAttr, t.rank, c);
    const axes = Array.from({ length: t.rank - axis }, (_, k) => axis + k);
    const { mean, variance } = tf.moments(t, axes, true);
    let y = tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, epsilon)));
    if (scale) y = tf.mul(y, toLogical(scale));
    if (bias) y = tf.add(y, toLogical(bias));
    return tensorValue(y);
  };
};

/**
 * Reductions: axes from the attribute (before opset `axesFrom`: 13 for ReduceSum, 18 for the others)
 * or a constant input; image axes reduce in NHWC.
 */
const reduction =
  (f: (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor, axesFrom = 18): KernelCompiler =>
  (c) => {
    const keepDims = attrInt(c, 'keepdims', 1) === 1;
    return ([x, axesInput]) => {
      if (!x) throw c.fail('lacks its input');
      const rank = logicalShape(x).length;
      let axes: number[] | undefined;
      if (c.opset < axesFrom) {
        const a = c.node.attributes.get('axes');
        axes = a?.kind === 'ints' ? a.value : undefined;
      } else if (axesInput) {
        if (axesInput.kind !== 'ints') throw c.fail('computes its axes at run time; AlignScope needs them constant');
        axes = axesInput.data;
      }
      if (axes?.length === 0 && attrInt(c, 'noop_with_empty_axes', 0) === 1) return x;
      const all = (axes?.length ? axes : Array.from({ length: rank }, (_, k) => k)).map((a) => normaliseAxis(a, rank, c));
      if (x.kind === 'tensor' && x.nhwc && (keepDims || (all.includes(2) && all.includes(3)))) {
        // Reducing H and W (or keeping every axis) leaves the remaining axes in the same order in both layouts.
        const physical = all.map((a) => NHWC_AXIS[a]!);
        return tensorValue(f(x.t, physical, keepDims), keepDims);
      }
      return tensorValue(f(toLogical(x), all, keepDims));
    };
  };

/** ‖x‖₂ over the axes; its gradient x / ‖x‖ is undefined only where the whole slice is zero. */
const l2 = (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.sqrt(tf.sum(tf.square(x), axes, keepDims));

/** MatMul with NumPy broadcasting; a matrix on the right folds the leading axes into one product. */
function matMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.rank === 1 || b.rank === 1) {
    const a2 = a.rank === 1 ? tf.reshape(a, [1, -1]) : a;
    const b2 = b.rank === 1 ? tf.reshape(b, [-1, 1]) : b;
    const y = matMul(a2, b2);
    const shape = y.shape.slice();
    if (b.rank === 1) shape.pop();
    if (a.rank === 1) shape.splice(shape.length - (b.rank === 1 ? 1 : 2), 1);
    return tf.reshape(y, shape);
  }
  if (b.rank === 2 && a.rank > 2) {
    const lead = a.shape.slice(0, -1);
    return tf.reshape(tf.matMul(tf.reshape(a, [-1, a.shape[a.rank - 1]!]), b), [...lead, b.shape[1]!]);
  }
  const rank = Math.max(a.rank, b.rank);
  const lift = (t: tf.Tensor) => (t.rank < rank ? tf.reshape(t, [...new Array(rank - t.rank).fill(1), ...t.shape]) : t);
  return tf.matMul(lift(a), lift(b));
}

const matMulOp: KernelCompiler = (c) => ([a, b]) => tensorValue(matMul(floatInput(a, 'A', c), floatInput(b, 'B', c)));

const gemm: KernelCompiler = (c) => {
  const alpha = attrFloat(c, 'alpha', 1);
  const beta = attrFloat(c, 'beta', 1);
  const transA = attrInt(c, 'transA', 0) === 1;
  const transB = attrInt(c, 'transB', 0) === 1;
  return ([a, b, bias]) => {
    const A = floatInput(a, 'A', c);
    const B = floatInput(b, 'B', c);
    if (A.rank !== 2 || B.rank !== 2) throw c.fail(`multiplies ranks ${A.rank} and ${B.rank}; Gemm takes matrices`);
    let y = tf.matMul(A, B, transA, transB);
    if (alpha !== 1) y = tf.mul(y, alpha);
    if (bias) y = tf.add(y, beta === 1 ? toLogical(bias) : tf.mul(toLogical(bias), beta));
    return tensorValue(y);
  };
};

const pow: KernelCompiler = (c) => {
  const base = binary('Pow', tf.pow)(c);
  const e = c.constants[1];
  const exponent = e?.kind === 'ints' ? e.data : e?.kind === 'tensor' && e.t.size === 1 ? Array.from(e.t.dataSync()) : undefined;
  // x² and √x as their own, cheaper ops (PyTorch exports x.pow(2) and x ** 0.5 this way).
  if (exponent?.length === 1 && exponent[0] === 2) return unary(tf.square)(c);
  if (exponent?.length === 1 && exponent[0] === 0.5) return unary(tf.sqrt)(c);
  return base;
};

/** Max, Min, Sum, Mean over any number of inputs, broadcast; an image operand keeps the rest in NHWC. */
const variadic =
  (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, mean = false): KernelCompiler =>
  (c) =>
  (inputs) => {
    const operands = inputs.filter((v): v is Value => v !== undefined);
    if (operands.length === 0) throw c.fail('has no inputs');
    const image = operands.some((v) => v.kind === 'tensor' && v.nhwc) && operands.every((v) => logicalShape(v).length <= 4);
    const tensors = operands.map((v) => (image ? toNhwc(v) : toLogical(v)));
    const combined = tensors.slice(1).reduce(f, tensors[0]);
    return tensorValue(mean ? tf.div(combined, operands.length) : combined, image);
  };

function elu(c: OpContext): (x: tf.Tensor) => tf.Tensor {
  const alpha = attrFloat(c, 'alpha', 1);
  return alpha === 1 ? tf.elu : (x) => tf.add(tf.relu(x), tf.mul(alpha, tf.sub(tf.exp(tf.minimum(x, 0)), 1)));
}

export const mathOps: Record<string, KernelCompiler> = {
  Abs: unary(tf.abs),
  Reciprocal: unary(tf.reciprocal),
  Softplus: unary(tf.softplus),
  LeakyRelu: (c) => unary((x) => tf.leakyRelu(x, attrFloat(c, 'alpha', 0.01)))(c),
  Elu: (c) => unary(elu(c))(c),
  Max: variadic(tf.maximum),
  Min: variadic(tf.minimum),
  Sum: variadic(tf.add),
  Mean: variadic(tf.add, true),
  Relu: unary(reluWithMaskGradient('relu')),
  Sigmoid: unary(tf.sigmoid),
  Tanh: unary(tf.tanh),
  Sqrt: unary(tf.sqrt),
  Erf: unary(tf.erf),
  Neg: unary(tf.neg),
  Exp: unary(tf.exp),
  HardSwish: unary(hardSwish),
  HardSigmoid: (c) => unary(hardSigmoid(c))(c),
  Clip: (c) => unary(clip(c))(c),
  Gelu: (c) => unary(gelu(c))(c),
  Add: binary('Add', tf.add),
  Sub: binary('Sub', tf.sub),
  Mul: binary('Mul', tf.mul),
  Div: binary('Div', tf.div),
  Pow: pow,
  Softmax: softmax,
  LayerNormalization: layerNormalization,
  ReduceMean: reduction(tf.mean),
  ReduceSum: reduction(tf.sum, 13),
  ReduceMax: reduction(tf.max),
  ReduceMin: reduction(tf.min),
  ReduceL2: reduction(l2),
  MatMul: matMulOp,
  Gemm: gemm,
};
