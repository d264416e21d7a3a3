import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../test/backend';
import { hasAssets } from '../../test/assets';
import { readMirrorModelFiles } from '../../test/models';
import { ModelLoadError } from './errors';
import { pickImporter } from './importers';
import { layersImporter, loadLayersFromUrl, openLayersModel } from './layersImporter';

type Files = { main: { name: string; bytes: Uint8Array }; files: Map<string, Uint8Array> };
const L = tf.layers;
const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

/** A tfjs model saved the way the converter writes it: model.json plus one weight file. */
async function asFiles(model: tf.LayersModel): Promise<Files> {
  let artifacts!: tf.io.ModelArtifacts;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const json = {
    format: 'layers-model',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs }],
  };
  return {
    main: { name: 'model.json', bytes: enc(json) },
    files: new Map([['weights.bin', new Uint8Array(artifacts.weightData as ArrayBuffer)]]),
  };
}

/** A 2×2 RGB classifier: GAP → Dense(units) with a final softmax activation layer. */
function tinyClassifier(units: number, softmaxInDense = false): tf.LayersModel {
  const input = tf.input({ shape: [2, 2, 3] });
  const pooled = L.globalAveragePooling2d({}).apply(input) as tf.SymbolicTensor;
  const fc = L.dense({ units, name: 'fc', activation: softmaxInDense ? 'softmax' : 'linear' }).apply(pooled) as tf.SymbolicTensor;
  const out = softmaxInDense ? fc : (L.activation({ activation: 'softmax', name: 'probs' }).apply(fc) as tf.SymbolicTensor);
  return tf.model({ inputs: input, outputs: out });
}

/** A fetch that serves a map of URL → bytes, answers 404 otherwise, and throws for unreachable hosts. */
function fakeFetch(served: Map<string, Uint8Array>): typeof fetch {
  return (async (url: string) => {
    if (url.startsWith('https://offline.example/')) throw new TypeError('fetch failed');
    const body = served.get(url);
    return body ? new Response(body.slice().buffer) : new Response('not found', { status: 404 });
  }) as typeof fetch;
}

beforeAll(() => useBackend('cpu'));

describe('openLayersModel', () => {
  it('opens a 1001-class model, takes logits before the softmax and reports the background offset', async () => {
    const model = tinyClassifier(1001);
    const { main, files } = await asFiles(model);
    const before = tf.memory().numTensors;
    const { raw, info } = await openLayersModel(main, files);
    expect(info).toEqual({ format: 'tfjs-layers', inputSize: 2, numOutputs: 1001, classOffset: 1, logitsLayer: 'fc' });
    const x = tf.randomUniform([1, 2, 2, 3]) as tf.Tensor4D;
    const fc = tf.model({ inputs: model.inputs, outputs: model.getLayer('fc').output as tf.SymbolicTensor });
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(raw.predict(x), fc.predict(x) as tf.Tensor))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    x.dispose();
    raw.dispose();
    expect(tf.memory().numTensors).toBe(before); // the importer's own layers model is gone too
  });

  it('takes a Dense layer with a softmax activation as the logits layer and drops the softmax', async () => {
    const { main, files } = await asFiles(tinyClassifier(1000, true));
    const { raw, info } = await openLayersModel(main, files);
    expect(info.logitsLayer).toBe('fc');
    const sum = tf.tidy(() => tf.sum(raw.predict(tf.ones([1, 2, 2, 3]))).dataSync()[0]);
    expect(Math.abs(sum - 1)).toBeGreaterThan(1e-3); // not probabilities
    raw.dispose();
  });

  it.skipIf(!hasAssets)('detects conv_preds as the logits layer of the Keras MobileNet', async () => {
    const { main, files } = readMirrorModelFiles('models/mobilenet_v1_0.25_224');
    const { raw, info } = await layersImporter.open(main, files);
    expect(info).toMatchObject({ logitsLayer: 'conv_preds', inputSize: 224, numOutputs: 1000, classOffset: 0 });
    raw.dispose();
  });
});

describe('layers importer errors', () => {
  const graphModel = { format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] };
  const bad: [string, Uint8Array, RegExp][] = [
    ['not JSON', enc('\x89PNG not json'), /^The file "model.json" is not valid JSON, so it is not a TF.js model.json.$/],
    ['JSON without a model', enc({ labels: ['cat'] }), /is not a TF.js model: a model.json needs "modelTopology" and "weightsManifest"/],
    ['a graph model', enc(graphModel), /is a TF.js graph model. Graph models are not supported yet: .*has no layers/],
  ];
  it.each(bad)('%s', async (_what, bytes, message) => {
    await expect(openLayersModel({ name: 'model.json', bytes }, new Map())).rejects.toThrow(message);
    await expect(openLayersModel({ name: 'model.json', bytes }, new Map())).rejects.toBeInstanceOf(ModelLoadError);
  });

  it('names every missing weight file', async () => {
    const { main } = await asFiles(tinyClassifier(1000));
    await expect(openLayersModel(main, new Map())).rejects.toThrow(
      'The model "model.json" needs 1 weight file(s) that were not given: weights.bin. Select model.json together with all its weight files.',
    );
  });

  it('says so when a weight file is shorter than the manifest needs', async () => {
    const { main, files } = await asFiles(tinyClassifier(1000));
    const cut = new Map([['weights.bin', files.get('weights.bin')!.slice(0, 100)]]);
    await expect(openLayersModel(main, cut)).rejects.toThrow(/^The model "model.json" could not be built by TF.js: /);
  });

  it('names a layer class TF.js does not know', async () => {
    const { main, files } = await asFiles(tinyClassifier(1000));
    const json = JSON.parse(new TextDecoder().decode(main.bytes));
    const layers = (json.modelTopology.model_config ?? json.modelTopology).config.layers;
    layers[1].class_name = 'FancyPool';
    await expect(openLayersModel({ name: 'model.json', bytes: enc(json) }, files)).rejects.toThrow(
      /^The model "model.json" could not be built by TF.js: .*FancyPool/,
    );
  });

  it('refuses an output that is not a class vector', async () => {
    const { main, files } = await asFiles(tinyClassifier(5));
    await expect(openLayersModel(main, files)).rejects.toThrow(
      /gives 5 values at layer "fc", not a class vector of 1000 ImageNet classes \(or 1001 with a background class\)/,
    );
  });

  it('lists the candidate layers when the stated logits layer does not exist', async () => {
    const { main, files } = await asFiles(tinyClassifier(1000));
    await expect(openLayersModel(main, files, { logitsLayer: 'conv_preds' })).rejects.toThrow(
      'The model "model.json" has no layer named "conv_preds" to take logits from. Layers with a class-vector output: fc, probs.',
    );
  });

  it('names the layer classes the engine cannot differentiate', async () => {
    const input = tf.input({ shape: [2, 2, 3] });
    const up = L.upSampling2d({}).apply(input) as tf.SymbolicTensor;
    const flat = L.flatten().apply(up) as tf.SymbolicTensor;
    const { main, files } = await asFiles(tf.model({ inputs: input, outputs: L.dense({ units: 1000 }).apply(flat) as tf.SymbolicTensor }));
    await expect(openLayersModel(main, files)).rejects.toThrow(/The model "model.json" cannot be used: .*UpSampling2D/);
  });
});

describe('loadLayersFromUrl', () => {
  it('fetches model.json and its weights next to it, reporting progress up to 1', async () => {
    const { main, files } = await asFiles(tinyClassifier(1000));
    const served = new Map([
      ['https://models.example/m/model.json', main.bytes],
      ['https://models.example/m/weights.bin', files.get('weights.bin')!],
    ]);
    const progress: number[] = [];
    const { raw, info } = await loadLayersFromUrl('https://models.example/m/model.json', fakeFetch(served), undefined, (f) =>
      progress.push(f),
    );
    expect(info.numOutputs).toBe(1000);
    expect(progress).toEqual([0.5, 1]);
    raw.dispose();
  });

  it('says when the address cannot be reached', async () => {
    await expect(loadLayersFromUrl('https://offline.example/model.json', fakeFetch(new Map()))).rejects.toThrow(
      'Could not reach the model file at "https://offline.example/model.json" (fetch failed). Check the address and the network.',
    );
  });

  it('names a weight file the server does not have', async () => {
    const { main } = await asFiles(tinyClassifier(1000));
    const served = new Map([['https://models.example/m/model.json', main.bytes]]);
    await expect(loadLayersFromUrl('https://models.example/m/model.json', fakeFetch(served))).rejects.toThrow(
      'The server answered 404 for the weight file "weights.bin" of model.json at "https://models.example/m/weights.bin".',
    );
  });
});

describe('pickImporter', () => {
  it('gives model.json files to the layers importer', () => {
    expect(pickImporter(enc('{"modelTopology": {}}'), 'model.json')).toBe(layersImporter);
    expect(pickImporter(enc('  {"a": 1}'), 'download')).toBe(layersImporter);
  });

  it('names a file no importer can open', () => {
    expect(() => pickImporter(new Uint8Array([0x89, 0x48, 0x44, 0x46]), 'weights.bin')).toThrow(
      /^The file "weights.bin" is not a model format AlignScope can open \(tfjs-layers.*\)\.$/,
    );
  });
});
