import * as tf from '@tensorflow/tfjs';

/** Guards normalisations against division by zero, as foolbox does (1e-12). */
const TINY = 1e-12;

/** ‖t‖₂ over all values of a single-image batch, as a scalar. */
export function l2Norm(t: tf.Tensor): tf.Scalar {
  return tf.tidy(() => t.square().sum().sqrt() as tf.Scalar);
}

/** t / max(‖t‖₂, tiny). */
export function normalizeL2(t: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => t.div(l2Norm(t).maximum(TINY)));
}

/** Projection onto the L2 ball of radius eps: δ · min(1, eps/‖δ‖). */
export function projectL2Ball(delta: tf.Tensor4D, eps: number): tf.Tensor4D {
  return tf.tidy(() => delta.mul(tf.minimum(1, tf.scalar(eps).div(l2Norm(delta).maximum(TINY)))));
}

/** Rescale onto the L2 sphere of radius eps (DDN): δ · eps/‖δ‖. */
export function projectL2Sphere(delta: tf.Tensor4D, eps: number): tf.Tensor4D {
  return tf.tidy(() => delta.mul(tf.scalar(eps).div(l2Norm(delta).maximum(TINY))));
}

/** δ such that x0 + δ lies in [0, 1]. */
export function clipToBox(x0: tf.Tensor4D, delta: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => x0.add(delta).clipByValue(0, 1).sub(x0));
}

/** Cosine annealing from `start` (k = 0) to `end` (k = K), as in FMN and DDN. */
export function cosineAnneal(start: number, end: number, k: number, total: number): number {
  return end + ((start - end) * (1 + Math.cos((Math.PI * k) / total))) / 2;
}
