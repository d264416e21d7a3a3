import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../test/backend';
import { TfliteImportError } from './errors';
import { openTflite } from './importer';
import { seeded } from './opsTestHarness';
import { TensorType } from './schema_generated';
import { buildTflite, options } from './testing';

/** A complete small classifier: uint8 input, conv SAME stride 2 + RELU6, MEAN, FC to 1000, SOFTMAX. */
function classifier(): Uint8Array {
  return buildTflite({
    tensors: [
      { shape: [1, 4, 4, 3], name: 'input', type: TensorType.UINT8, quantization: { scale: [1 / 128], zeroPoint: [128] } },
      { shape: [2, 3, 3, 3], data: seeded(54, 3) },
      { shape: [2], data: [0.1, 0.2] },
      { shape: [1, 2, 2, 2] },
      { shape: [2], type: TensorType.INT32, data: [1, 2] },
      { shape: [1, 2] },
      { shape: [1000, 2], data: seeded(2000, 4) },
      { shape: [1, 1000] },
      { shape: [1, 1000] },
    ],
    operators: [
      { op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: options.conv2d({ padding: 'SAME', stride: [2, 2], activation: 'RELU6' }) },
      { op: 'MEAN', inputs: [3, 4], outputs: [5], options: options.reducer(false) },
      { op: 'FULLY_CONNECTED', inputs: [5, 6, -1], outputs: [7], options: options.fullyConnected() },
      { op: 'SOFTMAX', inputs: [7], outputs: [8], options: options.softmax() },
    ],
    inputs: [0],
    outputs: [8],
  });
}

it('random byte corruption gives a working model or a TfliteImportError, nothing else, and leaks no tensors', async () => {
  await useBackend('cpu');
  const bytes = classifier();
  const before = tf.memory().numTensors;
  let s = 20261125;
  const random = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const outcomes = { opened: 0, refused: 0 };
  for (let trial = 0; trial < 300; trial++) {
    const b = bytes.slice();
    for (let k = 1 + Math.floor(random() * 4); k > 0; k--) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
    try {
      const { raw } = openTflite(b, 'fuzzed.tflite');
      raw.dispose();
      outcomes.opened++;
    } catch (err) {
      if (!(err instanceof TfliteImportError)) throw new Error(`trial ${trial} escaped as ${(err as Error).name}: ${(err as Error).message}`);
      expect((err as Error).message).toMatch(/^fuzzed\.tflite\b/);
      outcomes.refused++;
    }
  }
  expect(tf.memory().numTensors).toBe(before);
  // both outcomes occur: weights can take any value, structure cannot
  expect(outcomes.opened).toBeGreaterThan(0);
  expect(outcomes.refused).toBeGreaterThan(0);
});
