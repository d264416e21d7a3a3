import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../test/backend';
import { assetPath, hasAssets } from '../test/assets';
import { loadImageFile } from '../test/images';
import { cropResize } from '../core/image/resize';
import { ModelLoadError } from '../core/models/errors';
import { mainFile, openClassifier, userModelInfo } from './openClassifier';

const ASSET_BASE = 'http://assets.test/assets/';

/** fetch over the asset mirror: http://assets.test/assets/<rel> → mirror/<rel>; other hosts are unreachable. */
const mirrorFetch: typeof fetch = async (input) => {
  const url = new URL(String(input));
  if (url.host !== 'assets.test') throw new TypeError('fetch failed');
  const file = assetPath(decodeURIComponent(url.pathname.replace(/^\/assets\//, '')));
  if (!fs.existsSync(file)) return new Response('not found', { status: 404 });
  return new Response(new Uint8Array(fs.readFileSync(file)));
};

const modelFiles = (dir: string, skip: string[] = []) =>
  fs
    .readdirSync(assetPath(dir))
    .filter((n) => !skip.includes(n))
    .map((name) => {
      const b = fs.readFileSync(assetPath(`${dir}/${name}`));
      return { name, bytes: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer };
    });

beforeAll(async () => {
  await useBackend('wasm');
});

describe.skipIf(!hasAssets)('openClassifier on the mirror', () => {
  it('loads a catalogue model from the local assets; coffee.png is espresso (967) and nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const c = await openClassifier(
      { kind: 'catalogue', id: 'mobilenet_v1_0.25_224' },
      { assetBase: ASSET_BASE, fetchImpl: mirrorFetch, onProgress: (f) => progress.push(f) },
    );
    expect(progress.at(-1)).toBe(1);
    const img = cropResize(loadImageFile(assetPath('images/coffee.png')), 224);
    const top = tf.tidy(() => c.probs(tf.tensor4d(img.data, [1, 224, 224, 3])).argMax(1));
    expect((await top.data())[0]).toBe(967);
    top.dispose();
    c.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('opens a catalogue TFLite model through its importer: 128 px input, background class sliced off', async () => {
    const c = await openClassifier({ kind: 'catalogue', id: 'mobilenet_v1_0.25_128_quant' }, { assetBase: ASSET_BASE, fetchImpl: mirrorFetch });
    expect(c.info).toMatchObject({ inputSize: 128, numOutputs: 1001, classOffset: 1 });
    const logits = tf.tidy(() => c.logits(tf.fill([1, 128, 128, 3], 0.5) as tf.Tensor4D));
    expect(logits.shape).toEqual([1, 1000]);
    logits.dispose();
    c.dispose();
  });

  it('opens model.json with its weights given as Files or buffers; the detected facts fill the info', async () => {
    // As the app sends them: File objects (Blobs), unread; buffers work as well.
    const files = modelFiles('models/mobilenet_v1_0.25_224').map((f, i) =>
      i % 2 ? f : { name: f.name, bytes: new File([f.bytes], f.name) },
    );
    const c = await openClassifier({ kind: 'files', files }, { assetBase: ASSET_BASE });
    expect(c.info).toMatchObject({ id: 'custom:model.json', inputSize: 224, numOutputs: 1000, classOffset: 0, logitsLayer: 'conv_preds' });
    expect(c.info.normalizationName).toBe('[-1,1] (assumed)');
    c.dispose();
  });

  it('names the missing weight files', async () => {
    const files = modelFiles('models/mobilenet_v1_0.25_224', ['group3-shard1of1', 'group7-shard1of1']);
    await expect(openClassifier({ kind: 'files', files }, { assetBase: ASSET_BASE })).rejects.toThrow(
      /needs 2 weight file\(s\) that were not given: group3-shard1of1, group7-shard1of1/,
    );
  });

  it('says when a model.json is not a TF.js model', async () => {
    const bytes = new TextEncoder().encode('{"hello": "world"}').buffer as ArrayBuffer;
    await expect(openClassifier({ kind: 'files', files: [{ name: 'model.json', bytes }] }, { assetBase: ASSET_BASE })).rejects.toThrow(
      /"model.json" is not a TF.js model/,
    );
  });

  it('reports an unreachable URL as a ModelLoadError naming it', async () => {
    const err = await openClassifier(
      { kind: 'url', url: 'https://models.example/net/model.json' },
      { assetBase: ASSET_BASE, fetchImpl: mirrorFetch },
    ).catch((e) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err.message).toMatch(/Could not reach the model file at "https:\/\/models.example\/net\/model.json"/);
  });

  it('takes the weights of a shipped model.json from the official URL when the local folder lacks them', async () => {
    // A fresh clone: model.json is local (the repository ships it), the shards only at storage.googleapis.com,
    // and the local server answers missing shards with its index.html.
    const official = 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/';
    const asked: string[] = [];
    const freshClone: typeof fetch = async (input) => {
      const url = String(input);
      asked.push(url);
      if (url.startsWith(official)) return new Response(new Uint8Array(fs.readFileSync(assetPath(`models/mobilenet_v1_0.25_224/${url.slice(official.length)}`))));
      if (url.endsWith('/model.json')) return mirrorFetch(input);
      return new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } });
    };
    const c = await openClassifier({ kind: 'catalogue', id: 'mobilenet_v1_0.25_224' }, { assetBase: ASSET_BASE, fetchImpl: freshClone });
    expect(c.info.id).toBe('mobilenet_v1_0.25_224');
    expect(asked.filter((u) => u.startsWith(official))).toHaveLength(55);
    expect(asked.filter((u) => u.endsWith('model.json'))).toEqual([`${ASSET_BASE}models/mobilenet_v1_0.25_224/model.json`]);
    c.dispose();
  });

  it('falls back to the official URL when the local copy is missing, and says both failed', async () => {
    const err = await openClassifier(
      { kind: 'catalogue', id: 'mobilenet_v1_0.75_224' },
      { assetBase: 'http://assets.test/nowhere/', fetchImpl: mirrorFetch },
    ).catch((e) => e);
    expect(err.message).toMatch(/not in the local assets .* official URL https:\/\/storage.googleapis.com/);
  });
});

describe('mainFile and userModelInfo', () => {
  it('picks model.json over its shards, and a single binary model file', () => {
    expect(mainFile(['group1-shard1of2.bin', 'model.json', 'group1-shard2of2.bin'])).toBe('model.json');
    expect(mainFile(['net.tflite'])).toBe('net.tflite');
    expect(() => mainFile(['group1-shard1of1'])).toThrow(/Only weight files were given/);
    expect(() => mainFile([])).toThrow(/No model file was given/);
  });

  it('lets the user state what the file cannot say, and asks for the input size when unknown', () => {
    const info = userModelInfo('x.onnx', { format: 'onnx', numOutputs: 1001 }, { inputSize: 192, normalizationName: 'ImageNet mean/std', normalization: { scale: 1, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } });
    expect(info).toMatchObject({ inputSize: 192, classOffset: 1, format: 'onnx', normalizationName: 'ImageNet mean/std' });
    expect(() => userModelInfo('x.onnx', {})).toThrow(/does not say its input size/);
  });

  it('keeps a stated interpolation and crop_pct, says so, and refuses ones AlignScope cannot use', () => {
    expect(userModelInfo('x.onnx', { inputSize: 224 }, { cropPct: 0.9 })).toMatchObject({
      cropPct: 0.9,
      interpolation: undefined,
      preprocessingSource: 'stated in the model settings',
    });
    expect(userModelInfo('x.onnx', { inputSize: 224 }).preprocessingSource).toBeUndefined();
    expect(() => userModelInfo('x.onnx', { inputSize: 224 }, { cropPct: Number.NaN })).toThrow(/"x.onnx" gives crop_pct NaN/);
    expect(() => userModelInfo('x.onnx', { inputSize: 224 }, { interpolation: 'nearest' as 'bilinear' })).toThrow(/resampling filter "nearest"/);
  });
});
