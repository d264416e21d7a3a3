import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { ASSETS_DIR, readAsset } from '../../../test/assets';
import { TfliteImportError } from './errors';
import { hasTfliteIdentifier, readTfliteGraph } from './reader';
import { TensorType } from './schema_generated';
import { buildTflite, options, withSubgraphOutput } from './testing';

const hasTflite = fs.existsSync(path.join(ASSETS_DIR, 'tflite'));

const small = (version = 3) =>
  buildTflite({
    tensors: [
      { shape: [1, 2, 2, 3], name: 'input' },
      { shape: [4, 1, 1, 3], type: TensorType.INT8, data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], quantization: { scale: [0.1, 0.2, 0.3, 0.4], zeroPoint: [0, 0, 0, 0], axis: 0 } },
      { shape: [1, 2, 2, 4], name: 'out' },
    ],
    operators: [{ op: 'CONV_2D', inputs: [0, 1, -1], outputs: [2], options: options.conv2d() }],
    inputs: [0],
    outputs: [2],
    version,
  });

describe('readTfliteGraph', () => {
  it('decodes tensors, quantisation, constant data and ops of a hand-made file', () => {
    const g = readTfliteGraph(small(), 'small.tflite');
    expect(g.inputs).toEqual([0]);
    expect(g.outputs).toEqual([2]);
    expect(g.tensors.map((t) => t.shape)).toEqual([[1, 2, 2, 3], [4, 1, 1, 3], [1, 2, 2, 4]]);
    expect(g.tensors[1].quantization!.scale.map((s) => Number(s.toFixed(6)))).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(Array.from(g.tensors[1].data!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(g.tensors[0].data).toBeUndefined();
    expect(g.operators.map((o) => [o.opName, o.inputs, o.outputs])).toEqual([['CONV_2D', [0, 1, -1], [2]]]);
  });

  it('reads a file handed over as an unaligned view into a larger buffer', () => {
    const bytes = small();
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 3);
    const g = readTfliteGraph(padded.subarray(3, 3 + bytes.length), 'view.tflite');
    expect(g.tensors[1].shape).toEqual([4, 1, 1, 3]);
  });

  it.skipIf(!hasTflite)('reads the builtin codes of a converter-written file (ADD is code 0 in both fields)', () => {
    const g = readTfliteGraph(readAsset('tflite/mobilenet_v2_1.0_224_quant.tflite'), 'v2.tflite');
    const counts = new Map<string, number>();
    for (const op of g.operators) counts.set(op.opName, (counts.get(op.opName) ?? 0) + 1);
    // MobileNet v2: 36 + 17 convolutions in 17 inverted residual blocks, 10 of them with a residual ADD
    expect(Object.fromEntries(counts)).toEqual({ CONV_2D: 36, DEPTHWISE_CONV_2D: 17, ADD: 10, AVERAGE_POOL_2D: 1, RESHAPE: 1, SOFTMAX: 1 });
  });

  const errors: [string, () => Uint8Array, RegExp][] = [
    ['an empty file', () => new Uint8Array(0), /f\.tflite is not a TFLite model: it has only 0 bytes/],
    ['a PNG', () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /identifier is "\?\?\?\?" where a \.tflite file has "TFL3"/],
    [
      'a different FlatBuffer identifier',
      () => {
        const b = small();
        b.set([0x54, 0x46, 0x4c, 0x32], 4); // "TFL2"
        return b;
      },
      /identifier is "TFL2"/,
    ],
    ['schema version 2', () => small(2), /f\.tflite has TFLite schema version 2; only version 3 is supported/],
  ];
  it.each(errors)('rejects %s with a TfliteImportError naming the file', (_, make, message) => {
    const bytes = make();
    expect(() => readTfliteGraph(bytes, 'f.tflite')).toThrow(TfliteImportError);
    expect(() => readTfliteGraph(bytes, 'f.tflite')).toThrow(message);
  });

  it('rejects the file cut at every length as truncated, never decoding it', () => {
    const bytes = small();
    for (let n = 8; n < bytes.length; n++) {
      expect(() => readTfliteGraph(bytes.slice(0, n), 'cut.tflite'), `cut at ${n} of ${bytes.length}`).toThrow(
        /cut\.tflite is (truncated or corrupt|not a TFLite model)/,
      );
    }
  });

  it.skipIf(!hasTflite)('rejects a real model cut short at several places inside its FlatBuffer', () => {
    // These files end in a zip of label files appended after the FlatBuffer (TFLite metadata), which
    // the model does not need, so the cuts stay within the first 90 %.
    const bytes = readAsset('tflite/mobilenet_v1_0.25_128_quant.tflite');
    for (const f of [0.001, 0.1, 0.5, 0.9]) {
      const n = Math.floor(bytes.length * f);
      expect(() => readTfliteGraph(bytes.slice(0, n), 'cut.tflite'), `cut at ${n}`).toThrow(/cut\.tflite is truncated or corrupt/);
    }
  });
});

describe('withSubgraphOutput (test helper for reference runtimes)', () => {
  it('re-points the subgraph output and leaves everything else as it was', () => {
    const original = readTfliteGraph(small(), 'a.tflite');
    const patched = readTfliteGraph(withSubgraphOutput(small(), 1), 'b.tflite');
    expect(patched.outputs).toEqual([1]);
    expect(patched.tensors.map((t) => t.shape)).toEqual(original.tensors.map((t) => t.shape));
    expect(patched.operators.map((o) => o.inputs)).toEqual(original.operators.map((o) => o.inputs));
  });
});

describe('hasTfliteIdentifier', () => {
  it('looks for "TFL3" at byte 4', () => {
    expect(hasTfliteIdentifier(small())).toBe(true);
    expect(hasTfliteIdentifier(new TextEncoder().encode('xxxxTFL3'))).toBe(true);
    expect(hasTfliteIdentifier(new TextEncoder().encode('TFL3xxxx'))).toBe(false);
    expect(hasTfliteIdentifier(new Uint8Array(4))).toBe(false);
  });
});
