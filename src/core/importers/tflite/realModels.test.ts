import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { useBackend } from '../../../test/backend';
import { ASSETS_DIR, readAsset } from '../../../test/assets';
import { assetEntry } from '../../assets';
import { cropResize, fromRgba, imageToTensor } from '../../image';
import { wrapClassifier } from '../../models/wrapClassifier';
import type { Classifier, ModelInfo } from '../../models/types';
import { TFLITE_CATALOGUE } from './catalogue';
import { openTflite } from './importer';

const ESPRESSO = 967;
const hasTflite = fs.existsSync(path.join(ASSETS_DIR, 'tflite'));

function photo(name: string, size: number): tf.Tensor4D {
  const png = PNG.sync.read(Buffer.from(readAsset(`images/${name}`)));
  return imageToTensor(cropResize(fromRgba(new Uint8Array(png.data), png.width, png.height), size));
}

// Forward passes only: wasm is several times faster than cpu in Node.
beforeAll(() => useBackend('wasm'));

describe('TFLite catalogue entries', () => {
  it.each(TFLITE_CATALOGUE.map((m) => [m.id, m] as const))('%s is in the asset manifest under its official URL', (_, m) => {
    expect(assetEntry(m.assetPath!).url).toBe(m.url);
    expect(m.url).toBe(`https://github.com/google-coral/test_data/raw/master/${m.id}.tflite`);
  });
});

describe.skipIf(!hasTflite).each(TFLITE_CATALOGUE.map((m) => [m.id, m] as const))('%s', (_, entry: ModelInfo) => {
  let classifier: Classifier;
  let info: Partial<ModelInfo>;
  beforeAll(() => {
    const opened = openTflite(readAsset(entry.assetPath!), `${entry.id}.tflite`);
    info = opened.info;
    classifier = wrapClassifier(opened.raw, entry);
  });
  afterAll(() => classifier.dispose());

  it('the file states the catalogue’s input size, class count, background offset and normalisation', () => {
    expect(info.inputSize).toBe(entry.inputSize);
    expect(info.numOutputs).toBe(1001);
    expect(info.classOffset).toBe(1);
    info.normalization!.mean.forEach((v, c) => expect(v).toBeCloseTo(entry.normalization.mean[c], 6));
    info.normalization!.std.forEach((v, c) => expect(v).toBeCloseTo(entry.normalization.std[c], 6));
    // pixel 0 and 1 land at about −1 and +1 (METHOD.md: these models take [-1,1])
    const { mean, std } = entry.normalization;
    expect(-mean[0] / std[0]).toBeCloseTo(-1, 1);
    expect((1 - mean[0]) / std[0]).toBeCloseTo(1, 1);
    expect(info.notes).toMatch(/dequantised/);
  });

  it('classifies coffee.png (resized to its input size) as espresso without leaking tensors', async () => {
    const x = photo('coffee.png', entry.inputSize);
    const before = tf.memory().numTensors;
    const logits = classifier.logits(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(logits.shape).toEqual([1, 1000]);
    expect((await tf.argMax(logits, 1).data())[0]).toBe(ESPRESSO);
    tf.dispose([x, logits]);
  });
});
