import * as tf from '@tensorflow/tfjs';

/** Activations that tfjs fuses into a convolution and whose derivative can be read off the output. */
export type FusableActivation = 'linear' | 'relu' | 'relu6';

export function isFusableActivation(name: string | undefined): name is FusableActivation {
  return name === 'linear' || name === 'relu' || name === 'relu6';
}

/**
 * dL/dz from dL/dy where y = act(z), using y alone: relu′ = [y > 0], relu6′ = [0 < y < 6]
 * (z = 6 exactly, where tfjs' own relu6 gradient says 1, has measure zero).
 */
function throughActivation(act: FusableActivation, y: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  if (act === 'linear') return dy;
  const inside = act === 'relu' ? tf.step(y) : tf.step(tf.mul(y, tf.sub(6, y)));
  return tf.mul(dy, inside);
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
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => backward(throughActivation(act, saved[0] as tf.Tensor4D, dy)),
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor4D) => tf.Tensor4D;
}
