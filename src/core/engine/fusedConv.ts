import * as tf from '@tensorflow/tfjs';
import { reluMask } from './reluMask';

/** Activations that tfjs fuses into a convolution and whose derivative can be read off the output. */
export type FusableActivation = 'linear' | 'relu' | 'relu6';

export function isFusableActivation(name: string | undefined): name is FusableActivation {
  return name === 'linear' || name === 'relu' || name === 'relu6';
}

/**
 * act(conv(x) + b) as one fused kernel forward — one dispatch instead of three, which is what a
 * GPU backend pays for — with the input gradient `backward(dz)`, itself a forward convolution.
 * The tape sees a single op with no weight inputs, so no weight gradient is ever computed.
 */
export function fusedWithForwardConvGradient(
  forward: (x: tf.Tensor4D) => tf.Tensor4D,
  act: FusableActivation,
  backward: (dz: tf.Tensor4D) => tf.Tensor4D,
): (x: tf.Tensor4D) => tf.Tensor4D {
  const f = (x: tf.Tensor4D, save: (ts: tf.Tensor[]) => void) => {
    const y = forward(x);
    save([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => backward(act === 'linear' ? dy : (reluMask(act, saved[0], dy) as tf.Tensor4D)),
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor4D) => tf.Tensor4D;
}
