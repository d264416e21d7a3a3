import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { assetPath, hasAssets } from '../../test/assets';
import { CATALOGUE, catalogueModel, UnknownModelError } from './catalogue';
import { NORMALIZATION_NAMES, normalizationPreset } from './normalizations';
import type { Normalization } from './types';

const apply = (n: Normalization, pixel: number, channel: number) => (pixel * n.scale - n.mean[channel]) / n.std[channel];

describe('catalogue', () => {
  it('holds the two MobileNet v1 widths with the published facts (METHOD.md §1, assets README)', () => {
    const layers = CATALOGUE.filter((m) => m.format === 'tfjs-layers');
    expect(layers.map((m) => [m.id, m.top1])).toEqual([
      ['mobilenet_v1_0.25_224', 49.8],
      ['mobilenet_v1_0.75_224', 68.4],
    ]);
    for (const m of layers) {
      expect(m).toMatchObject({
        family: 'MobileNet v1',
        format: 'tfjs-layers',
        inputSize: 224,
        normalizationName: '[-1,1]',
        numOutputs: 1000,
        classOffset: 0,
        logitsLayer: 'conv_preds',
        licence: 'Apache-2.0',
        url: `https://storage.googleapis.com/tfjs-models/tfjs/${m.id}/model.json`,
        assetPath: `models/${m.id}/model.json`,
      });
      expect([apply(m.normalization, 0, 0), apply(m.normalization, 1, 2)]).toEqual([-1, 1]);
    }
  });

  it.skipIf(!hasAssets)('points at files the asset mirror has', () => {
    for (const m of CATALOGUE.filter((c) => c.assetPath)) expect(fs.existsSync(assetPath(m.assetPath!))).toBe(true);
  });

  it('finds a model by id and names the known ids for an unknown one', () => {
    expect(catalogueModel('mobilenet_v1_0.75_224').name).toBe('MobileNet v1 α 0.75 (224)');
    expect(() => catalogueModel('resnet50')).toThrow(UnknownModelError);
    expect(() => catalogueModel('resnet50')).toThrow(
      /^There is no model "resnet50" in the catalogue; known ids are mobilenet_v1_0.25_224, mobilenet_v1_0.75_224(, .*)?\.$/,
    );
  });
});

describe('normalisation presets', () => {
  it('map [0,1] pixels as their names say', () => {
    expect(NORMALIZATION_NAMES).toEqual(['[-1,1]', 'ImageNet mean/std', '[0,1]', '[0,255]']);
    const imagenet = normalizationPreset('ImageNet mean/std');
    expect(apply(imagenet, 0.485, 0)).toBe(0);
    expect(apply(imagenet, 0.456 + 0.224, 1)).toBeCloseTo(1, 12);
    expect(apply(normalizationPreset('[0,1]'), 0.3, 1)).toBe(0.3);
    expect(apply(normalizationPreset('[0,255]'), 1, 2)).toBe(255);
  });

  it('hands out copies, so editing one model leaves the preset alone', () => {
    const a = normalizationPreset('[-1,1]');
    a.mean[0] = 7;
    expect(normalizationPreset('[-1,1]').mean[0]).toBe(0.5);
  });
});
