import * as tf from '@tensorflow/tfjs';
import { ModelLoadError } from './errors';
import type { Classifier, ModelInfo, RawModel } from './types';

export const IMAGENET_CLASSES = 1000;

/**
 * The one classifier interface: [0,1] RGB in, the 1000 ImageNet logits out. The model's own
 * normalisation runs inside the differentiable function and a background class is sliced away,
 * so attacks never see either. Disposing the classifier disposes the raw model.
 */
export function wrapClassifier(raw: RawModel, info: ModelInfo): Classifier {
  if (raw.numOutputs !== IMAGENET_CLASSES + info.classOffset) {
    throw new ModelLoadError(
      `The model "${info.name}" has ${raw.numOutputs} outputs, but ${IMAGENET_CLASSES + info.classOffset} were expected ` +
        `(${IMAGENET_CLASSES} ImageNet classes after a class offset of ${info.classOffset}).`,
    );
  }
  const [h, w, c] = raw.inputShape;
  if (h !== info.inputSize || w !== info.inputSize || c !== 3) {
    throw new ModelLoadError(
      `The model "${info.name}" takes [${raw.inputShape}] inputs, but an RGB input of ${info.inputSize}×${info.inputSize} was stated.`,
    );
  }
  const affine = normalizationAffine(info.normalization, h, w);
  const logits = (x: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      const out = raw.predict(affine.apply(x));
      return info.classOffset === 0 ? out : tf.slice(out, [0, info.classOffset], [-1, IMAGENET_CLASSES]);
    });
  return {
    info,
    logits,
    probs: (x) => tf.tidy(() => tf.softmax(logits(x))),
    dispose: () => {
      raw.dispose();
      affine.dispose();
    },
  };
}

/**
 * The model's normalisation (x·scale − mean) / std as x·a + b, a = scale/std and b = −mean/std per
 * channel. wasm broadcasts a [3] vector over an image in a generic loop, 20 times slower than a scalar
 * or a same-shape operand (1 ms against 0.05 ms for 224²×3, three times a step), so channels that share
 * their values become scalars, and other a and b are also kept as a whole image for batch-1 inputs.
 */
function normalizationAffine({ scale, mean, std }: ModelInfo['normalization'], h: number, w: number) {
  const a = std.map((s) => scale / s);
  const b = mean.map((m, i) => -m / std[i]);
  const uniform = a.every((v) => v === a[0]) && b.every((v) => v === b[0]);
  const vectors = uniform ? [tf.scalar(a[0]), tf.scalar(b[0])] : [tf.tensor1d(a), tf.tensor1d(b)];
  const images = uniform ? null : vectors.map((v) => tf.tidy(() => tf.tile(tf.reshape(v, [1, 1, 1, 3]), [1, h, w, 1])));
  return {
    apply: (x: tf.Tensor4D): tf.Tensor4D => {
      const [ta, tb] = images && x.shape[0] === 1 ? images : vectors;
      return tf.add(tf.mul(x, ta), tb) as tf.Tensor4D;
    },
    dispose: () => tf.dispose([...vectors, ...(images ?? [])]),
  };
}
