import * as tf from '@tensorflow/tfjs';
import { EngineError } from './errors';

type Layer = tf.layers.Layer;

/**
 * A layer's weight by its Keras name ('kernel', 'gamma', 'moving_mean', ...). tfjs suffixes
 * duplicate variable names with _1, _2..., so match on the part after the last '/'.
 */
export function findWeight(layer: Layer, key: string): tf.Tensor | undefined {
  for (const w of layer.weights) {
    const full = w.originalName ?? w.name;
    const base = full.slice(full.lastIndexOf('/') + 1).replace(/_\d+$/, '');
    if (base === key) return w.read();
  }
  return undefined;
}

export function requireWeight(layer: Layer, key: string): tf.Tensor {
  const w = findWeight(layer, key);
  if (!w) {
    throw new EngineError(`Layer "${layer.name}" (${layer.getClassName()}) has no weight named "${key}".`);
  }
  return w;
}

/** Batch normalisation as a per-channel affine map y = x * scale + shift (inference mode). */
export function batchNormAffine(bn: Layer): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  const cfg = bn.getConfig();
  const eps = (cfg.epsilon as number) ?? 1e-3;
  return tf.tidy(() => {
    const mean = requireWeight(bn, 'moving_mean') as tf.Tensor1D;
    const variance = requireWeight(bn, 'moving_variance') as tf.Tensor1D;
    const gamma = findWeight(bn, 'gamma') ?? tf.onesLike(mean);
    const beta = findWeight(bn, 'beta') ?? tf.zerosLike(mean);
    const scale = tf.div(gamma, tf.sqrt(tf.add(variance, eps))) as tf.Tensor1D;
    const shift = tf.sub(beta, tf.mul(mean, scale)) as tf.Tensor1D;
    return { scale, shift };
  });
}
