import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from '../../../test/backend';
import { ASSETS_DIR, readAsset } from '../../../test/assets';
import { TfliteImportError } from './errors';
import { inputNormalization, openTflite, tfliteImporter } from './importer';
import type { TfliteTensor } from './reader';
import { TensorType } from './schema_generated';
import { buildTflite, options, type SpecOp, type SpecTensor } from './testing';

beforeAll(() => useBackend('cpu'));

const hasTflite = fs.existsSync(path.join(ASSETS_DIR, 'tflite'));

/** A tiny "classifier": input [1,s,s,3] → global mean → FC to `classes` → SOFTMAX. */
function classifier(o: { size?: number; classes?: number; input?: Partial<SpecTensor>; extra?: SpecOp[] } = {}): Uint8Array {
  const size = o.size ?? 2;
  const classes = o.classes ?? 1001;
  return buildTflite({
    tensors: [
      { shape: [1, size, size, 3], name: 'input', ...o.input },
      { shape: [2], type: TensorType.INT32, data: [1, 2] },
      { shape: [1, 3] },
      { shape: [classes, 3], data: Array.from({ length: classes * 3 }, (_, i) => (i % 7) - 3) },
      { shape: [1, classes] },
      { shape: [1, classes] },
      { shape: [1, classes] },
    ],
    operators: [
      { op: 'MEAN', inputs: [0, 1], outputs: [2], options: options.reducer(false) },
      { op: 'FULLY_CONNECTED', inputs: [2, 3, -1], outputs: [4], options: options.fullyConnected() },
      ...(o.extra ?? [{ op: 'SOFTMAX', inputs: [4], outputs: [5], options: options.softmax() } as SpecOp]),
    ],
    inputs: [0],
    outputs: [o.extra ? 6 : 5],
  });
}

const quantTensor = (type: TensorType, scale: number, zeroPoint: number): TfliteTensor => ({
  index: 0,
  name: 'input',
  shape: [1, 224, 224, 3],
  type,
  quantization: { scale: [scale], zeroPoint: [zeroPoint], axis: 0 },
});

describe('inputNormalization', () => {
  const apply = (n: ReturnType<typeof inputNormalization>['normalization'], p: number) => (p * n.scale - n.mean[0]) / n.std[0];

  it('uint8 with scale 1/128 and zero point 128 maps pixel p to (255p − 128)/128, about [-1, 1]', () => {
    const { normalization, name } = inputNormalization(quantTensor(TensorType.UINT8, 1 / 128, 128), 'm');
    for (const p of [0, 0.25, 1]) expect(apply(normalization, p)).toBeCloseTo((255 * p - 128) / 128, 6);
    expect(name).toMatch(/^\[-1,0\.992\]/);
  });

  it('int8 input: the file sees q = 255p − 128, so real = s·(255p − 128 − z)', () => {
    const s = 1 / 127.5;
    const { normalization } = inputNormalization(quantTensor(TensorType.INT8, s, -1), 'm');
    for (const p of [0, 0.5, 1]) expect(apply(normalization, p)).toBeCloseTo(s * (255 * p - 128 + 1), 6);
  });

  it('uint8 with scale 1 and zero point 0 is the [0,255] range', () => {
    const { normalization } = inputNormalization(quantTensor(TensorType.UINT8, 1, 0), 'm');
    expect(apply(normalization, 1)).toBeCloseTo(255, 4);
  });

  it('a float input is assumed to be [-1, 1] and says so', () => {
    const { normalization, name } = inputNormalization({ ...quantTensor(TensorType.FLOAT32, 1, 0), quantization: undefined }, 'm');
    expect(apply(normalization, 0)).toBe(-1);
    expect(apply(normalization, 1)).toBe(1);
    expect(name).toMatch(/assumed/);
  });
});

describe('openTflite', () => {
  it('reads size, class count and background offset from a hand-made classifier, and returns logits', async () => {
    const before = tf.memory().numTensors;
    const { raw, info } = openTflite(classifier({ size: 4 }), 'tiny.tflite');
    expect(info).toMatchObject({ name: 'tiny', format: 'tflite', inputSize: 4, numOutputs: 1001, classOffset: 1 });
    expect(info.notes).toBeUndefined(); // float weights: nothing was dequantised
    const x = tf.ones([1, 4, 4, 3]) as tf.Tensor4D;
    const y = raw.predict(x);
    // mean of ones is [1,1,1]; logit k = Σ_j w[k, j] with w = (i mod 7) − 3 and i = 3k + j
    const expected = Array.from({ length: 1001 }, (_, k) => [0, 1, 2].reduce((s, j) => s + (((3 * k + j) % 7) - 3), 0));
    expect(Array.from(await y.data())).toEqual(expected);
    tf.dispose([x, y]);
    raw.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('accepts 1000 classes without a background offset', () => {
    const { raw, info } = openTflite(classifier({ classes: 1000 }), 'm.tflite');
    expect(info.classOffset).toBe(0);
    raw.dispose();
  });

  const bad: [string, () => Uint8Array, RegExp][] = [
    ['a class count that is not ImageNet', () => classifier({ classes: 10 }), /bad\.tflite gives 10 scores/],
    ['a non-square input', () => buildTflite({ tensors: [{ shape: [1, 2, 3, 3] }, { shape: [1, 18] }, { shape: [2], type: TensorType.INT32, data: [1, 18] }], operators: [{ op: 'RESHAPE', inputs: [0, 2], outputs: [1] }], inputs: [0], outputs: [1] }), /bad\.tflite takes 2×3×3 inputs/],
    ['a grey-scale input', () => classifier({ input: { shape: [1, 2, 2, 1] } }), /square RGB/],
    [
      'an image-shaped output (not a classifier)',
      () => buildTflite({ tensors: [{ shape: [1, 4, 4, 3] }, { shape: [1, 4, 4, 3] }], operators: [{ op: 'RELU', inputs: [0], outputs: [1] }], inputs: [0], outputs: [1] }),
      /bad\.tflite gives an output of shape \[1,4,4,3\]; a classifier gives one score per class/,
    ],
    [
      'two unsupported ops, both named',
      () => classifier({ extra: [{ op: 'TANH', inputs: [4], outputs: [5] }, { op: 'EXP', inputs: [5], outputs: [6] }] }),
      /bad\.tflite uses the ops EXP, TANH, which AlignScope cannot run/,
    ],
    ['an unsupported fused activation', () => classifier({ extra: [{ op: 'ADD', inputs: [4, 4], outputs: [6], options: options.add('SIGN_BIT') }] }), /op 2 \(ADD\) its fused activation SIGN_BIT is not supported/],
    [
      'an op whose result disagrees with the shape the file states',
      () => classifier({ extra: [{ op: 'CONCATENATION', inputs: [4, 4], outputs: [6], options: options.concatenation(1) }] }),
      /op 2 \(CONCATENATION\) gives shape \[1,2002\] where the file states \[1,1001\]/,
    ],
    ['an input without quantisation or float type', () => classifier({ input: { type: TensorType.INT16 } }), /type INT16 without one scale/],
  ];
  it.each(bad)('rejects %s with a TfliteImportError, leaking no tensors', (_, make, message) => {
    const before = tf.memory().numTensors;
    const bytes = make();
    expect(() => openTflite(bytes, 'bad.tflite')).toThrow(TfliteImportError);
    expect(() => openTflite(bytes, 'bad.tflite')).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('tfliteImporter', () => {
  it('matches the TFL3 identifier or the .tflite extension', () => {
    const head = classifier().subarray(0, 16);
    expect(tfliteImporter.match(head, 'model.bin')).toBe(true);
    expect(tfliteImporter.match(new Uint8Array(16), 'Model.TFLITE')).toBe(true);
    expect(tfliteImporter.match(new TextEncoder().encode('{"modelTopology":'), 'model.json')).toBe(false);
  });

  it.skipIf(!hasTflite)('opens a mirrored file through the importer interface', async () => {
    const file = 'mobilenet_v1_0.25_128_quant.tflite';
    const { raw, info } = await tfliteImporter.open({ name: file, bytes: readAsset(`tflite/${file}`) }, new Map());
    expect(raw.inputShape).toEqual([128, 128, 3]);
    expect(info.normalizationName).toMatch(/^\[-1,0\.992\]/);
    raw.dispose();
  });
});
