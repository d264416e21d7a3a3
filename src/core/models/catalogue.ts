import { normalizationPreset } from './normalizations';
import type { ModelInfo } from './types';
import { TFLITE_CATALOGUE } from '../importers/tflite/catalogue';
import { HARMONIZED_CATALOGUE } from '../importers/keras-h5/catalogue';

const mobilenetV1 = (alpha: '0.25' | '0.75', top1: number): ModelInfo => ({
  id: `mobilenet_v1_${alpha}_224`,
  name: `MobileNet v1 α ${alpha} (224)`,
  family: 'MobileNet v1',
  format: 'tfjs-layers',
  inputSize: 224,
  normalization: normalizationPreset('[-1,1]'),
  normalizationName: '[-1,1]',
  numOutputs: 1000,
  classOffset: 0,
  logitsLayer: 'conv_preds',
  top1,
  licence: 'Apache-2.0',
  url: `https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_${alpha}_224/model.json`,
  assetPath: `models/mobilenet_v1_${alpha}_224/model.json`,
  notes: 'Keras MobileNet v1 as hosted by Google for TF.js; logits at the 1×1 conv "conv_preds", before the softmax.',
});

/** The models AlignScope offers out of the box (top-1 from the TF-slim tables, METHOD.md §1). */
export const CATALOGUE: ModelInfo[] = [mobilenetV1('0.25', 49.8), mobilenetV1('0.75', 68.4), ...TFLITE_CATALOGUE, ...HARMONIZED_CATALOGUE];

export class UnknownModelError extends Error {
  constructor(id: string) {
    super(`There is no model "${id}" in the catalogue; known ids are ${CATALOGUE.map((m) => m.id).join(', ')}.`);
    this.name = 'UnknownModelError';
  }
}

export function catalogueModel(id: string): ModelInfo {
  const info = CATALOGUE.find((m) => m.id === id);
  if (!info) throw new UnknownModelError(id);
  return info;
}
