import * as tf from '@tensorflow/tfjs';
import {
  attrFloat,
  attrInt,
  attrInts,
  attrString,
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

/**
 * Operators outside the core list that exported timm/torchvision classifiers still use: Split
 * (attention's q, k, v), Pad (TF-"same" convolutions), and the integer ops torch.onnx emits for
 * `expand(B, -1, -1)` (ConstantOfShape, Equal, Where).
 */

/** Split sizes: input (opset ≥ 13), attribute `split` (earlier), `num_outputs` (opset ≥ 18) or equal parts. */
function splitSizes(c: OpContext, dim: number, sizesInput: Value | undefined): number[] {
  const parts = c.node.outputs.length;
  const stated = c.opset >= 13 ? (sizesInput ? intsInput(sizesInput, 'split', c) : undefined) : attrInts(c, 'split');
  if (stated) {
    if (stated.reduce((a, b) => a + b, 0) !== dim) throw c.fail(`splits ${dim} values into parts [${stated}]`);
    return stated;
  }
  const chunk = Math.ceil(dim / (attrInt(c, 'num_outputs', parts) || parts));
  const sizes = Array.from({ length: parts }, (_, k) => Math.max(0, Math.min(chunk, dim - k * chunk)));
  if (sizes.some((s) => s === 0)) throw c.fail(`cannot split ${dim} values into ${parts} parts`);
  return sizes;
}

const split: KernelCompiler = (c) => ([x, sizesInput]) => {
  if (!x || x.kind !== 'tensor') throw c.fail('splits something other than a float tensor');
  const dims = logicalShape(x);
  const axis = normaliseAxis(attrInt(c, 'axis', 0), dims.length, c);
  const sizes = splitSizes(c, dims[axis], sizesInput);
  // Splitting a tensor stored NHWC along any axis leaves every part NHWC.
  if (x.nhwc) return tf.split(x.t, sizes, NHWC_AXIS[axis]).map((t) => tensorValue(t, true));
  return tf.split(x.t, sizes, axis).map((t) => tensorValue(t));
};

/** Reflection from slices and reverses: tf.mirrorPad's gradient drops the reflected part (tfjs 4.22 slices dy). */
function reflectPad(x: tf.Tensor, widths: [number, number][], c: OpContext): tf.Tensor {
  let t = x;
  widths.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    const n = t.shape[axis]!;
    if (before >= n || after >= n) throw c.fail(`reflects ${Math.max(before, after)} values of an axis of ${n}`);
    const take = (from: number, size: number) => {
      const begin = t.shape.map(() => 0);
      const sizes = t.shape.slice();
      begin[axis] = from;
      sizes[axis] = size;
      return tf.reverse(tf.slice(t, begin, sizes), axis);
    };
    const parts = [...(before > 0 ? [take(1, before)] : []), t, ...(after > 0 ? [take(n - 1 - after, after)] : [])];
    t = tf.concat(parts, axis);
  });
  return t;
}

/** Pad: constant or reflect; pads [begin…, end…] in ONNX axis order, applied to the storage layout. */
const pad: KernelCompiler = (c) => ([x, padsInput, valueInput, axesInput]) => {
  if (!x || x.kind !== 'tensor') throw c.fail('pads something other than a float tensor');
  const mode = attrString(c, 'mode', 'constant');
  if (mode !== 'constant' && mode !== 'reflect') throw c.fail(`uses ${mode} padding; AlignScope runs constant and reflect padding`);
  const rank = logicalShape(x).length;
  const pads = c.opset < 11 ? (attrInts(c, 'pads') ?? []) : intsInput(padsInput, 'pads', c);
  const axes = axesInput ? intsInput(axesInput, 'axes', c).map((a) => normaliseAxis(a, rank, c)) : Array.from({ length: rank }, (_, k) => k);
  if (pads.length !== 2 * axes.length) throw c.fail(`has ${pads.length} pads for ${axes.length} axes`);
  let value = c.opset < 11 ? attrFloat(c, 'value', 0) : 0;
  if (valueInput) {
    const v = valueInput.kind === 'ints' ? valueInput.data : Array.from(toLogical(valueInput).dataSync());
    value = v[0] ?? 0;
  }
  const widths: [number, number][] = Array.from({ length: rank }, () => [0, 0]);
  axes.forEach((a, k) => {
    widths[x.nhwc ? NHWC_AXIS[a]! : a] = [pads[k]!, pads[k + axes.length]!];
  });
  if (widths.some(([b, e]) => b < 0 || e < 0)) throw c.fail('has negative pads (cropping), which AlignScope does not run');
  const t = mode === 'reflect' ? reflectPad(x.t, widths, c) : tf.pad(x.t, widths, value);
  return tensorValue(t, x.nhwc);
};

const constantOfShape: KernelCompiler = (c) => ([shape]) => {
  const dims = intsInput(shape, 'shape', c);
  const a = c.node.attributes.get('value');
  const t = a?.kind === 'tensor' ? a.value : undefined;
  const count = dims.reduce((p, d) => p * d, 1);
  if (t?.ints) return intsValue(new Array(count).fill(t.ints[0] ?? 0), dims);
  return tensorValue(tf.fill(dims, t?.floats?.[0] ?? 0));
};

function intsOnly(c: OpContext, inputs: (Value | undefined)[]): { data: number[]; dims: number[] }[] {
  return inputs.map((v) => {
    if (!v || v.kind !== 'ints') throw c.fail('compares or selects image values, which has no gradient; AlignScope folds it only on shapes');
    return v;
  });
}

/** Element-wise over host integers of equal length, or against a single value. */
function zipInts(c: OpContext, inputs: (Value | undefined)[], f: (...v: number[]) => number): Value {
  const operands = intsOnly(c, inputs);
  const longest = operands.reduce((a, b) => (b.data.length > a.data.length ? b : a));
  if (operands.some((o) => o.data.length !== 1 && o.data.length !== longest.data.length)) throw c.fail('combines integer values of different shapes');
  const data = longest.data.map((_, i) => f(...operands.map((o) => o.data[o.data.length === 1 ? 0 : i]!)));
  return intsValue(data, longest.dims);
}

const equal: KernelCompiler = (c) => (inputs) => zipInts(c, inputs, (a, b) => Number(a === b));
const where: KernelCompiler = (c) => (inputs) => zipInts(c, inputs, (cond, a, b) => (cond ? a : b));

export const extraOps: Record<string, KernelCompiler> = {
  Split: split,
  Pad: pad,
  ConstantOfShape: constantOfShape,
  Equal: equal,
  Where: where,
};
