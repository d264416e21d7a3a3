import * as tf from '@tensorflow/tfjs';
import type { OnnxAttribute, OnnxNode } from './reader';

/**
 * A value flowing through the graph. Float data lives in tfjs tensors; a rank-4 tensor may be stored
 * NHWC (`nhwc`) while ONNX means NCHW, so convolutions run without transposes. Integer data (shapes,
 * indices, axes, masks) stays on the host, so shape arithmetic never touches the gradient tape; so do
 * floats computed from shapes at run time (`float`), as TF-"same" padding computes its pads.
 */
export type Value = TensorValue | IntsValue;

export interface TensorValue {
  kind: 'tensor';
  t: tf.Tensor;
  /** True when the rank-4 tensor is stored NHWC; its ONNX (logical) layout is NCHW. */
  nhwc: boolean;
}

/** Host data: integers and booleans (0/1), exact up to 2^53 (int64 beyond that only bounds slices); or host floats. */
export interface IntsValue {
  kind: 'ints';
  data: number[];
  dims: number[];
  /** Float data on the host (a shape computation in floats, or a constant folded on the host). */
  float?: boolean;
}

export const tensorValue = (t: tf.Tensor, nhwc = false): TensorValue => ({ kind: 'tensor', t, nhwc });
export const intsValue = (data: number[], dims: number[] = [data.length], float = false): IntsValue =>
  float ? { kind: 'ints', data, dims, float } : { kind: 'ints', data, dims };

/** A compiled operator: its output (or outputs, for Split) from its inputs (undefined where an optional input is absent). */
export type Kernel = (inputs: (Value | undefined)[]) => Value | Value[];

export interface OpContext {
  node: OnnxNode;
  opset: number;
  /** Inputs known at load time (initializers, Constants and what folds from them), by input position. */
  constants: (Value | undefined)[];
  /** Keeps a tensor made at run time (e.g. a weight in NHWC order) until the model is disposed. */
  keep<T extends tf.Tensor>(t: T): T;
  /** An OnnxImportError naming the file, the node and the problem. */
  fail(problem: string): Error;
}

export type KernelCompiler = (c: OpContext) => Kernel;

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** Physical NHWC axis of each logical NCHW axis. */
export const NHWC_AXIS = [0, 3, 1, 2];

/** The value's shape as ONNX sees it (NCHW for a tensor stored NHWC). */
export function logicalShape(v: Value): number[] {
  if (v.kind === 'ints') return v.dims;
  const s = v.t.shape;
  return v.nhwc ? [s[0]!, s[3]!, s[1]!, s[2]!] : s;
}

/** The tensor in ONNX's own layout. */
export function toLogical(v: Value): tf.Tensor {
  if (v.kind === 'ints') return tf.tensor(v.data, v.dims, 'float32');
  return v.nhwc ? tf.transpose(v.t, TO_NCHW) : v.t;
}

/** A rank-4 (or lower, broadcast as ONNX does against rank 4) value as an NHWC tensor. */
export function toNhwc(v: Value): tf.Tensor {
  if (v.kind === 'tensor' && v.nhwc) return v.t;
  let t = toLogical(v);
  if (t.rank > 4) throw new Error(`a rank-${t.rank} value cannot be broadcast against an image tensor`);
  if (t.rank < 4) t = tf.reshape(t, [...new Array(4 - t.rank).fill(1), ...t.shape]);
  return tf.transpose(t, TO_NHWC);
}

export function normaliseAxis(axis: number, rank: number, c: OpContext): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank)) throw c.fail(`has axis ${axis} outside a rank-${rank} tensor`);
  return a;
}

/** Attribute readers with ONNX defaults. */
export function attrInt(c: OpContext, name: string, fallback: number): number {
  const a = c.node.attributes.get(name);
  if (!a) return fallback;
  if (a.kind !== 'int') throw c.fail(`has attribute ${name} of the wrong type`);
  return a.value;
}

export function attrFloat(c: OpContext, name: string, fallback: number): number {
  const a = c.node.attributes.get(name);
  if (!a) return fallback;
  // An integer where a float is due: an untyped attribute of an early exporter, or 0.
  if (a.kind !== 'float' && a.kind !== 'int') throw c.fail(`has attribute ${name} of the wrong type`);
  return a.value;
}

export function attrInts(c: OpContext, name: string): number[] | undefined {
  const a: OnnxAttribute | undefined = c.node.attributes.get(name);
  if (!a) return undefined;
  if (a.kind !== 'ints') throw c.fail(`has attribute ${name} of the wrong type`);
  return a.value;
}

export function attrString(c: OpContext, name: string, fallback: string): string {
  const a = c.node.attributes.get(name);
  if (!a) return fallback;
  if (a.kind !== 'string') throw c.fail(`has attribute ${name} of the wrong type`);
  return a.value;
}

/** A constant integer input (axes, shapes, pads) that must be known when the model loads, or while it runs on the host. */
export function intsInput(v: Value | undefined, what: string, c: OpContext): number[] {
  if (!v) throw c.fail(`lacks its ${what} input`);
  if (v.kind === 'ints') return v.data;
  throw c.fail(`computes its ${what} from the image at run time, which AlignScope cannot resolve to fixed numbers`);
}

/** A float tensor input in its logical layout. */
export function floatInput(v: Value | undefined, what: string, c: OpContext): tf.Tensor {
  if (!v) throw c.fail(`lacks its ${what} input`);
  return toLogical(v);
}
