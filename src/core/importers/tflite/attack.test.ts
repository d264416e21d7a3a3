import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { useBackend } from '../../../test/backend';
import { ASSETS_DIR, readAsset } from '../../../test/assets';
import { defaultConfig, runToEnd } from '../../attacks';
import { registerWasmGradientKernels } from '../../backends/wasmGradients';
import { cropResize, fromRgba, imageToTensor } from '../../image';
import { wrapClassifier } from '../../models/wrapClassifier';
import { TFLITE_CATALOGUE } from './catalogue';
import { openTflite } from './importer';

const hasTflite = fs.existsSync(path.join(ASSETS_DIR, 'tflite')) && fs.existsSync(path.join(ASSETS_DIR, 'clickme-samples'));

describe.skipIf(!hasTflite)('FMN on the imported MobileNet v2 (wasm)', () => {
  it('finds a small adversarial on a ClickMe sample, confirmed by an independent forward pass', async () => {
    await useBackend('wasm');
    registerWasmGradientKernels();
    const entry = TFLITE_CATALOGUE.find((m) => m.id === 'mobilenet_v2_1.0_224_quant')!;
    const classifier = wrapClassifier(openTflite(readAsset(entry.assetPath!), `${entry.id}.tflite`).raw, entry);
    const png = PNG.sync.read(Buffer.from(readAsset('clickme-samples/serre-lab_0_image.png')));
    const x0 = imageToTensor(cropResize(fromRgba(new Uint8Array(png.data), png.width, png.height), 224));
    const clean = tf.tidy(() => tf.argMax(classifier.logits(x0), 1));
    const label = (await clean.data())[0];
    clean.dispose();

    const before = tf.memory().numTensors;
    const result = await runToEnd(classifier.logits, x0, defaultConfig('fmn', { steps: 4, previewSize: 8 }));
    expect(tf.memory().numTensors).toBe(before);
    expect(result.success).toBe(true);
    // a handful of steps keeps the test fast (a gradient of this net is the cost); METHOD.md §6 puts
    // minimal L2 on MobileNets at 0.1–0.3, and FMN's first adversarial is already of that order
    expect(result.l2!).toBeGreaterThan(0);
    expect(result.l2!).toBeLessThan(1);

    const adv = tf.tidy(() => {
      const delta = tf.tensor4d(result.bestDelta!.data, [1, 224, 224, 3]);
      return tf.argMax(classifier.logits(tf.clipByValue(tf.add(x0, delta), 0, 1) as tf.Tensor4D), 1);
    });
    const advClass = (await adv.data())[0];
    expect(advClass).not.toBe(label);
    expect(advClass).toBe(result.advImagenetClass);
    tf.dispose([adv, x0]);
    classifier.dispose();
  }, 60_000);
});
