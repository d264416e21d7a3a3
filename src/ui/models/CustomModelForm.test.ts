import { describe, expect, it } from 'vitest';
import { toOverrides } from './CustomModelForm';

const empty = { normalization: '', inputSize: '', classes: '', logitsLayer: '', timmName: '' } as const;

describe('toOverrides', () => {
  it('states nothing when the form is empty, so the file decides', () => {
    expect(toOverrides({ ...empty })).toEqual({});
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
    expect(toOverrides({ ...empty, inputSize: '22.5' })).toEqual({});
    expect(toOverrides({ ...empty, inputSize: '-3' })).toEqual({});
  });
});
