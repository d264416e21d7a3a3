import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { pickImporter } from '../../models/importers';
import { buildOnnxModel } from './buildModel';
import { OnnxImportError } from './errors';
import { onnxImporter, openOnnx } from './importer';
import { readOnnxModel } from './reader';
import { fixtureImage, loadFixture } from './testing';

beforeAll(() => useBackend('cpu'));

const badFile = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/bad-${name}.onnx`, import.meta.url)));

describe('onnxImporter', () => {
  const fixture = loadFixture('imagenet');

  it('opens a 1000-class classifier with ImageNet mean/std assumed and stated hints kept', async () => {
    expect(pickImporter(fixture.bytes.subarray(0, 16), 'net.onnx')).toBe(onnxImporter);
    const plain = await onnxImporter.open({ name: 'net.onnx', bytes: fixture.bytes }, new Map());
    expect(plain.info).toMatchObject({ name: 'net', format: 'onnx', inputSize: 32, numOutputs: 1000, classOffset: 0 });
    expect(plain.info.normalization).toEqual({ scale: 1, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    expect(plain.info.normalizationName).toMatch(/assumed/);
    expect(plain.raw.inputShape).toEqual([32, 32, 3]);
    plain.raw.dispose();

    const minusOneOne = { scale: 1, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } as const;
    const hinted = await onnxImporter.open({ name: 'net.onnx', bytes: fixture.bytes }, new Map(), undefined, {
      normalization: { ...minusOneOne, mean: [...minusOneOne.mean], std: [...minusOneOne.std] },
      normalizationName: '[-1,1]',
      timmName: 'resnet18.a1_in1k',
    });
    expect(hinted.info).toMatchObject({ normalizationName: '[-1,1]', timmName: 'resnet18.a1_in1k' });
    expect(hinted.info.normalization?.mean).toEqual([0.5, 0.5, 0.5]);
    hinted.raw.dispose();
  });

  it('leaves no tensors behind: predict, gradient and dispose', () => {
    const before = tf.memory().numTensors;
    const { raw } = openOnnx(fixture.bytes, 'net.onnx');
    const x = fixtureImage(fixture.input, fixture.inputDims);
    const afterLoad = tf.memory().numTensors;
    tf.dispose(raw.predict(x));
    tf.dispose(tf.grad((input) => tf.sum(raw.predict(input as tf.Tensor4D)))(x));
    expect(tf.memory().numTensors).toBe(afterLoad);
    x.dispose();
    raw.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs a file exported for batch 1 on a batch of 3, image by image', () => {
    const { raw } = openOnnx(fixture.bytes, 'net.onnx');
    const one = fixtureImage(fixture.input, fixture.inputDims);
    const three = tf.concat([one, tf.zeros(one.shape), one]);
    const out = raw.predict(three as tf.Tensor4D);
    expect(out.shape).toEqual([3, 1000]);
    const rows = out.arraySync();
    const expected = fixture.logits;
    expect(Math.max(...rows[0].map((v, i) => Math.abs(v - expected[i])))).toBeLessThan(1e-4);
    expect(rows[2]).toEqual(rows[0]);
    tf.dispose([one, three, out]);
    raw.dispose();
  });
});

describe('files the ONNX importer refuses', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['a PNG', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]), /x\.onnx is not an ONNX model/],
    ['an empty file', new Uint8Array(0), /x\.onnx is not an ONNX model: it has no IR version or no graph/],
    ['a truncated model', loadFixture('cnn').bytes.subarray(0, 3000), /x\.onnx is not an ONNX model/],
    ['unsupported operators', badFile('unsupported-ops'), /x\.onnx uses the operators GridSample, Resize, com\.microsoft\.FusedConv, which AlignScope cannot run \(supported: Abs, Add, AveragePool, /],
    ['open height and width', badFile('dynamic-size'), /x\.onnx takes input "x" of shape \[N,3,height,width\] whose height and width are not fixed/],
    ['no input shape', badFile('no-input-shape'), /x\.onnx does not state the shape of its input "x"; state the input size/],
    ['a reshape computed from pixels', badFile('runtime-shape'), /x\.onnx cannot be imported: node "Cast_\d+" \(Cast\) turns image values into integers at run time \(a shape or index computed from pixels\)/],
    ['external weights', badFile('external-data'), /x\.onnx keeps the weights of "w0" in an external data file/],
    ['a future opset', badFile('opset-30'), /x\.onnx uses ONNX opset 30; AlignScope runs opsets 7 to 23/],
    ['10 classes', badFile('ten-classes'), /x\.onnx gives 10 scores; AlignScope needs an ImageNet classifier with 1000 outputs/],
  ];

  it.each(cases)('refuses %s with a clear OnnxImportError and leaks nothing', (_, bytes, message) => {
    const before = tf.memory().numTensors;
    let error: unknown;
    try {
      openOnnx(bytes, 'x.onnx');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OnnxImportError);
    expect((error as Error).message).toMatch(message);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(['dynamic-size', 'no-input-shape'])('resolves the open image size of %s from a stated input size', (name) => {
    const { raw } = buildOnnxModel(readOnnxModel(badFile(name), 'x.onnx'), { inputSize: 6 });
    expect(raw.inputShape).toEqual([6, 6, 3]);
    expect(raw.numOutputs).toBe(2);
    raw.dispose();
  });
});
