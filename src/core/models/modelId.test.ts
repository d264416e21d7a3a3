import { describe, expect, it } from 'vitest';
import { EMPTY_FIELDS, parseUrlModelId, toOverrides, urlModelId } from './modelId';

describe('toOverrides', () => {
  it('states nothing when the form is empty, so the file decides', () => {
    expect(toOverrides({ ...EMPTY_FIELDS })).toEqual({});
  });

  it('turns filled fields into model settings: 1001 classes means a background class at index 0', () => {
    expect(
      toOverrides({ normalization: 'ImageNet mean/std', inputSize: ' 192 ', classes: '1001', logitsLayer: ' logits ', timmName: 'resnet50.a1_in1k' }),
    ).toEqual({
      normalization: { scale: 1, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      normalizationName: 'ImageNet mean/std',
      inputSize: 192,
      numOutputs: 1001,
      classOffset: 1,
      logitsLayer: 'logits',
      timmName: 'resnet50.a1_in1k',
    });
  });

  it('ignores an input size that is not a positive whole number', () => {
    expect(toOverrides({ ...EMPTY_FIELDS, inputSize: '22.5' })).toEqual({});
    expect(toOverrides({ ...EMPTY_FIELDS, inputSize: '-3' })).toEqual({});
  });
});

describe('URL model ids', () => {
  it('carry the URL and the stated fields, and read back to the same', () => {
    const fields = { ...EMPTY_FIELDS, normalization: 'ImageNet mean/std', classes: '1001', inputSize: '192', logitsLayer: 'conv preds', timmName: 'resnet50.a1_in1k' } as const;
    const id = urlModelId('https://models.example/r50/model.onnx', fields);
    expect(id.startsWith('https://models.example/r50/model.onnx#')).toBe(true);
    expect(parseUrlModelId(id)).toEqual({ url: 'https://models.example/r50/model.onnx', fields });
  });

  it('are the bare URL when nothing is stated; an earlier fragment is replaced', () => {
    expect(urlModelId('https://m.example/model.json#old', EMPTY_FIELDS)).toBe('https://m.example/model.json');
    expect(parseUrlModelId('https://m.example/model.json')).toEqual({ url: 'https://m.example/model.json', fields: EMPTY_FIELDS });
  });

  it('leave catalogue ids alone, and drop values that are not choices', () => {
    expect(parseUrlModelId('mobilenet_v1_0.25_224')).toBeNull();
    expect(parseUrlModelId('https://m.example/m.tflite#norm=sepia&classes=7')!.fields).toEqual(EMPTY_FIELDS);
  });
});
