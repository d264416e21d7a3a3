import { SUPPORTED_ACTIVATIONS, SUPPORTED_LAYER_CLASSES } from '../../engine';
import { KerasH5ImportError } from './errors';

/** A Keras layer or model entry of model_config: {class_name, config, name?, inbound_nodes?}. */
export interface KerasLayerJson {
  class_name: string;
  name?: string;
  config: Record<string, unknown>;
  inbound_nodes?: unknown[];
}

/** The model_config as AlignScope will build it, and what it did to get logits out. */
export interface PreparedConfig {
  modelConfig: KerasLayerJson;
  /** Name of the layer whose output is the logits (the model's output after dropping a softmax). */
  logitsLayer: string;
  /** Layer whose softmax was turned off, if any. */
  softmaxRemovedAt?: string;
  /** A leading Rescaling layer that maps [0,255] pixels itself (the model then takes [0,255] input). */
  rescalesPixelsAt?: string;
}

const CONTAINERS = new Set(['Functional', 'Model', 'Sequential']);
/**
 * Classes that are another class at inference. FixedDropout is the `efficientnet` package's
 * Dropout (used by the harmonized EfficientNetB0); dropout is the identity when predicting.
 */
const ALIASES: Record<string, string> = { FixedDropout: 'Dropout' };
const SUPPORTED = new Set([...SUPPORTED_LAYER_CLASSES, 'InputLayer', ...CONTAINERS, ...Object.keys(ALIASES)]);
/** Initialisers of weight-bearing classes, zeroed even when a config leaves them to the defaults. */
const INITIALIZERS: Record<string, string[]> = {
  Conv2D: ['kernel_initializer', 'bias_initializer'],
  Dense: ['kernel_initializer', 'bias_initializer'],
  DepthwiseConv2D: ['depthwise_initializer', 'bias_initializer'],
  BatchNormalization: ['gamma_initializer', 'beta_initializer', 'moving_mean_initializer', 'moving_variance_initializer'],
  LayerNormalization: ['gamma_initializer', 'beta_initializer'],
};
/** Shape-only layers between a softmax and the model output (MobileNet v1 ends softmax → reshape). */
const PASS_THROUGH = new Set(['Reshape', 'Flatten', 'Dropout']);

function layersOf(model: KerasLayerJson): KerasLayerJson[] {
  const cfg = model.config as unknown;
  // Keras < 2.2.3 wrote a Sequential's config as the bare list of layers.
  if (Array.isArray(cfg)) return cfg as KerasLayerJson[];
  return ((cfg as Record<string, unknown>).layers as KerasLayerJson[]) ?? [];
}

const layerName = (l: KerasLayerJson): string => l.name ?? String(l.config.name ?? '?');

function visitLayers(model: KerasLayerJson, fn: (layer: KerasLayerJson) => void): void {
  for (const layer of layersOf(model)) {
    fn(layer);
    if (CONTAINERS.has(layer.class_name)) visitLayers(layer, fn);
  }
}

/** Parses the model_config attribute; refuses configs that are not a Keras 2 model. */
export function parseModelConfig(json: string, fileName: string, kerasVersion?: string): KerasLayerJson {
  let parsed: KerasLayerJson;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new KerasH5ImportError(`The file "${fileName}" has a model_config attribute that is not valid JSON.`, { cause: e });
  }
  if (!parsed || typeof parsed !== 'object' || !CONTAINERS.has(parsed.class_name)) {
    throw new KerasH5ImportError(
      `The file "${fileName}" has a model_config of class "${parsed?.class_name}"; a Keras Functional or Sequential model is needed.`,
    );
  }
  if (kerasVersion?.startsWith('3.') || JSON.stringify(parsed).includes('"__keras_tensor__"')) {
    throw new KerasH5ImportError(
      `The file "${fileName}" was saved by Keras 3 (keras_version ${kerasVersion ?? 'unknown'}), whose model_config ` +
        `layout AlignScope does not read yet. Save it with Keras 2 (tf.keras in TensorFlow ≤ 2.15, or tf_keras).`,
    );
  }
  return parsed;
}

/** Throws one error naming every layer class and activation the engine cannot rebuild. */
export function checkSupported(model: KerasLayerJson, fileName: string): void {
  const classes = new Map<string, string[]>();
  const activations = new Map<string, string[]>();
  const note = (map: Map<string, string[]>, key: string, layer: string) => map.set(key, [...(map.get(key) ?? []), layer]);
  visitLayers(model, (layer) => {
    if (!SUPPORTED.has(layer.class_name)) note(classes, layer.class_name, layerName(layer));
    const act = layer.config.activation;
    if (act !== undefined && act !== null) {
      const name = typeof act === 'string' ? act : `${(act as KerasLayerJson).class_name ?? JSON.stringify(act)}`;
      if (!SUPPORTED_ACTIVATIONS.includes(name)) note(activations, name, layerName(layer));
    }
  });
  if (!classes.size && !activations.size) return;
  const list = (map: Map<string, string[]>) =>
    [...map].map(([k, layers]) => `${k} (${layers.length} layer${layers.length > 1 ? 's' : ''}, e.g. "${layers[0]}")`).join(', ');
  const parts = [
    classes.size ? `layer classes ${list(classes)}` : '',
    activations.size ? `activations ${list(activations)}` : '',
  ].filter(Boolean);
  throw new KerasH5ImportError(
    `The model in "${fileName}" uses ${parts.join(' and ')}, which AlignScope cannot rebuild yet, so it was not ` +
      `loaded. Supported are the layers of Keras' standard applications: ${[...SUPPORTED_LAYER_CLASSES].sort().join(', ')}.`,
  );
}

/**
 * A copy of the config made for inference in tfjs: aliases resolved, initialisers set to zeros
 * (every weight is overwritten from the file; Keras initialisers tfjs lacks would fail, and
 * random init of hundreds of MB is slow), regularisers, constraints and dtype policies dropped.
 */
export function inferenceConfig(model: KerasLayerJson): KerasLayerJson {
  const copy = JSON.parse(JSON.stringify(model)) as KerasLayerJson;
  visitLayers(copy, (layer) => {
    layer.class_name = ALIASES[layer.class_name] ?? layer.class_name;
    const cfg = layer.config;
    for (const key of INITIALIZERS[layer.class_name] ?? []) cfg[key] = null;
    for (const key of Object.keys(cfg)) {
      if (key.endsWith('_initializer')) cfg[key] = { class_name: 'Zeros', config: {} };
      else if (key.endsWith('_regularizer') || key.endsWith('_constraint')) cfg[key] = null;
    }
    if (cfg.dtype && typeof cfg.dtype === 'object') cfg.dtype = 'float32';
    // A built Keras BatchNormalization saves its axis as a list ([3]); tfjs takes a number.
    if (Array.isArray(cfg.axis) && cfg.axis.length === 1 && layer.class_name === 'BatchNormalization') cfg.axis = cfg.axis[0];
    // Keras ≥ 2.13 names swish "silu"; tfjs knows it as swish.
    if (cfg.activation === 'silu') cfg.activation = 'swish';
  });
  return copy;
}

function outputLayerName(model: KerasLayerJson): string {
  const layers = layersOf(model);
  if (model.class_name === 'Sequential') return layerName(layers[layers.length - 1]);
  const outputs = model.config.output_layers as [string, number, number][];
  if (!Array.isArray(outputs) || outputs.length !== 1) {
    throw new KerasH5ImportError(`The model has ${outputs?.length ?? 0} outputs; a classifier has exactly one.`);
  }
  return outputs[0][0];
}

function inboundName(layer: KerasLayerJson, model: KerasLayerJson, index: number): string | undefined {
  if (model.class_name === 'Sequential') return index > 0 ? layerName(layersOf(model)[index - 1]) : undefined;
  const nodes = layer.inbound_nodes as [string, number, number][][] | undefined;
  return nodes?.length === 1 && nodes[0].length === 1 ? nodes[0][0][0] : undefined;
}

/**
 * Finds the logits: the output layer, after turning off a softmax that ends the model (as an
 * activation of the last Dense/Conv, an Activation or Softmax layer), looking through
 * shape-only layers after it. Mutates `model` (pass an inferenceConfig copy).
 */
export function dropFinalSoftmax(model: KerasLayerJson): Omit<PreparedConfig, 'modelConfig'> {
  const layers = layersOf(model);
  const logitsLayer = outputLayerName(model);
  let name: string | undefined = logitsLayer;
  while (name) {
    const index = layers.findIndex((l) => layerName(l) === name);
    const layer = layers[index];
    if (!layer) break;
    if (layer.class_name === 'Softmax') {
      layer.class_name = 'Activation';
      layer.config = { name: layer.config.name, trainable: false, activation: 'linear' };
      return { logitsLayer, softmaxRemovedAt: name };
    }
    if (layer.config.activation === 'softmax') {
      layer.config.activation = 'linear';
      return { logitsLayer, softmaxRemovedAt: name };
    }
    if (CONTAINERS.has(layer.class_name)) {
      // A nested model (e.g. a Keras application wrapped in another model): look inside it.
      const inner = dropFinalSoftmax(layer);
      return inner.softmaxRemovedAt ? { logitsLayer, softmaxRemovedAt: `${name}/${inner.softmaxRemovedAt}` } : { logitsLayer };
    }
    if (!PASS_THROUGH.has(layer.class_name)) break;
    name = inboundName(layer, model, index);
  }
  return { logitsLayer };
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-4;

/**
 * The layer through which a model rescales raw [0,255] pixels itself, as Keras applications with
 * built-in preprocessing do (EfficientNet: Rescaling(1/255); MobileNet v3: Rescaling(1/127.5, -1)).
 * Looks at the first layer after the input, inside a wrapped model too.
 */
export function pixelRescaling(model: KerasLayerJson): string | undefined {
  const layers = layersOf(model);
  const input = layers.find((l) => l.class_name === 'InputLayer');
  const first =
    model.class_name === 'Sequential'
      ? layers.find((l) => l.class_name !== 'InputLayer')
      : layers.find((l, i) => input && inboundName(l, model, i) === layerName(input));
  if (!first) return undefined;
  if (CONTAINERS.has(first.class_name)) return pixelRescaling(first);
  if (first.class_name !== 'Rescaling' || typeof first.config.scale !== 'number') return undefined;
  const scale = first.config.scale;
  const offset = (first.config.offset as number | undefined) ?? 0;
  return (near(scale * 255, 1) && near(offset, 0)) || (near(scale * 127.5, 1) && near(offset, -1)) ? layerName(first) : undefined;
}

/** parse → inference copy → logits → check (a final Softmax layer is gone by then). */
export function prepareModelConfig(json: string, fileName: string, kerasVersion?: string): PreparedConfig {
  const modelConfig = inferenceConfig(parseModelConfig(json, fileName, kerasVersion));
  const logits = dropFinalSoftmax(modelConfig);
  checkSupported(modelConfig, fileName);
  return { modelConfig, ...logits, rescalesPixelsAt: pixelRescaling(modelConfig) };
}
