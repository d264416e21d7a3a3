import * as tf from '@tensorflow/tfjs';
import { product, strides } from './hostTensor';
import { DataType } from './reader';
import {
  attrInt,
  attrInts,
  intsInput,
  intsValue,
  logicalShape,
  NHWC_AXIS,
  normaliseAxis,
  tensorValue,
  toLogical,
  type KernelCompiler,
  type OpContext,
  type Value,
} from './values';

/** Host integer tensors support the index ops shape arithmetic needs, by explicit index mapping. */
function gatherInts(v: Value & { kind: 'ints' }, axis: number, indices: number[], indexDims: number[]): Value {
  const dims = v.dims;
  const outDims = [...dims.slice(0, axis), ...indexDims, ...dims.slice(axis + 1)];
  const outer = product(dims.slice(0, axis));
  const inner = product(dims.slice(axis + 1));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const raw of indices) {
      const i = raw < 0 ? raw + dims[axis] : raw;
      for (let k = 0; k < inner; k++) data.push(v.data[(o * dims[axis] + i) * inner + k]);
    }
  }
  return intsValue(data, outDims, v.float);
}

function sliceInts(v: Value & { kind: 'ints' }, begin: number[], size: number[], step: number[]): Value {
  const s = strides(v.dims);
  const data: number[] = [];
  const walk = (axis: number, offset: number) => {
    if (axis === v.dims.length) {
      data.push(v.data[offset]);
      return;
    }
    for (let k = 0; k < size[axis]; k++) walk(axis + 1, offset + (begin[axis] + k * step[axis]) * s[axis]);
  };
  walk(0, 0);
  return intsValue(data, size, v.float);
}

const shape: KernelCompiler = (c) => ([x]) => {
  if (!x) throw c.fail('lacks its input');
  let dims = logicalShape(x);
  const rank = dims.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  dims = dims.slice(clamp(attrInt(c, 'start', 0)), clamp(attrInt(c, 'end', rank)));
  return intsValue(dims);
};

/** Reshape: 0 copies the input's dimension (unless allowzero), −1 takes what remains. */
function targetShape(input: number[], requested: number[], c: OpContext): number[] {
  const allowZero = attrInt(c, 'allowzero', 0) === 1;
  const out = requested.map((d, k) => (d === 0 && !allowZero ? input[k] : d));
  const known = product(out.filter((d) => d !== -1));
  const free = out.filter((d) => d === -1).length;
  if (free > 1 || out.some((d) => d === undefined || d < -1)) throw c.fail(`has an invalid target shape [${requested}]`);
  if (free === 1) out[out.indexOf(-1)] = product(input) / known;
  if (product(out) !== product(input) || !out.every(Number.isInteger)) {
    throw c.fail(`cannot reshape [${input}] to [${requested}]`);
  }
  return out;
}

const reshape: KernelCompiler = (c) => ([x, target]) => {
  if (!x) throw c.fail('lacks its input');
  const requested = c.opset < 5 ? (attrInts(c, 'shape') ?? []) : intsInput(target, 'shape', c);
  const dims = targetShape(logicalShape(x), requested, c);
  return x.kind === 'ints' ? intsValue(x.data, dims, x.float) : tensorValue(tf.reshape(toLogical(x), dims));
};

const flatten: KernelCompiler = (c) => ([x]) => {
  if (!x) throw c.fail('lacks its input');
  const dims = logicalShape(x);
  const axis = attrInt(c, 'axis', 1);
  const a = axis < 0 ? axis + dims.length : axis;
  const out = [product(dims.slice(0, a)), product(dims.slice(a))];
  return x.kind === 'ints' ? intsValue(x.data, out, x.float) : tensorValue(tf.reshape(toLogical(x), out));
};

const transpose: KernelCompiler = (c) => ([x]) => {
  if (!x) throw c.fail('lacks its input');
  const rank = logicalShape(x).length;
  const perm = attrInts(c, 'perm') ?? Array.from({ length: rank }, (_, k) => rank - 1 - k);
  // NHWC → NCHW and back, as converted TensorFlow models wrap every convolution: only the layout mark changes.
  if (x.kind === 'tensor' && rank === 4 && perm.join() === (x.nhwc ? '0,2,3,1' : '0,3,1,2')) return tensorValue(x.t, !x.nhwc);
  if (x.kind === 'tensor' && x.nhwc) {
    // Compose with the storage order: one transpose instead of two.
    return tensorValue(tf.transpose(x.t, perm.map((p) => NHWC_AXIS[p])));
  }
  if (x.kind === 'ints') throw c.fail('transposes integer data, which AlignScope does not fold');
  return tensorValue(tf.transpose(x.t, perm));
};

const concat: KernelCompiler = (c) => (inputs) => {
  const parts = inputs.filter((v): v is Value => v !== undefined && product(logicalShape(v)) > 0);
  if (parts.length === 0) throw c.fail('has no non-empty inputs');
  const rank = logicalShape(parts[0]).length;
  const axis = normaliseAxis(attrInt(c, 'axis', 0), rank, c);
  if (parts.every((p) => p.kind === 'ints')) {
    if (rank !== 1) throw c.fail('concatenates integer data of rank above 1, which AlignScope does not fold');
    const data = parts.flatMap((p) => (p as { data: number[] }).data);
    return intsValue(data);
  }
  if (parts.every((p) => p.kind === 'tensor' && p.nhwc)) {
    return tensorValue(tf.concat(parts.map((p) => (p as { t: tf.Tensor }).t), NHWC_AXIS[axis]), true);
  }
  return tensorValue(tf.concat(parts.map(toLogical), axis));
};

const gather: KernelCompiler = (c) => ([x, indices]) => {
  if (!x || !indices) throw c.fail('lacks an input');
  if (indices.kind !== 'ints') throw c.fail('takes its indices from the image at run time');
  const dims = logicalShape(x);
  const axis = normaliseAxis(attrInt(c, 'axis', 0), dims.length, c);
  if (indices.data.some((i) => i < -dims[axis] || i >= dims[axis])) throw c.fail(`has an index outside [${-dims[axis]}, ${dims[axis]})`);
  if (x.kind === 'ints') return gatherInts(x, axis, indices.data, indices.dims);
  const idx = tf.tensor(indices.data.map((i) => (i < 0 ? i + dims[axis] : i)), [indices.data.length], 'int32');
  const g = tf.gather(toLogical(x), idx, axis);
  return tensorValue(tf.reshape(g, [...dims.slice(0, axis), ...indices.dims, ...dims.slice(axis + 1)]));
};

/** Slice: starts/ends/axes/steps from attributes (opset < 10) or constant inputs, clamped as ONNX says. */
const slice: KernelCompiler = (c) => (inputs) => {
  const x = inputs[0];
  if (!x) throw c.fail('lacks its input');
  const dims = logicalShape(x);
  const read = (i: number, attr: string) =>
    c.opset < 10 ? attrInts(c, attr) : inputs[i] ? intsInput(inputs[i], attr, c) : undefined;
  const starts = read(1, 'starts') ?? [];
  const ends = read(2, 'ends') ?? [];
  const axes = (read(3, 'axes') ?? starts.map((_, k) => k)).map((a) => normaliseAxis(a, dims.length, c));
  const steps = (c.opset < 10 ? undefined : read(4, 'steps')) ?? starts.map(() => 1);
  const begin = dims.map(() => 0);
  const size = dims.slice();
  const step = dims.map(() => 1);
  axes.forEach((axis, k) => {
    const n = dims[axis];
    const s = steps[k];
    if (s === 0) throw c.fail('has a step of 0');
    const clampIndex = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    const from = s > 0 ? clampIndex(starts[k], 0, n) : clampIndex(starts[k], 0, n - 1);
    const to = s > 0 ? clampIndex(ends[k], 0, n) : clampIndex(ends[k], -1, n - 1);
    begin[axis] = from;
    size[axis] = Math.max(0, Math.ceil((to - from) / s));
    step[axis] = s;
  });
  if (x.kind === 'ints') return sliceInts(x, begin, size, step);
  let t = toLogical(x);
  // Strided and reversed axes as explicit gathers: stridedSlice would read a negative end as counted from the back.
  step.forEach((s, axis) => {
    if (s === 1 || size[axis] === 0) return;
    const indices = Array.from({ length: size[axis] }, (_, k) => begin[axis] + k * s);
    t = tf.gather(t, tf.tensor1d(indices, 'int32'), axis);
    begin[axis] = 0;
  });
  return tensorValue(tf.slice(t, begin, size));
};

/** Squeeze/Unsqueeze: axes from the attribute (opset < 13) or a constant input. */
function axesOf(c: OpContext, input: Value | undefined): number[] | undefined {
  if (c.opset < 13) return attrInts(c, 'axes');
  return input ? intsInput(input, 'axes', c) : undefined;
}

const withDims = (x: Value, dims: number[]): Value =>
  x.kind === 'ints' ? intsValue(x.data, dims, x.float) : tensorValue(tf.reshape(toLogical(x), dims));

const squeeze: KernelCompiler = (c) => ([x, axesInput]) => {
  if (!x) throw c.fail('lacks its input');
  const dims = logicalShape(x);
  const axes = (axesOf(c, axesInput) ?? dims.flatMap((d, k) => (d === 1 ? [k] : []))).map((a) => normaliseAxis(a, dims.length, c));
  if (axes.some((a) => dims[a] !== 1)) throw c.fail(`squeezes an axis of [${dims}] that is not 1`);
  return withDims(x, dims.filter((_, k) => !axes.includes(k)));
};

const unsqueeze: KernelCompiler = (c) => ([x, axesInput]) => {
  if (!x) throw c.fail('lacks its input');
  const dims = logicalShape(x);
  const rank = dims.length + (axesOf(c, axesInput)?.length ?? 0);
  const axes = (axesOf(c, axesInput) ?? []).map((a) => normaliseAxis(a, rank, c));
  const out: number[] = [];
  for (let k = 0, j = 0; k < rank; k++) out.push(axes.includes(k) ? 1 : dims[j++]);
  return withDims(x, out);
};

const expand: KernelCompiler = (c) => ([x, target]) => {
  if (!x) throw c.fail('lacks its input');
  const requested = intsInput(target, 'shape', c);
  const dims = logicalShape(x);
  const rank = Math.max(requested.length, dims.length);
  const pad = (d: number[]) => [...new Array(rank - d.length).fill(1), ...d];
  const a = pad(dims);
  const out = pad(requested).map((d, k) => (d === 1 ? a[k] : d));
  return tensorValue(tf.broadcastTo(tf.reshape(toLogical(x), a), out));
};

const constant: KernelCompiler = (c) => {
  const a = c.node.attributes.get('value');
  const scalar = ['value_float', 'value_int', 'value_floats', 'value_ints'].find((n) => c.node.attributes.has(n));
  return () => {
    if (a?.kind === 'tensor') {
      const t = a.value;
      return t.floats ? tensorValue(tf.tensor(t.floats, t.dims, 'float32')) : intsValue(t.ints ?? [], t.dims);
    }
    const s = scalar ? c.node.attributes.get(scalar) : undefined;
    if (s?.kind === 'float') return tensorValue(tf.scalar(s.value));
    if (s?.kind === 'floats') return tensorValue(tf.tensor1d(s.value));
    if (s?.kind === 'int') return intsValue([s.value], []);
    if (s?.kind === 'ints') return intsValue(s.value);
    throw c.fail('holds a kind of constant AlignScope does not read (sparse or string)');
  };
};

const identity: KernelCompiler = (c) => ([x]) => {
  if (!x) throw c.fail('lacks its input');
  return x;
};

/** Cast between float types is the identity here (float16/double data are read as float32); ints ↔ floats move between host and tensor. */
const cast: KernelCompiler = (c) => {
  const to = attrInt(c, 'to', 0);
  const toFloat = to === DataType.FLOAT || to === DataType.FLOAT16 || to === DataType.DOUBLE;
  const toInt = to === DataType.INT64 || to === DataType.INT32;
  if (!toFloat && !toInt) throw c.fail(`casts to data type ${to}, which AlignScope does not run`);
  return ([x]) => {
    if (!x) throw c.fail('lacks its input');
    if (toFloat) return x.kind === 'ints' ? tensorValue(toLogical(x)) : x;
    if (x.kind === 'ints') return x;
    if (!c.constants[0]) throw c.fail('turns image values into integers at run time (a shape or index computed from pixels), which AlignScope cannot resolve to fixed numbers');
    return intsValue(Array.from(x.t.dataSync(), Math.trunc), logicalShape(x));
  };
};

export const shapeOps: Record<string, KernelCompiler> = {
  Shape: shape,
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Concat: concat,
  Gather: gather,
  Slice: slice,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Expand: expand,
  Constant: constant,
  Identity: identity,
  Dropout: identity,
  Cast: cast,
};
