import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasAssets, readAsset } from '../../../test/assets';
import { useBackend } from '../../../test/backend';
import { pickImporter } from '../../models/importers';
import type { RawModel } from '../../models/types';
import { KerasH5ImportError } from './errors';
import { fixtureWeights, functionalConfig, randomArray, seeded, type LayerSpec } from './kerasFixtures';
import { kerasH5Importer, openKerasH5Blob } from './kerasH5Importer';
import { writeKerasH5, type H5Layer, type KerasH5Contents } from './kerasH5Writer';

const MOBILENET = 'models/mobilenet_v1_0.25_224';

/** The mirror's TF.js MobileNet v1 α 0.25 (Keras 2.1.4 topology) as a tfjs LayersModel. */
async function mirrorMobileNet(): Promise<{ model: tf.LayersModel; json: { modelTopology: Record<string, unknown> } }> {
  const json = JSON.parse(new TextDecoder().decode(readAsset(`${MOBILENET}/model.json`)));
  const groups = json.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const shards = groups.flatMap((g) => g.paths.map((p) => readAsset(`${MOBILENET}/${p}`)));
  const weightData = new Uint8Array(shards.reduce((a, s) => a + s.byteLength, 0));
  shards.reduce((offset, s) => (weightData.set(s, offset), offset + s.byteLength), 0);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: groups.flatMap((g) => g.weights), weightData: weightData.buffer }),
  );
  return { model, json };
}

/** Every layer of a tfjs model with its weights under their Keras names (`conv1/kernel:0`). */
function kerasLayers(model: tf.LayersModel): H5Layer[] {
  return model.layers.map((layer) => ({
    name: layer.name,
    weights: layer.weights.map((w) => ({ name: `${w.originalName}:0`, shape: w.shape as number[], data: w.read().dataSync() as Float32Array })),
  }));
}

async function expectImportError(contents: KerasH5Contents | Uint8Array, message: RegExp, name = 'bad.h5') {
  const bytes = contents instanceof Uint8Array ? contents : await writeKerasH5(contents);
  const before = tf.memory().numTensors;
  const attempt = kerasH5Importer.open({ name, bytes }, new Map());
  await expect(attempt).rejects.toBeInstanceOf(KerasH5ImportError);
  await expect(attempt).rejects.toThrow(message);
  expect(tf.memory().numTensors).toBe(before);
}

describe.skipIf(!hasAssets)('Keras .h5 MobileNet v1 α 0.25 written from the mirror', () => {
  beforeAll(() => useBackend('wasm'));

  it('gives the logits of the TF.js layers model within 1e-4, with progress, and frees every tensor', async () => {
    const { model, json } = await mirrorMobileNet();
    const topology = json.modelTopology as { model_config: object; keras_version: string };
    const bytes = await writeKerasH5({ modelConfig: topology.model_config, kerasVersion: topology.keras_version, layers: kerasLayers(model) });
    const x = tf.tensor4d(randomArray(224 * 224 * 3, seeded(7), -1, 1), [1, 224, 224, 3]);
    const reference = tf.tidy(() => {
      const logits = tf.model({ inputs: model.inputs, outputs: model.getLayer('conv_preds').output });
      return tf.reshape(logits.predict(x) as tf.Tensor, [1, 1000]);
    });
    const expected = reference.dataSync();
    reference.dispose();
    model.dispose();

    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const { raw, info } = await kerasH5Importer.open({ name: 'mobilenet_v1_0.25_224.h5', bytes }, new Map(), (f) => progress.push(f));
    expect(info).toMatchObject({ name: 'mobilenet_v1_0.25_224', format: 'keras-h5', inputSize: 224, numOutputs: 1000, classOffset: 0, logitsLayer: 'reshape_2' });
    expect(info.notes).toContain('softmax of layer "act_softmax" is turned off');
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1])).toBe(true);
    expect(progress[progress.length - 1]).toBe(1);

    const y = raw.predict(x);
    expect(y.shape).toEqual([1, 1000]);
    const actual = y.dataSync() as Float32Array;
    const worst = actual.reduce((m, a, i) => Math.max(m, Math.abs(a - expected[i])), 0);
    expect(worst).toBeLessThan(1e-4);
    // Logits, not probabilities: they do not sum to one and take both signs.
    expect(Math.abs(actual.reduce((a, b) => a + b, 0) - 1)).toBeGreaterThan(1);
    y.dispose();
    raw.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('bad Keras files', () => {
  beforeAll(() => useBackend('cpu'));

  const specs: LayerSpec[] = [
    { class_name: 'Conv2D', name: 'conv', config: { filters: 4, kernel_size: [3, 3], padding: 'same', activation: 'relu', use_bias: true }, weights: [['kernel', [3, 3, 3, 4]], ['bias', [4]]] },
    { class_name: 'GlobalAveragePooling2D', name: 'gap' },
    { class_name: 'Dense', name: 'fc', config: { units: 3, activation: 'softmax', use_bias: true }, weights: [['kernel', [4, 3]], ['bias', [3]]] },
  ];
  const config = functionalConfig([5, 5, 3], specs);
  const good = (): H5Layer[] => fixtureWeights(specs, seeded(3));
  let previous: RawModel;
  const x = () => tf.tensor4d(randomArray(75, seeded(9), 0, 1), [1, 5, 5, 3]);
  let previousOutput: Float32Array;

  beforeAll(async () => {
    // A model loaded before the failures: it must keep working after them.
    const bytes = await writeKerasH5({ modelConfig: config, layers: good(), chunkLayerNames: 1 });
    previous = (await kerasH5Importer.open({ name: 'good.h5', bytes }, new Map())).raw;
    previousOutput = tf.tidy(() => previous.predict(x()).dataSync() as Float32Array);
  });

  it('matches HDF5 by signature or .h5 name, and nothing else', () => {
    expect(kerasH5Importer.match(new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), 'model.bin')).toBe(true);
    expect(kerasH5Importer.match(new Uint8Array(8), 'vgg16_harmonized.h5')).toBe(true);
    expect(kerasH5Importer.match(new Uint8Array(8), 'model.keras')).toBe(true);
    expect(kerasH5Importer.match(new TextEncoder().encode('{"modelTopology": {}}'), 'model.json')).toBe(false);
  });

  it('is the importer the app picks for HDF5 files', () => {
    const head = new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(pickImporter(head, 'resnet50v2_harmonized.h5')).toBe(kerasH5Importer);
  });

  it('opens a Blob outside a worker by reading its bytes (no FileReaderSync here)', async () => {
    const bytes = await writeKerasH5({ modelConfig: config, layers: good() });
    const { raw } = await openKerasH5Blob(new Blob([bytes as Uint8Array<ArrayBuffer>]), 'blob.h5');
    const output = tf.tidy(() => raw.predict(x()).dataSync() as Float32Array);
    expect(Array.from(output)).toEqual(Array.from(previousOutput));
    raw.dispose();
  });

  it('refuses a file that is not HDF5', async () => {
    await expectImportError(new TextEncoder().encode('<html>Not Found</html>'), /"page.h5" is not an HDF5 file/, 'page.h5');
  });

  it('explains that a Keras 3 .keras file (a zip archive) is not supported', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]);
    await expectImportError(zip, /"model.keras" is not an HDF5 file .*A Keras 3 ".keras" file is a zip archive and is not supported/, 'model.keras');
  });

  it('refuses a truncated HDF5 file', async () => {
    const bytes = await writeKerasH5({ modelConfig: config, layers: good() });
    await expectImportError(bytes.slice(0, 200), /"cut.h5" could not be read; it looks truncated or damaged/, 'cut.h5');
  });

  it('refuses HDF5 without model_config', async () => {
    const bytes = await writeKerasH5({ layers: good() });
    await expectImportError(bytes, /"bad.h5" is HDF5 but has no model_config attribute/);
  });

  it('explains weights-only files (save_weights), the form of the ViT/ConvNeXt/LeViT/MaxViT downloads', async () => {
    await expectImportError({ layers: good(), weightsAtRoot: true }, /holds weights only \(saved with save_weights\)/);
  });

  it('refuses a model_config without weights', async () => {
    const bytes = await writeKerasH5({ modelConfig: config, layers: [] });
    await expectImportError(bytes, /layer "conv" has no weights in the file; layer "fc" has no weights in the file/);
  });

  it('names a weight that is listed but missing', async () => {
    const layers = good();
    const fc = layers[1];
    const bytes = await writeKerasH5({ modelConfig: config, layers: [layers[0], { ...fc, weights: [fc.weights[0]] }] });
    await expectImportError(bytes, /layer "fc" needs 2 weights but the file has 1 \(fc\/kernel:0\)/);
  });

  it('names a weight of the wrong shape', async () => {
    const layers = good();
    layers[0].weights[1] = { name: 'conv/bias:0', shape: [5], data: new Float32Array(5) };
    await expectImportError({ modelConfig: config, layers }, /weight "conv\/bias:0" of layer "conv" has shape \[5\] but the model needs \[4\]/);
  });

  it('names weights stored under the wrong name', async () => {
    const layers = good();
    layers[0].weights.reverse();
    await expectImportError({ modelConfig: config, layers }, /weight "conv\/bias:0" of layer "conv" sits where the model expects "kernel"/);
  });

  it('names weights for a layer the model does not have', async () => {
    const layers = [...good(), { name: 'extra', weights: [{ name: 'extra/kernel:0', shape: [1], data: new Float32Array(1) }] }];
    await expectImportError({ modelConfig: config, layers }, /weights for a layer "extra" that the model does not have/);
  });

  it('lists every unsupported layer class and loads nothing', async () => {
    const vitLike = functionalConfig([5, 5, 3], [
      { class_name: 'ClassToken', name: 'class_token' },
      { class_name: 'AddPositionEmbs', name: 'Transformer/posembed_input' },
      { class_name: 'TransformerBlock', name: 'Transformer/encoderblock_0' },
      { class_name: 'LayerNormalization', name: 'Transformer/encoder_norm', config: { axis: [2], epsilon: 1e-6 } },
      { class_name: 'Lambda', name: 'ExtractToken' },
    ]);
    await expectImportError(
      { modelConfig: vitLike, layers: [] },
      /layer classes ClassToken .*AddPositionEmbs .*TransformerBlock .*Lambda .*cannot rebuild yet/,
    );
  });

  it('refuses a model_config that is not JSON', async () => {
    await expectImportError({ modelConfig: '{"class_name": "Functional", ', layers: good() }, /model_config attribute that is not valid JSON/);
  });

  it('keeps the previously loaded model working after all of the above', () => {
    const output = tf.tidy(() => previous.predict(x()).dataSync() as Float32Array);
    expect(Array.from(output)).toEqual(Array.from(previousOutput));
    previous.dispose();
  });
});

describe('preprocessing the file states', () => {
  beforeAll(() => useBackend('cpu'));

  it('reports [0,255] input for a model that rescales pixels itself, and leaves it open otherwise', async () => {
    const head: LayerSpec[] = [
      { class_name: 'GlobalAveragePooling2D', name: 'gap' },
      { class_name: 'Dense', name: 'fc', config: { units: 2, activation: 'softmax' }, weights: [['kernel', [3, 2]], ['bias', [2]]] },
    ];
    const withRescaling: LayerSpec[] = [{ class_name: 'Rescaling', name: 'rescaling', config: { scale: 1 / 255, offset: 0 } }, ...head];
    for (const [specs, expected] of [
      [withRescaling, { normalizationName: '[0,255]', normalization: { scale: 255, mean: [0, 0, 0], std: [1, 1, 1] } }],
      [head, { normalizationName: undefined, normalization: undefined }],
    ] as const) {
      const bytes = await writeKerasH5({ modelConfig: functionalConfig([2, 2, 3], [...specs]), layers: fixtureWeights([...specs], seeded(1)) });
      const { raw, info } = await kerasH5Importer.open({ name: 'pixels.h5', bytes }, new Map());
      expect({ normalizationName: info.normalizationName, normalization: info.normalization }).toEqual(expected);
      raw.dispose();
    }
  });
});

describe('large weights', () => {
  beforeAll(() => useBackend('cpu'));

  it('reads a dataset above the slice size (17 MB) in pieces, exactly, with progress in between', async () => {
    const specs: LayerSpec[] = [
      { class_name: 'Flatten', name: 'flat' },
      { class_name: 'Dense', name: 'fc', config: { units: 2048, activation: 'linear', use_bias: true }, weights: [['kernel', [2100, 2048]], ['bias', [2048]]] },
    ];
    const layers = fixtureWeights(specs, seeded(5));
    const bytes = await writeKerasH5({ modelConfig: functionalConfig([1, 1, 2100], specs), layers });
    const progress: number[] = [];
    const { raw } = await kerasH5Importer.open({ name: 'wide.h5', bytes }, new Map(), (f) => progress.push(f));
    expect(progress.filter((p) => p > 0 && p < 1).length).toBeGreaterThanOrEqual(2);
    // One-hot inputs read single kernel rows back: rows 0, 1024 (second slice) and 2099 (last).
    const kernel = layers[0].weights[0].data as Float32Array;
    const bias = layers[0].weights[1].data as Float32Array;
    for (const row of [0, 1024, 2099]) {
      const y = tf.tidy(() => raw.predict(tf.oneHot([row], 2100).reshape([1, 1, 1, 2100]).toFloat() as tf.Tensor4D).dataSync() as Float32Array);
      const expected = Array.from({ length: 2048 }, (_, j) => kernel[row * 2048 + j] + bias[j]);
      expect(y.reduce((m, v, j) => Math.max(m, Math.abs(v - expected[j])), 0)).toBeLessThan(1e-6);
    }
    raw.dispose();
  });
});
