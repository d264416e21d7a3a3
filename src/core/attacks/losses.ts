import * as tf from '@tensorflow/tfjs';

function others(readoutLogits: tf.Tensor2D, cls: number): tf.Tensor2D {
  const classes = readoutLogits.shape[1];
  const isCls = tf.oneHot(tf.tensor1d([cls], 'int32'), classes).cast('bool');
  return tf.where(isCls, tf.fill(readoutLogits.shape, -Infinity), readoutLogits) as tf.Tensor2D;
}

function logitOf(readoutLogits: tf.Tensor2D, cls: number): tf.Tensor1D {
  return readoutLogits.slice([0, cls], [-1, 1]).reshape([-1]) as tf.Tensor1D;
}

/**
 * Logit margin, > 0 exactly when the point is adversarial:
 * untargeted max_{j≠label} f_j − f_label; targeted f_target − max_{j≠target} f_j. Summed over the batch.
 */
export function marginLoss(readoutLogits: tf.Tensor2D, label: number, target?: number): tf.Scalar {
  return tf.tidy(() => {
    if (target === undefined) return others(readoutLogits, label).max(1).sub(logitOf(readoutLogits, label)).sum();
    return logitOf(readoutLogits, target).sub(others(readoutLogits, target).max(1)).sum();
  });
}

/** Cross-entropy of the softmax of the read-out logits against class `cls`, summed over the batch. */
export function crossEntropy(readoutLogits: tf.Tensor2D, cls: number): tf.Scalar {
  return tf.tidy(() => logitOf(tf.logSoftmax(readoutLogits) as tf.Tensor2D, cls).neg().sum());
}
