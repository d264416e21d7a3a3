import { describe, expect, it } from 'vitest';
import { HARMONIZED_CATALOGUE } from './catalogue';

describe('harmonized catalogue', () => {
  it('lists the paper\'s seven harmonized models at the Serre lab\'s official URLs', () => {
    expect(HARMONIZED_CATALOGUE.map((m) => m.url)).toEqual(
      ['vgg16', 'resnet50v2', 'efficientnetB0', 'vit-b16', 'levit_small', 'convnext_tiny', 'maxvit_tiny'].map(
        (f) => `https://storage.googleapis.com/serrelab/prj_harmonization/models/${f}_harmonized.h5`,
      ),
    );
    expect(HARMONIZED_CATALOGUE.every((m) => m.id.endsWith('_harmonized') && m.format === 'keras-h5')).toBe(true);
  });

  it('marks every entry "download needed" (no local asset) and only the custom-layer ones unsupported', () => {
    for (const m of HARMONIZED_CATALOGUE) {
      expect(m.downloadNeeded).toBe(true);
      expect(m.assetPath).toBeUndefined();
    }
    expect(HARMONIZED_CATALOGUE.filter((m) => m.unsupportedReason).map((m) => m.id)).toEqual([
      'vit-b16_harmonized',
      'levit_small_harmonized',
      'convnext_tiny_harmonized',
      'maxvit_tiny_harmonized',
    ]);
  });

  it('applies the harmonizer preprocessing (x/255 then ImageNet mean/std) to [0,1] pixels', () => {
    // harmonization/models/preprocess.py on [0,255] pixels p: (p/255 - mean)/std; AlignScope's x is p/255.
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    for (const m of HARMONIZED_CATALOGUE) {
      const n = m.normalization;
      for (const [p, c] of [[0, 0], [128, 1], [255, 2]]) {
        const ours = ((p / 255) * n.scale - n.mean[c]) / n.std[c];
        expect(ours).toBeCloseTo((p / 255 - mean[c]) / std[c], 12);
      }
      expect(m).toMatchObject({ inputSize: 224, numOutputs: 1000, classOffset: 0 });
    }
  });
});
