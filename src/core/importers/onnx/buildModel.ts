import * as tf from '@tensorflow/tfjs';
import type { RawModel } from '../../models/types';
import { OnnxImportError } from './errors';
import { inlineFunctions } from './functions';
import { canFold, foldingKernel, SHAPE_READERS } from './hostOps';
import { MAX_OPSET, MIN_OPSET, ONNX_OPS, SUPPORTED_ONNX_OPS } from './ops';
import { DataType, type OnnxGraph, type OnnxNode } from './reader';
import { intsValue, tensorValue, toLogical, type Kernel, type OpContext, type Value } from './values';

export interface OnnxModel {
  raw: RawModel;
  /** How the file lays out its image input: PyTorch exports take NCHW; converted TensorFlow models often NHWC. */
  inputLayout: 'NCHW' | 'NHWC';
  /** True when a final Softmax was dropped so that the model returns logits. */
  droppedSoftmax: boolean;
}

export interface BuildOptions {
  /** Square input side to use where the file leaves height and width open. */
  inputSize?: number;
}

interface Step {
  node: OnnxNode;
  kernel: Kernel;
}

const PASS_THROUGH = new Set(['Identity', 'Reshape', 'Flatten', 'Squeeze']);
const FLOAT_INPUTS: number[] = [DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE];
const isDefaultDomain = (n: OnnxNode) => n.domain === '' || n.domain === 'ai.onnx';

/**
 * Builds a float32 forward pass from plain tfjs ops with constant weights (tf.grad w.r.t. the input
 * then computes input gradients only). Everything that depends only on constants — weights, shape
 * arithmetic — is computed once here; the plan keeps the nodes that depend on the image.
 */
export function buildOnnxModel(file: OnnxGraph, options: BuildOptions = {}): OnnxModel {
  const graph = { ...file, nodes: inlineFunctions(file) };
  const { fileName } = graph;
  const fail = (problem: string) => new OnnxImportError(`${fileName} ${problem}.`);
  if (graph.opset < MIN_OPSET || graph.opset > MAX_OPSET) {
    throw fail(`uses ONNX opset ${graph.opset}; AlignScope runs opsets ${MIN_OPSET} to ${MAX_OPSET} (re-export with e.g. opset_version=17)`);
  }
  const { input, layout, height, width, batch } = imageInput(graph, options, fail);
  if (graph.outputs.length !== 1) throw fail(`has ${graph.outputs.length} outputs; an image classifier has one`);
  const { logits, droppedSoftmax } = findLogits(graph);
  const needed = neededNodes(graph, logits);
  checkOperators(needed, input, fail);

  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    kept.push(t);
    return t;
  };
  const disposeAll = () => kept.splice(0).forEach((t) => t.dispose());
  const nodeFail = (node: OnnxNode) => (problem: string) =>
    fail(`cannot be imported: node "${node.name || node.outputs[0]}" (${node.opType}) ${problem}`);

  const constants = new Map<string, Value>();
  const plan: Step[] = [];
  try {
    for (const [name, t] of graph.initializers) {
      constants.set(name, t.floats ? tensorValue(keep(tf.tensor(t.floats, t.dims, 'float32'))) : intsValue(t.ints ?? [], t.dims));
    }
    // Values computed per forward pass: from the image's values (tensors) or only from its shape (host data).
    const runtime = new Set([input]);
    const runtimeHost = new Set<string>();
    for (const node of needed) {
      const context: OpContext = {
        node,
        opset: graph.opset,
        constants: node.inputs.map((i) => constants.get(i)),
        keep,
        fail: nodeFail(node),
      };
      const missing = node.inputs.find((i) => i !== '' && !constants.has(i) && !runtime.has(i) && !runtimeHost.has(i));
      if (missing !== undefined) throw context.fail(`reads "${missing}", which no earlier node computes`);
      const readsImage = node.inputs.some((i) => runtime.has(i));
      if (readsImage && SHAPE_READERS[node.opType]) {
        plan.push({ node, kernel: SHAPE_READERS[node.opType]!(context) });
        node.outputs.forEach((o) => runtimeHost.add(o));
      } else if (readsImage) {
        plan.push({ node, kernel: guard(context, () => ONNX_OPS[node.opType]!(context)) });
        node.outputs.forEach((o) => runtime.add(o));
      } else {
        const perForward = node.inputs.some((i) => runtimeHost.has(i));
        const kernel = guard(context, () => foldingKernel(context, perForward));
        if (!kernel) throw context.fail(`computes a constant with an operator AlignScope cannot evaluate`);
        if (perForward) {
          // Shape arithmetic of an image whose batch may vary: on the host, on every forward pass.
          plan.push({ node, kernel });
          node.outputs.forEach((o) => runtimeHost.add(o));
          continue;
        }
        // Constant folding: weights reshaped, masks and index tables built, once at load time.
        const outputs = guard(context, () => {
          let v: Value[] = [];
          tf.tidy(() => {
            v = asList(kernel(context.constants)).map((o) => (o.kind === 'ints' && o.float ? tensorValue(toLogical(o)) : o));
            v.forEach((o) => o.kind === 'tensor' && keep(tf.keep(o.t)));
          });
          return v;
        });
        node.outputs.forEach((name, k) => outputs[k] && constants.set(name, outputs[k]));
      }
    }
    if (!runtime.has(logits)) throw fail('never computes its output from its input');
    releaseCompiledConstants(plan, constants);
  } catch (err) {
    disposeAll();
    throw err;
  }

  const forward = (x: tf.Tensor4D): tf.Tensor => {
    // PyTorch's NCHW input is our NHWC image, merely marked as stored NHWC: no transpose.
    const values = new Map<string, Value>([[input, tensorValue(x, layout === 'NCHW')]]);
    const read = (name: string) => (name === '' ? undefined : (values.get(name) ?? constants.get(name)));
    for (const { node, kernel } of plan) {
      const context = { fail: nodeFail(node) } as OpContext;
      const outputs = asList(guard(context, () => kernel(node.inputs.map(read))));
      node.outputs.forEach((name, k) => outputs[k] && values.set(name, outputs[k]));
    }
    return toLogical(values.get(logits)!);
  };

  let numOutputs = 0;
  try {
    numOutputs = tf.tidy(() => {
      const out = forward(tf.zeros([batch ?? 1, height, width, 3]));
      const classes = out.shape.slice(1).filter((d) => d !== 1);
      if (out.shape[0] !== (batch ?? 1) || classes.length > 1) {
        throw fail(`gives an output of shape [${out.shape}]; a classifier gives one score per class, shape [batch, classes]`);
      }
      return classes[0] ?? 1;
    });
  } catch (err) {
    disposeAll();
    throw err instanceof OnnxImportError ? err : fail(`cannot be run: ${(err as Error).message}`);
  }

  const raw: RawModel = {
    inputShape: [height, width, 3],
    numOutputs,
    predict(x: tf.Tensor4D): tf.Tensor2D {
      const [n, h, w, ch] = x.shape;
      if (h !== height || w !== width || ch !== 3) {
        throw new OnnxImportError(`${fileName} takes input [N, ${height}, ${width}, 3] but was given [${x.shape}].`);
      }
      return tf.tidy(() => {
        // A file exported for a fixed batch (usually 1) may bake that batch into its reshapes: run it in slices of that size.
        if (batch !== undefined && n !== batch) {
          if (n % batch !== 0) throw new OnnxImportError(`${fileName} runs batches of ${batch} images; ${n} is not a multiple.`);
          const parts = tf.split(x, n / batch, 0).map((p) => tf.reshape(forward(p as tf.Tensor4D), [batch, numOutputs]));
          return tf.concat(parts, 0) as tf.Tensor2D;
        }
        return tf.reshape(forward(x), [n, numOutputs]) as tf.Tensor2D;
      });
    },
    dispose: disposeAll,
  };
  return { raw, inputLayout: layout, droppedSoftmax };
}

// Inputs that kernels turn into their own tensors when compiled (NHWC filters, folded batch norm).
const COMPILE_ONLY_INPUTS: Record<string, number[]> = { Conv: [1, 2], BatchNormalization: [1, 2, 3, 4] };

/** Frees constants no step reads at run time (a convolution's original [M, C, kH, kW] weights): half the memory of a CNN. */
function releaseCompiledConstants(plan: Step[], constants: Map<string, Value>): void {
  const read = new Set<string>();
  for (const { node } of plan) {
    node.inputs.forEach((name, i) => COMPILE_ONLY_INPUTS[node.opType]?.includes(i) || read.add(name));
  }
  // Identity and Cast pass a constant on under a second name: keep by tensor, not by name.
  const used = new Set([...read].map((name) => constants.get(name)).flatMap((v) => (v?.kind === 'tensor' ? [v.t] : [])));
  for (const [name, v] of constants) {
    if (v.kind === 'tensor' && !used.has(v.t)) {
      v.t.dispose();
      constants.delete(name);
    }
  }
}

const asList = (v: Value | Value[]): Value[] => (Array.isArray(v) ? v : [v]);

/** Runs `f` for one node, turning a tfjs error into an OnnxImportError that names the node. */
function guard<T>(c: OpContext, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof OnnxImportError) throw err;
    throw c.fail(`cannot be built or run (${(err as Error).message})`);
  }
}

function imageInput(graph: OnnxGraph, options: BuildOptions, fail: (p: string) => Error) {
  if (graph.inputs.length !== 1) {
    throw fail(`has ${graph.inputs.length} inputs (${graph.inputs.map((i) => i.name).join(', ')}); an image classifier has one`);
  }
  const { name, elemType } = graph.inputs[0];
  // A file that states no input shape at all: PyTorch's NCHW at the stated size, if one is stated.
  const dims = graph.inputs[0].dims.length === 0 && options.inputSize ? ['N', 3, options.inputSize, options.inputSize] : graph.inputs[0].dims;
  if (!FLOAT_INPUTS.includes(elemType)) throw fail(`takes input "${name}" of data type ${elemType}; AlignScope feeds float images`);
  if (dims.length === 0) throw fail(`does not state the shape of its input "${name}"; state the input size so it can be assumed [batch, 3, size, size]`);
  if (dims.length !== 4) throw fail(`takes input "${name}" of shape [${dims}]; an image classifier takes [batch, 3, height, width]`);
  const layout = dims[1] === 3 ? 'NCHW' : dims[3] === 3 ? 'NHWC' : undefined;
  if (!layout) throw fail(`takes input "${name}" of shape [${dims}], which has no 3-channel (RGB) axis`);
  const [h, w] = layout === 'NCHW' ? [dims[2], dims[3]] : [dims[1], dims[2]];
  const height = typeof h === 'number' ? h : options.inputSize;
  const width = typeof w === 'number' ? w : options.inputSize;
  if (height === undefined || width === undefined) {
    throw fail(
      `takes input "${name}" of shape [${dims}] whose height and width are not fixed; state the input size ` +
        `(or re-export with a fixed image size) so its shapes can be resolved`,
    );
  }
  if (height !== width) throw fail(`takes ${height}×${width} images; AlignScope needs a square input`);
  return { input: name, layout: layout as 'NCHW' | 'NHWC', height, width, batch: typeof dims[0] === 'number' ? dims[0] : undefined };
}

function findLogits(graph: OnnxGraph): { logits: string; droppedSoftmax: boolean } {
  const producer = new Map<string, OnnxNode>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
  let name = graph.outputs[0].name;
  for (let n = producer.get(name); n; n = producer.get(name)) {
    if (n.opType === 'Softmax') return { logits: n.inputs[0], droppedSoftmax: true };
    // Reshapes after the softmax only drop unit axes of a classifier's output; the dry run checks the shape.
    if (!PASS_THROUGH.has(n.opType)) break;
    name = n.inputs[0];
  }
  return { logits: graph.outputs[0].name, droppedSoftmax: false };
}

/**
 * Refuses a file whose image path (nodes reading the image's values) uses operators without a tfjs
 * kernel, listing them all; and one whose constant part uses an operator nothing here evaluates.
 */
function checkOperators(nodes: OnnxNode[], input: string, fail: (p: string) => Error): void {
  const image = new Set([input]);
  const unsupported = new Set<string>();
  let unknownConstant: string | undefined;
  for (const n of nodes) {
    const name = isDefaultDomain(n) ? n.opType : `${n.domain}.${n.opType}`;
    if (n.inputs.some((i) => image.has(i))) {
      if (SHAPE_READERS[n.opType] && isDefaultDomain(n)) continue;
      if (!isDefaultDomain(n) || !ONNX_OPS[n.opType]) unsupported.add(name);
      n.outputs.forEach((o) => image.add(o));
    } else if (!isDefaultDomain(n) || !canFold(n.opType)) {
      unknownConstant ??= `cannot be imported: node "${n.name || n.outputs[0]}" (${name}) computes a constant with an operator AlignScope cannot evaluate`;
    }
  }
  const list = [...unsupported].sort();
  if (list.length > 0) {
    throw fail(
      `uses the operator${list.length > 1 ? 's' : ''} ${list.join(', ')}, which AlignScope cannot run ` +
        `(supported: ${SUPPORTED_ONNX_OPS.join(', ')})`,
    );
  }
  if (unknownConstant) throw fail(unknownConstant);
}

/** The nodes the logits depend on, in file order (ONNX stores nodes topologically sorted). */
function neededNodes(graph: OnnxGraph, target: string): OnnxNode[] {
  const wanted = new Set([target]);
  const nodes: OnnxNode[] = [];
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const n = graph.nodes[k];
    if (!n.outputs.some((o) => wanted.has(o))) continue;
    nodes.push(n);
    n.inputs.forEach((i) => wanted.add(i));
  }
  return nodes.reverse();
}
