import * as tf from '@tensorflow/tfjs';
import { registerWasmGradientKernels } from '../backends/wasmGradients';
import type { RawModel } from '../models/types';
import { EngineError, UnsupportedLayerError } from './errors';
import { compileLayer, FOLDABLE_INTO, LAYER_COMPILERS, type CompiledLayer } from './layerOps';

type Layer = tf.layers.Layer;

export interface EngineOptions {
  /** Layer whose output is the logits (e.g. `conv_preds`); default: the model's only output. */
  logitsLayer?: string;
}

/** One evaluation step: output tensor id = layer(input tensor ids). */
interface Step {
  inputs: number[];
  output: number;
  layer: CompiledLayer;
}

const isContainer = (layer: Layer): layer is tf.LayersModel => layer instanceof tf.LayersModel;

/**
 * Every layer class on the path to the logits (nested models included) that the engine cannot
 * rebuild. Layers after the logits (a final softmax, say) do not matter.
 */
function unsupportedClasses(output: tf.SymbolicTensor): string[] {
  const missing = new Set<string>();
  const seen = new Set<number>();
  const visit = (t: tf.SymbolicTensor) => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    const layer = t.sourceLayer;
    const name = layer.getClassName();
    if (isContainer(layer)) visit(layer.outputs[t.tensorIndex]);
    else if (name !== 'InputLayer' && !LAYER_COMPILERS[name]) missing.add(name);
    layer.inboundNodes[t.nodeIndex]?.inputTensors.forEach(visit);
  };
  visit(output);
  return [...missing].sort();
}

function logitsTensor(model: tf.LayersModel, logitsLayer?: string): tf.SymbolicTensor {
  if (!logitsLayer) {
    if (model.outputs.length !== 1) {
      throw new EngineError(`The model "${model.name}" has ${model.outputs.length} outputs; name the logits layer.`);
    }
    return model.outputs[0];
  }
  const layer = model.layers.find((l) => l.name === logitsLayer);
  if (!layer) {
    throw new EngineError(
      `The model "${model.name}" has no layer named "${logitsLayer}". Its last layers are: ` +
        `${model.layers.slice(-6).map((l) => l.name).join(', ')}.`,
    );
  }
  if (layer.inboundNodes.length !== 1) {
    throw new EngineError(`The logits layer "${logitsLayer}" is used ${layer.inboundNodes.length} times; it must be used once.`);
  }
  return layer.inboundNodes[0].outputTensors[0];
}

/** How many times each symbolic tensor is consumed, so BN folding never hides a shared output. */
function countConsumers(model: tf.LayersModel, counts = new Map<number, number>()): Map<number, number> {
  for (const layer of model.layers) {
    if (isContainer(layer)) countConsumers(layer, counts);
    for (const node of layer.inboundNodes) {
      for (const t of node.inputTensors) counts.set(t.id, (counts.get(t.id) ?? 0) + 1);
    }
  }
  return counts;
}

/** A convolution without its own activation: BatchNormalization and ReLU can fold into it. */
function isLinearConv(t: tf.SymbolicTensor): boolean {
  const layer = t.sourceLayer;
  return FOLDABLE_INTO.has(layer.getClassName()) && (layer.getConfig().activation ?? 'linear') === 'linear';
}

/** `t` is such a convolution's output, directly or through a BatchNormalization folded into it. */
function endsInLinearConv(t: tf.SymbolicTensor, consumers: Map<number, number>): boolean {
  if (isLinearConv(t)) return true;
  const layer = t.sourceLayer;
  const prev = layer.getClassName() === 'BatchNormalization' ? layer.inboundNodes[t.nodeIndex].inputTensors[0] : undefined;
  return !!prev && isLinearConv(prev) && consumers.get(prev.id) === 1;
}

/** 'relu' or 'relu6' for a ReLU or Activation layer that computes exactly that, else undefined. */
function reluName(layer: Layer): 'relu' | 'relu6' | undefined {
  const cfg = layer.getConfig();
  if (layer.getClassName() === 'ReLU') return cfg.maxValue == null ? 'relu' : cfg.maxValue === 6 ? 'relu6' : undefined;
  if (layer.getClassName() === 'Activation' && (cfg.activation === 'relu' || cfg.activation === 'relu6')) return cfg.activation;
  return undefined;
}

/**
 * Rebuilds a tfjs LayersModel's forward pass from plain ops over constant weights, folding
 * BatchNormalization into the preceding convolution and a following ReLU into its fused activation. tf.grad through the result w.r.t. the
 * input computes the input gradient only: the tape prunes everything not on the x→y path,
 * whereas the fused ops that layers models use compute weight gradients eagerly.
 * The returned RawModel owns copies of the weights; the layers model may be disposed.
 */
export function layersModelToRaw(model: tf.LayersModel, opts: EngineOptions = {}): RawModel {
  // The wasm backend ships without some backward kernels these plain ops need.
  registerWasmGradientKernels();
  if (model.inputs.length !== 1) {
    throw new EngineError(`The model "${model.name}" has ${model.inputs.length} inputs; a classifier takes one image.`);
  }
  const input = model.inputs[0];
  const [, h, w, c] = input.shape;
  if (input.shape.length !== 4 || !h || !w || !c) {
    throw new EngineError(
      `The model "${model.name}" takes input of shape [${input.shape}]; an image classifier with a fixed [N, H, W, C] input is needed.`,
    );
  }
  const output = logitsTensor(model, opts.logitsLayer);
  const missing = unsupportedClasses(output);
  if (missing.length) throw new UnsupportedLayerError(missing, model.name);
  const numOutputs = output.shape.slice(1).reduce<number>((a, d) => a * (d ?? NaN), 1);
  if (!Number.isFinite(numOutputs)) {
    throw new EngineError(`The logits layer of "${model.name}" has an output of unknown size [${output.shape}].`);
  }

  const consumers = countConsumers(model);
  consumers.set(output.id, (consumers.get(output.id) ?? 0) + 1);
  const steps: Step[] = [];
  const done = new Set<number>([input.id]);
  const aliases = new Map<number, number>();
  const resolve = (id: number): number => aliases.get(id) ?? id;

  try {
    const visit = (t: tf.SymbolicTensor): number => {
      if (aliases.has(t.id)) return resolve(t.id);
      if (done.has(t.id)) return t.id;
      const layer = t.sourceLayer;
      const node = layer.inboundNodes[t.nodeIndex];
      const className = layer.getClassName();
      if (className === 'InputLayer') {
        throw new EngineError(`The model "${model.name}" has an input "${layer.name}" that is not its image input.`);
      }
      if (isContainer(layer)) {
        // A nested model: bind its input to ours, then continue inside it.
        aliases.set(layer.inputs[0].id, visit(node.inputTensors[0]));
        const inner = visit(layer.outputs[t.tensorIndex]);
        aliases.set(t.id, inner);
        return inner;
      }
      // ReLU after a convolution (and its BatchNormalization) becomes the convolution's fused activation.
      let head = layer;
      let headNode = node;
      let foldedActivation: string | undefined;
      const below = node.inputTensors[0];
      const relu = reluName(layer);
      if (relu && below && consumers.get(below.id) === 1 && endsInLinearConv(below, consumers)) {
        foldedActivation = relu;
        head = below.sourceLayer;
        headNode = head.inboundNodes[below.nodeIndex];
      }
      let source = headNode;
      let foldedBatchNorm: Layer | undefined;
      const prev = headNode.inputTensors[0];
      if (head.getClassName() === 'BatchNormalization' && prev && isLinearConv(prev) && consumers.get(prev.id) === 1) {
        foldedBatchNorm = head;
        source = prev.sourceLayer.inboundNodes[prev.nodeIndex];
      }
      const inputs = source.inputTensors.map(visit);
      const compiled = compileLayer(foldedBatchNorm ? source.outboundLayer : head, {
        foldedBatchNorm,
        foldedActivation,
        dropSoftmax: t.id === output.id,
      });
      steps.push({ inputs, output: t.id, layer: compiled });
      done.add(t.id);
      return t.id;
    };
    const outId = visit(output);

    const weights = steps.flatMap((s) => s.layer.weights);
    return {
      inputShape: [h, w, c],
      numOutputs,
      predict: (x: tf.Tensor4D) =>
        tf.tidy(() => {
          const values = new Map<number, tf.Tensor>([[input.id, x]]);
          for (const step of steps) {
            values.set(step.output, step.layer.run(step.inputs.map((id) => values.get(id)!)));
          }
          return tf.reshape(values.get(outId)!, [x.shape[0], numOutputs]) as tf.Tensor2D;
        }),
      dispose: () => weights.forEach((t) => t.dispose()),
    };
  } catch (e) {
    steps.forEach((s) => s.layer.weights.forEach((t) => t.dispose()));
    throw e;
  }
}
