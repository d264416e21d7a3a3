import * as tf from '@tensorflow/tfjs';
import type { RawModel } from '../../models/types';
import { constantFloats, constantInts } from './dequantize';
import { TfliteImportError } from './errors';
import { KERNELS } from './kernels';
import type { CompileContext, Kernel, Read } from './kernelTypes';
import { elementCount, type TfliteGraph, type TfliteOperator } from './reader';

// Ops that do not change values in the float model; a softmax behind them is still the last op.
const PASS_THROUGH = new Set(['QUANTIZE', 'DEQUANTIZE', 'RESHAPE', 'SQUEEZE']);

// 2048×2048 RGB: far above any classifier input, far below what would exhaust memory in a tab.
const MAX_INPUT_VALUES = 2048 * 2048 * 3;

export interface TfliteModel {
  raw: RawModel;
  /** Tensor index whose value the model returns (the softmax input when a final softmax was dropped). */
  logitsTensor: number;
  droppedSoftmax: boolean;
}

/**
 * Builds a float32 forward pass from plain tfjs ops with constant weight tensors, so that tf.grad
 * with respect to the input computes input gradients only. Only the ops that feed the logits are
 * compiled; any of those outside the supported list fails the whole import, listing them all.
 */
export function buildTfliteModel(graph: TfliteGraph): TfliteModel {
  const { fileName, tensors, operators } = graph;
  const fail = (problem: string) => new TfliteImportError(`${fileName} ${problem}.`);
  if (graph.inputs.length !== 1 || graph.outputs.length !== 1) {
    throw fail(`has ${graph.inputs.length} inputs and ${graph.outputs.length} outputs; an image classifier has one of each`);
  }
  const inputIndex = graph.inputs[0];
  const inputShape = tensors[inputIndex].shape;
  if (inputShape.length !== 4 || inputShape[0] !== 1) {
    throw fail(`has an input of shape [${inputShape}]; an image classifier takes [1, height, width, channels]`);
  }
  if (elementCount(inputShape) > MAX_INPUT_VALUES) {
    throw fail(`has an input of shape [${inputShape}], too large for an image classifier in the browser`);
  }

  const producer = new Map<number, TfliteOperator>();
  for (const op of operators) for (const o of op.outputs) producer.set(o, op);

  const { logitsTensor, droppedSoftmax } = findLogits(graph.outputs[0], producer);
  const outShape = tensors[logitsTensor].shape;
  const numOutputs = elementCount(outShape.slice(1));
  if (outShape.length < 2 || outShape[0] !== 1 || outShape.slice(1).filter((d) => d !== 1).length > 1) {
    throw fail(`gives an output of shape [${outShape}]; a classifier gives one score per class, shape [1, classes]`);
  }

  const constant = new Map<number, Float32Array | null>();
  const constantValues = (index: number): Float32Array | undefined => {
    if (!(index >= 0 && index < tensors.length)) throw fail(`lacks an input tensor that one of its ops requires`);
    if (!constant.has(index)) {
      const t = tensors[index];
      const from = producer.get(index);
      let values: Float32Array | null = null;
      if (t.data) values = constantFloats(t, fileName);
      else if (from && (from.opName === 'DEQUANTIZE' || from.opName === 'QUANTIZE') && index !== inputIndex) {
        values = constantValues(from.inputs[0]) ?? null;
      }
      constant.set(index, values);
    }
    return constant.get(index) ?? undefined;
  };

  const needed = neededOps(operators, logitsTensor, (i) => constantValues(i) !== undefined);
  const unsupported = [...new Set(needed.filter((op) => !KERNELS[op.opName]).map((op) => op.opName))].sort();
  if (unsupported.length > 0) {
    throw fail(
      `uses the op${unsupported.length > 1 ? 's' : ''} ${unsupported.join(', ')}, which AlignScope cannot run ` +
        `(supported: ${Object.keys(KERNELS).sort().join(', ')})`,
    );
  }

  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    kept.push(t);
    return t;
  };
  const constantTensors = new Map<number, tf.Tensor>();
  const available = new Set<number>([inputIndex]);
  const context: CompileContext = {
    graph,
    fileName,
    tensor: (i) => {
      if (!(i >= 0 && i < tensors.length)) throw fail(`lacks an input tensor that one of its ops requires`);
      return tensors[i];
    },
    constantFloats: constantValues,
    constantInts: (i, what) => {
      if (i === undefined || i < 0 || !tensors[i].data) throw fail(`gives ${what} of an op as a run-time value; it must be a constant`);
      return constantInts(tensors[i], fileName);
    },
    keep,
    operand: (i) => {
      const values = constantValues(i);
      if (values) {
        if (!constantTensors.has(i)) constantTensors.set(i, keep(tf.tensor(values, tensors[i].shape)));
        const t = constantTensors.get(i)!;
        return () => t;
      }
      if (!available.has(i)) throw fail(`uses tensor "${tensors[i]?.name ?? i}" before any op computes it`);
      return (read) => read(i);
    },
    fail: (op, problem) => fail(`cannot be imported: op ${op.index} (${op.opName}) ${problem}`),
  };

  const plan: Step[] = [];
  const [, height, width, channels] = inputShape;
  try {
    for (const op of needed) {
      if (op.outputs.length !== 1) throw context.fail(op, `has ${op.outputs.length} outputs where one is expected`);
      plan.push({ op, output: op.outputs[0], kernel: guard(op, context, () => KERNELS[op.opName](op, context)) });
      available.add(op.outputs[0]);
    }
    if (!available.has(logitsTensor)) throw fail('never computes its output from its input');
    dryRun(plan, inputIndex, [1, height, width, channels], graph, context);
  } catch (err) {
    kept.forEach((t) => t.dispose());
    throw err;
  }

  const raw: RawModel = {
    inputShape: [height, width, channels],
    numOutputs,
    predict(x: tf.Tensor4D): tf.Tensor2D {
      const [, h, w, ch] = x.shape;
      if (h !== height || w !== width || ch !== channels) {
        throw new Error(`${fileName} takes input [N, ${height}, ${width}, ${channels}] but was given [${x.shape}].`);
      }
      return tf.tidy(() => {
        const values = new Map<number, tf.Tensor>([[inputIndex, x]]);
        const read: Read = (i) => values.get(i)!;
        for (const step of plan) values.set(step.output, step.kernel(read));
        return tf.reshape(values.get(logitsTensor)!, [x.shape[0], numOutputs]) as tf.Tensor2D;
      });
    },
    dispose() {
      kept.forEach((t) => t.dispose());
      kept.length = 0;
    },
  };
  return { raw, logitsTensor, droppedSoftmax };
}

interface Step {
  op: TfliteOperator;
  output: number;
  kernel: Kernel;
}

/** Runs `f` for one op, turning any failure into a TfliteImportError that names the op. */
function guard<T>(op: TfliteOperator, c: CompileContext, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof TfliteImportError) throw err;
    // Reads of a corrupt file surface here as RangeErrors, wrong graphs as tfjs shape errors.
    throw c.fail(op, `cannot be built or run (${(err as Error).message})`);
  }
}

/**
 * One forward pass on zeros at import time: a graph that cannot run, or whose ops give shapes other
 * than the file states (a wrong layout, a corrupt option), fails here, never during an attack.
 */
function dryRun(plan: Step[], inputIndex: number, shape: number[], graph: TfliteGraph, c: CompileContext): void {
  try {
    runOnZeros(plan, inputIndex, shape, graph, c);
  } catch (err) {
    if (err instanceof TfliteImportError) throw err;
    throw new TfliteImportError(`${graph.fileName} cannot be run: ${(err as Error).message}.`);
  }
}

function runOnZeros(plan: Step[], inputIndex: number, shape: number[], graph: TfliteGraph, c: CompileContext): void {
  tf.tidy(() => {
    const values = new Map<number, tf.Tensor>([[inputIndex, tf.zeros(shape)]]);
    const read: Read = (i) => values.get(i)!;
    for (const step of plan) {
      const out = guard(step.op, c, () => step.kernel(read));
      const stated = graph.tensors[step.output].shape;
      if (stated.length > 0 && (out.shape.length !== stated.length || out.shape.some((d, k) => d !== stated[k]))) {
        throw c.fail(step.op, `gives shape [${out.shape}] where the file states [${stated}]`);
      }
      values.set(step.output, out);
    }
  });
}

function findLogits(output: number, producer: Map<number, TfliteOperator>): { logitsTensor: number; droppedSoftmax: boolean } {
  let t = output;
  for (let op = producer.get(t); op; op = producer.get(t)) {
    if (op.opName === 'SOFTMAX') return { logitsTensor: op.inputs[0], droppedSoftmax: true };
    if (!PASS_THROUGH.has(op.opName)) break;
    t = op.inputs[0];
  }
  return { logitsTensor: output, droppedSoftmax: false };
}

/** The ops the logits depend on, in file order (TFLite stores ops topologically sorted). */
function neededOps(operators: TfliteOperator[], target: number, isConstant: (i: number) => boolean): TfliteOperator[] {
  const wanted = new Set([target]);
  const ops: TfliteOperator[] = [];
  for (let k = operators.length - 1; k >= 0; k--) {
    const op = operators[k];
    if (!op.outputs.some((o) => wanted.has(o)) || op.outputs.every(isConstant)) continue;
    ops.push(op);
    for (const i of op.inputs) if (i >= 0 && !isConstant(i)) wanted.add(i);
  }
  return ops.reverse();
}
