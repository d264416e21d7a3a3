import { describe, expect, it } from 'vitest';
import { catalogueModel } from './catalogue';
import { checkCropPct, cropOptionsOf, describePreprocessing, preprocessingOf, PreprocessingError } from './preprocessing';

describe('preprocessingOf', () => {
  it("gives catalogue models today's defaults: bilinear, crop_pct 1, their own size and normalisation", () => {
    const p = preprocessingOf(catalogueModel('mobilenet_v1_0.25_224'));
    expect(p).toMatchObject({ inputSize: 224, interpolation: 'bilinear', cropPct: 1, normalizationName: '[-1,1]' });
    expect(p.normalization.mean).toEqual([0.5, 0.5, 0.5]);
    expect(describePreprocessing(p)).toBe('224×224 · bilinear · crop_pct 1 · [-1,1]');
  });

  it('uses what the description states', () => {
    const info = { ...catalogueModel('mobilenet_v1_0.25_224'), interpolation: 'bicubic' as const, cropPct: 0.875, preprocessingSource: 'stated' };
    expect(preprocessingOf(info)).toMatchObject({ interpolation: 'bicubic', cropPct: 0.875, source: 'stated' });
    expect(cropOptionsOf(info)).toEqual({ interpolation: 'bicubic', cropPct: 0.875 });
    expect(cropOptionsOf({})).toEqual({ interpolation: 'bilinear', cropPct: 1 });
  });

  it('refuses a crop_pct outside (0, 2] with a sentence naming where it came from', () => {
    expect(checkCropPct(0.875, 'x')).toBe(0.875);
    expect(() => checkCropPct(0, 'The model settings')).toThrow(PreprocessingError);
    expect(() => checkCropPct(Number.NaN, 'The model settings')).toThrow(/The model settings gives crop_pct NaN/);
  });
});
