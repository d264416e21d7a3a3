import type * as tf from '@tensorflow/tfjs';
import type { Interpolation } from '../image/resample';

/**
 * How a model wants its input, given AlignScope's [0,1] RGB pixels x:
 * modelInput = (x * scale - mean) / std, per channel.
 * Examples: MobileNet `x*2-1` = { scale: 1, mean: [.5,.5,.5], std: [.5,.5,.5] };
 * ImageNet mean/std = { scale: 1, mean: [0.485,0.456,0.406], std: [0.229,0.224,0.225] };
 * [0,255] = { scale: 255, mean: [0,0,0], std: [1,1,1] }.
 */
export interface Normalization {
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
}

export type ModelFormat = 'tfjs-layers' | 'tflite' | 'keras-h5' | 'onnx';

/** Everything the app knows about a model besides its weights. */
export interface ModelInfo {
  id: string;
  name: string;
  family: string;
  format: ModelFormat;
  /** Square input side in pixels (224 for the catalogue MobileNets at 224). */
  inputSize: number;
  normalization: Normalization;
  /** Name of the normalisation preset, for display ("[-1,1]", "ImageNet mean/std", ...). */
  normalizationName: string;
  /** Resampling filter of the model's own eval pipeline (timm's `interpolation`); absent = bilinear. See preprocessingOf. */
  interpolation?: Interpolation;
  /** timm's `crop_pct`: the shorter side is resized to inputSize / cropPct, then centre-cropped; absent = 1. */
  cropPct?: number;
  /** Where interpolation and cropPct come from, in words ("timm results table, row resnet50.a1_in1k"); absent = defaults. */
  preprocessingSource?: string;
  /** Number of raw outputs (1000, or 1001 with a background class at index 0). */
  numOutputs: number;
  /** Index of ImageNet class 0 in the raw outputs (0, or 1 with background). */
  classOffset: number;
  /** Layer whose output is the logits, for layers models (e.g. `conv_preds`). */
  logitsLayer?: string;
  /** ImageNet top-1 accuracy in percent, where published. */
  top1?: number;
  licence?: string;
  /** Official URL of the model file (model.json, .tflite, .h5, .onnx). */
  url?: string;
  /** Path of the main file inside the assets folder, e.g. "models/mobilenet_v1_0.25_224/model.json". */
  assetPath?: string;
  /** True when no local asset holds the model: opening it downloads `url` (network needed; often hundreds of MB). */
  downloadNeeded?: boolean;
  /** Set when AlignScope is expected not to open this model yet: why, in one sentence, to show before a download. */
  unsupportedReason?: string;
  /** timm name, so runs can join the published per-model table. */
  timmName?: string;
  notes?: string;
}

/**
 * What an importer produces: a differentiable function from the model's own input space
 * (already normalised, NHWC) to its raw output scores (logits; no softmax), built from plain
 * tfjs ops so that tf.grad w.r.t. the input computes input gradients only.
 */
export interface RawModel {
  predict(x: tf.Tensor4D): tf.Tensor2D;
  /** [height, width, channels] */
  inputShape: [number, number, number];
  numOutputs: number;
  dispose(): void;
}

/**
 * The one model interface the rest of AlignScope sees: [0,1] RGB in, ImageNet logits out.
 * Normalisation and class offsets are hidden here.
 */
export interface Classifier {
  info: ModelInfo;
  /** x: [N, inputSize, inputSize, 3] in [0,1]. Returns [N, 1000] ImageNet logits. Differentiable w.r.t. x. */
  logits(x: tf.Tensor4D): tf.Tensor2D;
  /** Softmax of logits. */
  probs(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}
