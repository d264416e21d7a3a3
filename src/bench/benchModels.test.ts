import { describe, expect, it } from 'vitest';
import { UnknownModelError } from '../core/models/catalogue';
import { BenchModelError, openBenchModels, resolveModelIds } from './benchModels';

const LAYERS = ['mobilenet_v1_0.25_224', 'mobilenet_v1_0.75_224'];
const TFLITE = [
  'mobilenet_v2_1.0_224_quant',
  'tf2_mobilenet_v2_1.0_224_ptq',
  'mobilenet_v1_0.75_192_quant',
  'mobilenet_v1_0.5_160_quant',
  'mobilenet_v1_0.25_128_quant',
];

describe('resolveModelIds', () => {
  it('defaults to both layers models, the smallest TFLite model and one ONNX row', () => {
    const expected = [...LAYERS, 'mobilenet_v1_0.25_128_quant', 'onnx:mobilenet_v1_0.25_224'];
    expect(resolveModelIds(null)).toEqual(expected);
    expect(resolveModelIds('')).toEqual(expected);
  });

  it('expands the groups, keeps plain ids, trims and drops repeats', () => {
    expect(resolveModelIds('tflite')).toEqual(TFLITE);
    expect(resolveModelIds('all')).toEqual([...LAYERS, ...TFLITE, 'onnx:mobilenet_v1_0.25_224']);
    expect(resolveModelIds(' onnx:mobilenet_v1_0.75_224 , layers,mobilenet_v1_0.25_224,')).toEqual(['onnx:mobilenet_v1_0.75_224', ...LAYERS]);
    expect(resolveModelIds('torch,torch:swin_t')).toEqual(['torch:resnet50', 'torch:vit_b_16', 'torch:swin_t']);
  });
});

describe('openBenchModels', () => {
  it('refuses, before fetching anything, ids it cannot bench', async () => {
    await expect(openBenchModels('no_such_model')).rejects.toThrow(UnknownModelError);
    await expect(openBenchModels('onnx:mobilenet_v1_0.25_128_quant')).rejects.toThrow(
      new BenchModelError('The row "onnx:mobilenet_v1_0.25_128_quant" names a tflite model; ONNX rows convert a Keras MobileNet, so name a layers model.'),
    );
    await expect(openBenchModels('vgg16_harmonized')).rejects.toThrow(BenchModelError);
  });
});
