import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { useBackend } from '../../../test/backend';
import { ASSETS_DIR, readAsset } from '../../../test/assets';
import fs from 'node:fs';
import path from 'node:path';
import { cropResize, fromRgba, imageToTensor } from '../../image';
import { wrapClassifier } from '../../models/wrapClassifier';
import type { Classifier, ModelInfo } from '../../models/types';
import { openTflite } from './importer';

const ESPRESSO = 967;
const hasTflite = fs.existsSync(path.join(ASSETS_DIR, 'tflite'));

const MODELS: [file: string, size: number][] = [
  ['mobilenet_v2_1.0_224_quant.tflite', 224],
  ['tf2_mobilenet_v2_1.0_224_ptq.tflite', 224],
  ['mobilenet_v1_0.75_192_quant.tflite', 192],
  ['mobilenet_v1_0.5_160_quant.tflite', 160],
  ['mobilenet_v1_0.25_128_quant.tflite', 128],
];

function photo(name: string, size: number): tf.Tensor4D {
  const png = PNG.sync.read(Buffer.from(readAsset(`images/${name}`)));
  return imageToTensor(cropResize(fromRgba(new Uint8Array(png.data), png.width, png.height, 3), size));
}

beforeAll(() => useBackend('wasm'));

describe.skipIf(!hasTflite).each(MODELS)('%s', (file, size) => {
  let classifier: Classifier;
  let info: Partial<ModelInfo>;
  beforeAll(() => {
    const opened = openTflite(readAsset(`tflite/${file}`), file);
    info = opened.info;
    classifier = wrapClassifier(opened.raw, { id: file, family: 'test', top1: 0, ...info } as ModelInfo);
  });
  afterAll(() => classifier.dispose());

  it('reads input size, [-1,1] normalisation and 1001 outputs with a background class from the file', () => {
    expect(info.inputSize).toBe(size);
    expect(info.numOutputs).toBe(1001);
    expect(info.classOffset).toBe(1);
    const { mean, std, scale } = info.normalization!;
    // pixel 0 and pixel 1 land at about -1 and +1
    expect((0 * scale - mean[0]) / std[0]).toBeCloseTo(-1, 1);
    expect((1 * scale - mean[0]) / std[0]).toBeCloseTo(1, 1);
    expect(info.notes).toMatch(/dequantised/);
  });

  it('classifies coffee.png (resized to its input size) as espresso without leaking tensors', async () => {
    const x = photo('coffee.png', size);
    const before = tf.memory().numTensors;
    const logits = classifier.logits(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(logits.shape).toEqual([1, 1000]);
    const top = (await tf.argMax(logits, 1).data())[0];
    expect(top).toBe(ESPRESSO);
    tf.dispose([x, logits]);
  });
});
