import * as tf from '@tensorflow/tfjs';
import { KerasH5ImportError } from './errors';

interface NormalizationArgs {
  name?: string;
  axis?: number | number[] | null;
  mean?: number | number[] | null;
  variance?: number | number[] | null;
  invert?: boolean;
  inputShape?: number[];
  batchInputShape?: (number | null)[];
  dtype?: tf.DataType;
  trainable?: boolean;
}

/**
 * Keras' Normalization layer, which tfjs-layers lacks (Keras' EfficientNet applications start
 * with it): y = (x - mean) / max(sqrt(variance), 1e-7) along the channel axis, with mean and
 * variance given in the config or stored as weights `mean`, `variance` (and `count`, unused).
 * The engine rebuilds it from the same names (src/core/engine/layerOps.ts).
 */
export class KerasNormalization extends tf.layers.Layer {
  static className = 'Normalization';
  private readonly axis: number;
  private readonly fixedMean: number[] | null;
  private readonly fixedVariance: number[] | null;

  constructor(args: NormalizationArgs) {
    super(args);
    const axis = Array.isArray(args.axis) ? args.axis : [args.axis ?? -1];
    if (axis.length !== 1) {
      throw new KerasH5ImportError(`Normalization layer "${args.name}" normalises axes [${axis}]; only the channel axis is supported.`);
    }
    if (args.invert) {
      throw new KerasH5ImportError(`Normalization layer "${args.name}" is inverted (invert=true), which is not supported.`);
    }
    this.axis = axis[0] as number;
    const list = (v: number | number[] | null | undefined) => (v == null ? null : Array.isArray(v) ? v.flat() : [v]);
    this.fixedMean = list(args.mean);
    this.fixedVariance = list(args.variance);
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const axis = this.axis < 0 ? shape.length + this.axis : this.axis;
    if (axis !== shape.length - 1) {
      throw new KerasH5ImportError(`Normalization layer "${this.name}" normalises axis ${this.axis}; only the last (channel) axis is supported.`);
    }
    if (this.fixedMean === null) {
      const channels = [shape[axis] as number];
      this.addWeight('mean', channels, 'float32', tf.initializers.zeros(), undefined, false);
      this.addWeight('variance', channels, 'float32', tf.initializers.ones(), undefined, false);
      this.addWeight('count', [], 'float32', tf.initializers.zeros(), undefined, false);
    }
    this.built = true;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [mean, variance] =
        this.fixedMean === null
          ? [this.weights[0].read(), this.weights[1].read()]
          : [tf.tensor(this.fixedMean), tf.tensor(this.fixedVariance ?? [1])];
      return tf.div(tf.sub(x, mean), tf.maximum(tf.sqrt(variance), 1e-7));
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis, mean: this.fixedMean, variance: this.fixedVariance, invert: false };
  }
}

tf.serialization.registerClass(KerasNormalization);
