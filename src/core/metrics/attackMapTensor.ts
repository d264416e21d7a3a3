import * as tf from '@tensorflow/tfjs';
import type { AttackMapConvention } from './attackMap';
import { MetricInputError } from './errors';

/** attackMap on the GPU: δ [N, H, W, C] or [H, W, C] → [N, H, W] or [H, W]. Caller disposes the result. */
export function attackMapTensor<T extends tf.Tensor3D | tf.Tensor4D>(
  delta: T,
  convention: AttackMapConvention = 'mean',
): T extends tf.Tensor4D ? tf.Tensor3D : tf.Tensor2D {
  if (delta.rank !== 3 && delta.rank !== 4) {
    throw new MetricInputError(`An attack map needs δ of shape [H, W, C] or [N, H, W, C], not [${delta.shape}].`);
  }
  return tf.tidy(() => {
    const axis = delta.rank - 1;
    return tf.abs(convention === 'mean' ? tf.mean(delta, axis) : tf.max(delta, axis));
  }) as T extends tf.Tensor4D ? tf.Tensor3D : tf.Tensor2D;
}
