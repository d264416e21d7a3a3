import type * as tf from '@tensorflow/tfjs';

// Layers that only reshape or pass values through at inference, between a softmax and the output.
const PASS_THROUGH = new Set(['Reshape', 'Flatten', 'Dropout']);

const isSoftmaxLayer = (layer: tf.layers.Layer) =>
  layer.getClassName() === 'Softmax' ||
  (layer.getClassName() === 'Activation' && layer.getConfig().activation === 'softmax');

/**
 * The layer that gives logits: the input of a final softmax (Keras MobileNet: `conv_preds`),
 * or a final Dense/Conv with a softmax activation (the engine drops that activation),
 * or else the output layer itself, taken to give logits already.
 */
export function detectLogitsLayer(model: tf.LayersModel): string {
  let t = model.outputs[0];
  for (;;) {
    const layer = t.sourceLayer;
    const input = layer.inboundNodes[t.nodeIndex]?.inputTensors[0];
    if (isSoftmaxLayer(layer) && input) return input.sourceLayer.name;
    if (layer.getConfig().activation === 'softmax') return layer.name;
    if (!PASS_THROUGH.has(layer.getClassName()) || !input) return model.outputs[0].sourceLayer.name;
    t = input;
  }
}

/** Layers whose output could be a class vector (1000 or 1001 values), to suggest as logits layers. */
export function logitsCandidates(model: tf.LayersModel): string[] {
  return model.layers
    .filter((l) => {
      const shape = l.outputShape;
      if (!Array.isArray(shape) || Array.isArray(shape[0])) return false;
      const size = (shape as (number | null)[]).slice(1).reduce<number>((a, d) => a * (d ?? NaN), 1);
      return size === 1000 || size === 1001;
    })
    .map((l) => l.name);
}
