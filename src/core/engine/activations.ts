import * as tf from '@tensorflow/tfjs';
import { EngineError } from './errors';
import { reluWithMaskGradient } from './reluMask';

type Activation = (x: tf.Tensor) => tf.Tensor;

// Same formulas as tfjs-layers' activations, so outputs match the layers model exactly; ReLUs
// take their gradient from one mask kernel (reluMask.ts).
const ACTIVATIONS: Record<string, Activation> = {
  linear: (x) => x,
  relu: reluWithMaskGradient('relu'),
  relu6: reluWithMaskGradient('relu6'),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  swish: (x) => tf.mul(tf.sigmoid(x), x),
  silu: (x) => tf.mul(tf.sigmoid(x), x),
  gelu: (x) => tf.mul(x, tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2))))),
  softmax: (x) => tf.softmax(x),
  hardSigmoid: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
  hard_sigmoid: (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
  elu: (x) => tf.elu(x),
  selu: (x) => tf.selu(x),
  softplus: (x) => tf.softplus(x),
  softsign: (x) => tf.div(x, tf.add(1, tf.abs(x))),
  mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  gelu_new: (x) =>
    tf.mul(0.5, tf.mul(x, tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))))),
};

export const SUPPORTED_ACTIVATIONS = Object.keys(ACTIVATIONS);

/** The plain-op activation for a tfjs/Keras activation name ('relu6', 'swish', ...). */
export function activationFn(name: string | undefined, layerName: string): Activation {
  const fn = ACTIVATIONS[name ?? 'linear'];
  if (!fn) {
    throw new EngineError(
      `Layer "${layerName}" uses the activation "${name}", which AlignScope cannot differentiate yet ` +
        `(supported: ${SUPPORTED_ACTIVATIONS.join(', ')}).`,
    );
  }
  return fn;
}
