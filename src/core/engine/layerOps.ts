import * as tf from '@tensorflow/tfjs';
import { activationFn } from './activations';
import { EngineError } from './errors';
import { type ConvKind, forwardGradientConv, isFusableActivation } from './convGradient';
import { batchNormAffine, findWeight, requireWeight } from './layerWeights';
import { reluWithMaskGradient } from './reluMask';

const maskedRelu = reluWithMaskGradient('relu');
const maskedRelu6 = reluWithMaskGradient('relu6');

type Layer = tf.layers.Layer;
type Config = Record<string, unknown>;

/** One layer as a function of plain tfjs ops over constant weights that it owns. */
export interface CompiledLayer {
  run(inputs: tf.Tensor[]): tf.Tensor;
  weights: tf.Tensor[];
}

export interface CompileOptions {
  /** A BatchNormalization layer that directly follows this conv and is folded into it. */
  foldedBatchNorm?: Layer;
  /** Drop a softmax activation: the logits layer must give scores before the softmax. */
  dropSoftmax?: boolean;
  /** The activation of a ReLU/Activation layer that directly follows (after any folded BatchNormalization). */
  foldedActivation?: string;
}

type Compiler = (layer: Layer, cfg: Config, opts: CompileOptions) => CompiledLayer;

const pair = (v: unknown): [number, number] =>
  (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v]) as [number, number];

const padding = (cfg: Config): 'same' | 'valid' => (cfg.padding as 'same' | 'valid') ?? 'valid';

function activationName(cfg: Config, opts: CompileOptions): string {
  if (opts.foldedActivation) return opts.foldedActivation;
  const name = (cfg.activation as string | undefined) ?? 'linear';
  return opts.dropSoftmax && name === 'softmax' ? 'linear' : name;
}

function layerActivation(layer: Layer, cfg: Config, opts: CompileOptions) {
  return activationFn(activationName(cfg, opts), layer.name);
}

/** Conv weights with an optional BatchNormalization folded in: w' = w·s, b' = b·s + shift. */
function convWeights(
  layer: Layer,
  kernelKey: string,
  outChannelsShape: (kernel: tf.Tensor) => number[],
  opts: CompileOptions,
): { kernel: tf.Tensor; bias?: tf.Tensor } {
  return tf.tidy(() => {
    const kernel = requireWeight(layer, kernelKey);
    const bias = findWeight(layer, 'bias');
    if (!opts.foldedBatchNorm) {
      return { kernel: tf.clone(kernel), bias: bias && tf.clone(bias) };
    }
    const { scale, shift } = batchNormAffine(opts.foldedBatchNorm);
    const folded = tf.mul(kernel, tf.reshape(scale, outChannelsShape(kernel)));
    const foldedBias = bias ? tf.add(tf.mul(bias, scale), shift) : shift;
    return { kernel: folded, bias: foldedBias };
  });
}

function withBias(weights: { kernel: tf.Tensor; bias?: tf.Tensor }, out: tf.Tensor): tf.Tensor {
  return weights.bias ? tf.add(out, weights.bias) : out;
}

const ownWeights = (w: { kernel: tf.Tensor; bias?: tf.Tensor }) => (w.bias ? [w.kernel, w.bias] : [w.kernel]);

function checkChannelsLast(layer: Layer, cfg: Config): void {
  if (cfg.dataFormat === 'channelsFirst') {
    throw new EngineError(
      `Layer "${layer.name}" (${layer.getClassName()}) uses channels-first data; only channels-last (NHWC) models are supported.`,
    );
  }
}

/**
 * A convolution (full or depthwise) as one fused kernel with its activation when that is linear, relu
 * or relu6, whose input gradient is a forward convolution (convGradient.ts); other activations run
 * after it. Dilated convolutions and depthwise multipliers above 1 keep tfjs' own ops and gradients.
 */
function convolution(
  kind: ConvKind,
  layer: Layer,
  cfg: Config,
  opts: CompileOptions,
  kernelKey: string,
  outChannelsShape: (kernel: tf.Tensor) => number[],
): CompiledLayer {
  checkChannelsLast(layer, cfg);
  const name = activationName(cfg, opts);
  const act = activationFn(name, layer.name);
  const w = convWeights(layer, kernelKey, outChannelsShape, opts);
  const strides = pair(cfg.strides ?? 1);
  const dilations = pair(cfg.dilationRate ?? 1);
  const filter = w.kernel as tf.Tensor4D;
  const weights = ownWeights(w);
  const fusable = isFusableActivation(name);
  const fused = forwardGradientConv(
    { kind, filter, bias: w.bias, strides, pad: padding(cfg), activation: fusable ? name : 'linear' },
    dilations,
    (t) => weights.push(t),
  );
  if (fused) return { weights, run: ([x]) => (fusable ? fused(x as tf.Tensor4D) : act(fused(x as tf.Tensor4D))) };
  const conv = (x: tf.Tensor4D) =>
    kind === 'conv'
      ? tf.conv2d(x, filter, strides, padding(cfg), 'NHWC', dilations)
      : tf.depthwiseConv2d(x, filter, strides, padding(cfg), 'NHWC', dilations);
  return { weights, run: ([x]) => act(withBias(w, conv(x as tf.Tensor4D))) };
}

const conv2d: Compiler = (layer, cfg, opts) => convolution('conv', layer, cfg, opts, 'kernel', (k) => [1, 1, 1, k.shape[3]!]);

const depthwiseConv2d: Compiler = (layer, cfg, opts) =>
  convolution('depthwise', layer, cfg, opts, 'depthwise_kernel', (k) => [1, 1, k.shape[2]!, k.shape[3]!]);

const dense: Compiler = (layer, cfg, opts) => {
  const act = layerActivation(layer, cfg, opts);
  const w = convWeights(layer, 'kernel', (k) => [1, k.shape[1]!], opts);
  return {
    weights: ownWeights(w),
    run: ([x]) => {
      const [inDim, outDim] = w.kernel.shape;
      const flat = x.rank === 2 ? x : tf.reshape(x, [-1, inDim]);
      const y = tf.matMul(flat as tf.Tensor2D, w.kernel as tf.Tensor2D);
      const shaped = x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), outDim]);
      return act(withBias(w, shaped));
    },
  };
};

const batchNorm: Compiler = (layer, cfg) => {
  const axis = cfg.axis as number | number[];
  const rank = layer.inboundNodes[0].inputTensors[0].rank;
  if (!(axis === -1 || axis === rank - 1 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === rank - 1)))) {
    throw new EngineError(`BatchNormalization "${layer.name}" normalises axis ${axis}; only the last (channel) axis is supported.`);
  }
  const { scale, shift } = batchNormAffine(layer);
  return { weights: [scale, shift], run: ([x]) => tf.add(tf.mul(x, scale), shift) };
};

/** Normalises each position over its channels: (x − mean) / √(var + ε) · γ + β, last axis only. */
const layerNorm: Compiler = (layer, cfg) => {
  const axis = cfg.axis as number | number[];
  const rank = layer.inboundNodes[0].inputTensors[0].rank;
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  if (axes.length !== 1 || axes[0] !== rank - 1) {
    throw new EngineError(`LayerNormalization "${layer.name}" normalises axes [${axis}]; only the last axis is supported.`);
  }
  const eps = (cfg.epsilon as number) ?? 1e-3;
  const gamma = findWeight(layer, 'gamma');
  const beta = findWeight(layer, 'beta');
  const weights = [gamma, beta].filter((w): w is tf.Tensor => !!w).map((w) => tf.clone(w));
  const [g, b] = [gamma ? weights[0] : undefined, beta ? weights[weights.length - 1] : undefined];
  return {
    weights,
    run: ([x]) => {
      const { mean, variance } = tf.moments(x, -1, true);
      const normed = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
      const scaled = g ? tf.mul(normed, g) : normed;
      return b ? tf.add(scaled, b) : scaled;
    },
  };
};

const activation: Compiler = (layer, cfg, opts) => {
  const act = layerActivation(layer, cfg, opts);
  return { weights: [], run: ([x]) => act(x) };
};

const relu: Compiler = (_layer, cfg) => {
  const max = cfg.maxValue as number | null | undefined;
  return {
    weights: [],
    run: ([x]) => (max == null ? maskedRelu(x) : max === 6 ? maskedRelu6(x) : tf.minimum(tf.relu(x), max)),
  };
};

const identity: Compiler = () => ({ weights: [], run: ([x]) => x });

const pool2d =
  (kind: 'avg' | 'max'): Compiler =>
  (layer, cfg) => {
    checkChannelsLast(layer, cfg);
    const size = pair(cfg.poolSize ?? 2);
    const strides = pair(cfg.strides ?? size);
    const op = kind === 'avg' ? tf.avgPool : tf.maxPool;
    return { weights: [], run: ([x]) => op(x as tf.Tensor4D, size, strides, padding(cfg)) };
  };

const globalAvgPool: Compiler = (layer, cfg) => {
  checkChannelsLast(layer, cfg);
  const keepDims = Boolean(cfg.keepdims ?? cfg.keepDims);
  return { weights: [], run: ([x]) => tf.mean(x, [1, 2], keepDims) };
};

const chain =
  (op: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): Compiler =>
  () => ({ weights: [], run: (xs) => xs.slice(1).reduce((acc, x) => op(acc, x), xs[0]) });

const concatenate: Compiler = (_layer, cfg) => ({
  weights: [],
  run: (xs) => tf.concat(xs, (cfg.axis as number) ?? -1),
});

const zeroPadding2d: Compiler = (layer, cfg) => {
  checkChannelsLast(layer, cfg);
  const p = cfg.padding as number | [number, number] | [[number, number], [number, number]];
  const [top, bottom, left, right] = Array.isArray(p)
    ? Array.isArray(p[0])
      ? [p[0][0], p[0][1], (p[1] as number[])[0], (p[1] as number[])[1]]
      : [p[0], p[0], p[1] as number, p[1] as number]
    : [p, p, p, p];
  return {
    weights: [],
    run: ([x]) => tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]),
  };
};

const reshape: Compiler = (_layer, cfg) => ({
  weights: [],
  run: ([x]) => tf.reshape(x, [x.shape[0], ...(cfg.targetShape as number[])]),
});

const flatten: Compiler = () => ({ weights: [], run: ([x]) => tf.reshape(x, [x.shape[0], -1]) });

const rescaling: Compiler = (_layer, cfg) => {
  const scale = cfg.scale as number;
  const offset = (cfg.offset as number) ?? 0;
  return { weights: [], run: ([x]) => tf.add(tf.mul(x, scale), offset) };
};

// Keras: (x - mean) / max(sqrt(variance), epsilon), with mean/variance adapted or given in the config.
const normalization: Compiler = (layer, cfg) => {
  const weights = tf.tidy(() => {
    const mean = findWeight(layer, 'mean') ?? tf.tensor(cfg.mean as number[]);
    const variance = findWeight(layer, 'variance') ?? tf.tensor(cfg.variance as number[]);
    const invStd = tf.div(1, tf.maximum(tf.sqrt(variance), 1e-7));
    return [tf.clone(mean), invStd];
  });
  const [mean, invStd] = weights;
  return { weights, run: ([x]) => tf.mul(tf.sub(x, mean), invStd) };
};

export const LAYER_COMPILERS: Record<string, Compiler> = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  Dense: dense,
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  Activation: activation,
  ReLU: relu,
  Dropout: identity,
  SpatialDropout2D: identity,
  GlobalAveragePooling2D: globalAvgPool,
  AveragePooling2D: pool2d('avg'),
  MaxPooling2D: pool2d('max'),
  Add: chain(tf.add),
  Multiply: chain(tf.mul),
  Concatenate: concatenate,
  ZeroPadding2D: zeroPadding2d,
  Reshape: reshape,
  Flatten: flatten,
  Rescaling: rescaling,
  Normalization: normalization,
};

/** Layer classes that can absorb a following BatchNormalization into their weights. */
export const FOLDABLE_INTO = new Set(['Conv2D', 'DepthwiseConv2D']);

export function compileLayer(layer: Layer, opts: CompileOptions = {}): CompiledLayer {
  const compiler = LAYER_COMPILERS[layer.getClassName()];
  if (!compiler) throw new EngineError(`No plain-op version of layer class ${layer.getClassName()}.`);
  return compiler(layer, layer.getConfig() as Config, opts);
}

/** Layer classes the engine rebuilds from plain ops (InputLayer and nested models aside). */
export const SUPPORTED_LAYER_CLASSES = Object.keys(LAYER_COMPILERS);
