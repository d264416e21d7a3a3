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
  const { scale, mean, std } = info.normalization;
  const meanT = tf.tensor1d(mean);
  const invStdT = tf.tensor1d(std.map((s) => 1 / s));
  const logits = (x: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      const input = tf.mul(tf.sub(scale === 1 ? x : tf.mul(x, scale), meanT), invStdT) as tf.Tensor4D;
      const out = raw.predict(input);
      return info.classOffset === 0 ? out : tf.slice(out, [0, info.classOffset], [-1, IMAGENET_CLASSES]);
    });
  return {
    info,
    logits,
    probs: (x) => tf.tidy(() => tf.softmax(logits(x))),
    dispose: () => {
      raw.dispose();
      meanT.dispose();
      invStdT.dispose();
    },
  };
}
