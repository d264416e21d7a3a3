import { describe, expect, it } from 'vitest';
import { catalogueModel } from '../models/catalogue';
import { modelAssetFiles, totalBytes } from './modelFiles';

describe('modelAssetFiles', () => {
  it('lists a layers model as its model.json and 55 weight shards, without metadata.json', () => {
    const files = modelAssetFiles(catalogueModel('mobilenet_v1_0.75_224'));
    expect(files).toHaveLength(56);
    expect(files.filter((f) => f.path.endsWith('model.json'))).toHaveLength(1);
    expect(files.some((f) => f.path.endsWith('metadata.json'))).toBe(false);
  });

  it('lists a TFLite model as its one file, and a model without an asset as nothing', () => {
    const files = modelAssetFiles(catalogueModel('mobilenet_v1_0.25_128_quant'));
    expect(files.map((f) => f.path)).toEqual(['tflite/mobilenet_v1_0.25_128_quant.tflite']);
    expect(modelAssetFiles({ format: 'keras-h5' })).toEqual([]);
  });

  it('adds up the sizes', () => {
    expect(totalBytes([{ size: 3 }, { size: 4 }] as never)).toBe(7);
  });
});
