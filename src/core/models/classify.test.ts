import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { useBackend } from '../../test/backend';
import { hasAssets, readAsset } from '../../test/assets';
import { loadCatalogueClassifier } from '../../test/models';
import { cropResize, fromRgba, imageToTensor } from '../image';
import { CATALOGUE } from './catalogue';
import type { Classifier } from './types';

const ESPRESSO = 967;

function photo(name: string): tf.Tensor4D {
  const png = PNG.sync.read(Buffer.from(readAsset(`images/${name}`)));
  return imageToTensor(cropResize(fromRgba(new Uint8Array(png.data), png.width, png.height), 224));
}

// Forward passes only: wasm is several times faster than cpu in Node.
beforeAll(() => useBackend('wasm'));

const LAYERS_MODELS = CATALOGUE.filter((m) => m.format === 'tfjs-layers').map((m) => m.id);

describe.skipIf(!hasAssets).each(LAYERS_MODELS)('catalogue model %s', (id) => {
  let classifier: Classifier;
  beforeAll(async () => {
    classifier = await loadCatalogueClassifier(id);
  });
  afterAll(() => classifier.dispose());

  it('classifies coffee.png as espresso and chelsea.png as a cat, leaking no tensors', async () => {
    const batch = tf.concat([photo('coffee.png'), photo('chelsea.png')]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const logits = classifier.logits(batch);
    const probs = classifier.probs(batch);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(logits.shape).toEqual([2, 1000]);
    const [coffee, cat] = (await tf.argMax(logits, 1).array()) as number[];
    expect(coffee).toBe(ESPRESSO);
    expect(cat).toBeGreaterThanOrEqual(281);
    expect(cat).toBeLessThanOrEqual(285);
    const rowSums = (await tf.sum(probs, 1).array()) as number[];
    rowSums.forEach((s) => expect(s).toBeCloseTo(1, 5));
    tf.dispose([batch, logits, probs]);
  });
});
