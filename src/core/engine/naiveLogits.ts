import * as tf from '@tensorflow/tfjs';
import type { RawModel } from '../models/types';
import { EngineError } from './errors';

/**
 * The layers model's own forward pass up to the logits layer, as a RawModel: the reference
 * the engine is checked against and the "naive gradient" baseline of the benchmark. It shares
 * the layers model's weights, so dispose() frees nothing; dispose the layers model itself.
 */
export function naiveLogits(model: tf.LayersModel, logitsLayer?: string): RawModel {
  const layer = logitsLayer ? model.layers.find((l) => l.name === logitsLayer) : undefined;
  if (logitsLayer && !layer) throw new EngineError(`The model "${model.name}" has no layer named "${logitsLayer}".`);
  const sub = layer ? tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor }) : model;
  const [, h, w, c] = model.inputs[0].shape as number[];
  const outShape = (sub.outputs[0].shape as number[]).slice(1);
  const numOutputs = outShape.reduce((a, d) => a * d, 1);
  return {
    inputShape: [h, w, c],
    numOutputs,
    predict: (x) =>
      tf.tidy(() => tf.reshape(sub.apply(x, { training: false }) as tf.Tensor, [x.shape[0], numOutputs]) as tf.Tensor2D),
    dispose: () => undefined,
  };
}
