import type { ModelInfo } from '../../models/types';
import { QUANTISED_NOTE, quantisedInputNormalization } from './quantisedInput';

const CORAL = 'https://github.com/google-coral/test_data/raw/master/';

function entry(
  file: string,
  o: { name: string; family: string; inputSize: number; scale: number; zeroPoint: number; top1: number; accuracy: string },
): ModelInfo {
  const { normalization, name } = quantisedInputNormalization('uint8', o.scale, o.zeroPoint);
  return {
    id: file,
    name: o.name,
    family: o.family,
    format: 'tflite',
    inputSize: o.inputSize,
    normalization,
    normalizationName: name,
    numOutputs: 1001,
    classOffset: 1,
    top1: o.top1,
    licence: 'Apache-2.0',
    url: `${CORAL}${file}.tflite`,
    assetPath: `tflite/${file}.tflite`,
    notes: `${QUANTISED_NOTE} Top-1: ${o.accuracy}. 1001 outputs, background first; the final softmax is dropped for logits.`,
  };
}

const SLIM_QUANT = 'TF-slim mobilenet_v1.md table, row for this _quant checkpoint';

/** The mirrored TFLite classifiers (google-coral/test_data), opened by the TFLite importer. */
export const TFLITE_CATALOGUE: ModelInfo[] = [
  entry('mobilenet_v2_1.0_224_quant', {
    name: 'MobileNet v2 1.0 (224, TFLite uint8)',
    family: 'MobileNet v2',
    inputSize: 224,
    scale: 1 / 128,
    zeroPoint: 128,
    top1: 70.8,
    accuracy: 'TF-slim MobileNet v2 table, 1.0_224 quantised (71.8 float)',
  }),
  entry('tf2_mobilenet_v2_1.0_224_ptq', {
    name: 'MobileNet v2 1.0 (224, TF2 int8 post-training quantised)',
    family: 'MobileNet v2',
    inputSize: 224,
    scale: 1 / 127.5,
    zeroPoint: 127,
    top1: 71.3,
    accuracy: 'Keras Applications table for the float MobileNetV2 (71.3); no table lists this post-training-quantised file, expect about one point less',
  }),
  entry('mobilenet_v1_0.75_192_quant', {
    name: 'MobileNet v1 α 0.75 (192, TFLite uint8)',
    family: 'MobileNet v1',
    inputSize: 192,
    scale: 1 / 128,
    zeroPoint: 128,
    top1: 66.2,
    accuracy: `${SLIM_QUANT} (67.2 float)`,
  }),
  entry('mobilenet_v1_0.5_160_quant', {
    name: 'MobileNet v1 α 0.5 (160, TFLite uint8)',
    family: 'MobileNet v1',
    inputSize: 160,
    scale: 1 / 128,
    zeroPoint: 128,
    top1: 57.7,
    accuracy: `${SLIM_QUANT} (59.1 float)`,
  }),
  entry('mobilenet_v1_0.25_128_quant', {
    name: 'MobileNet v1 α 0.25 (128, TFLite uint8)',
    family: 'MobileNet v1',
    inputSize: 128,
    scale: 1 / 128,
    zeroPoint: 128,
    top1: 39.9,
    accuracy: `${SLIM_QUANT} (41.5 float)`,
  }),
];
