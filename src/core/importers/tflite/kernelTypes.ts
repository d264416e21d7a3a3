import type * as tf from '@tensorflow/tfjs';
import type { TfliteGraph, TfliteOperator, TfliteTensor } from './reader';

/** Looks up the run-time value of a tensor index during one forward pass. */
export type Read = (tensorIndex: number) => tf.Tensor;

/** One compiled op: computes its (single) output from already computed tensors. */
export type Kernel = (read: Read) => tf.Tensor;

/** What a kernel compiler may ask of the graph while the model is being built. */
export interface CompileContext {
  graph: TfliteGraph;
  fileName: string;
  tensor(index: number): TfliteTensor;
  /** Float values of a constant input (also through DEQUANTIZE of a constant); undefined when computed at run time. */
  constantFloats(index: number): Float32Array | undefined;
  /** Integer contents of a constant input (shape, axis, padding); throws when it is not a constant. */
  constantInts(index: number, what: string): number[];
  /** Keeps a weight tensor alive until the model is disposed. */
  keep<T extends tf.Tensor>(t: T): T;
  /** An input as a run-time value: the kept constant tensor, or the computed activation. */
  operand(index: number): (read: Read) => tf.Tensor;
  /** A TfliteImportError naming the file and the op. */
  fail(op: TfliteOperator, problem: string): Error;
}

export type KernelCompiler = (op: TfliteOperator, c: CompileContext) => Kernel;
