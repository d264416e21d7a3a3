import { PNG } from 'pngjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { openUploadStore, type UploadStore } from '../storage/uploadStore';
import { useBackend } from '../../test/backend';
import { decodeImageBytes } from '../../test/images';
import { closeChannels, connect, toyClassifier } from '../../worker/testing';
import type { ModelSource } from '../../worker/protocol';
import { EMPTY_FIELDS, urlModelId } from '../../core/models/modelId';
import { DEFAULT_SAMPLE_ID, SessionController, type SampleRef, type SessionControllerDeps } from './sessionController';
import { cropResize } from '../../core/image/resize';
import { sessionStore } from './sessionStore';

const SIZE = 4;

/** A PNG of one flat colour, made in code. */
function flatPng(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([...rgb, 255], i * 4);
  return new Uint8Array(PNG.sync.write(png));
}

/** A width×height PNG whose colour at column x is colour(x / (width − 1)). */
function gradientPng(width: number, height: number, colour: (t: number) => [number, number, number]): Uint8Array {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) png.data.set([...colour(x / (width - 1)), 255], (y * width + x) * 4);
  return new Uint8Array(PNG.sync.write(png));
}

const FILES: Record<string, Uint8Array> = {
  '/s/grey.png': flatPng(8, 6, [128, 128, 128]),
  '/s/grey_map.png': flatPng(8, 6, [51, 51, 51]),
  '/s/white.png': flatPng(6, 6, [255, 255, 255]),
};

const SAMPLES: SampleRef[] = [
  { id: 'grey', name: 'Grey', kind: 'clickme', imageUrl: '/s/grey.png', heatmapUrl: '/s/grey_map.png', label: 999 },
  { id: 'white', name: 'White', kind: 'photo', imageUrl: '/s/white.png' },
];

const fakeFetch: typeof fetch = async (input) => {
  const bytes = FILES[String(input)];
  return bytes ? new Response(bytes as BlobPart, { headers: { 'content-type': 'image/png' } }) : new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } });
};

function setup(uploads?: () => Promise<UploadStore>, hostDeps: Parameters<typeof connect>[0] = {}, extra: Partial<SessionControllerDeps> = {}) {
  const { client } = connect(hostDeps, SIZE);
  const urls: Record<string, string | null>[] = [];
  const controller = new SessionController({
    client,
    samples: async () => SAMPLES,
    defaultModelId: 'up',
    fetchImpl: fakeFetch,
    decode: async (blob, channels, name) => decodeImageBytes(new Uint8Array(await blob.arrayBuffer()), channels, name),
    writeUrl: (u) => urls.push(u as Record<string, string | null>),
    uploads,
    ...extra,
  });
  return { controller, urls };
}

const file = (bytes: Uint8Array | string, name: string) => new File([bytes as BlobPart], name, { type: 'image/png' });

beforeAll(() => useBackend('cpu'));
beforeEach(() => sessionStore.getState().reset());
afterEach(closeChannels);

describe('SessionController', () => {
  it('starts: backend, default model, first sample cropped to the model size with its map, predictions', async () => {
    const { controller, urls } = setup();
    await controller.start({});
    const s = sessionStore.getState();
    expect(s.status?.backend).toBe('cpu');
    expect(s.modelInfo?.id).toBe('up');
    expect(s.image?.id).toBe('grey');
    expect(s.modelInput?.size).toBe(SIZE);
    // flat 128/255 grey stays flat through crop and bilinear resize; the map likewise at 51/255 = 0.2
    expect(s.modelInput!.pixels).toHaveLength(SIZE * SIZE * 3);
    s.modelInput!.pixels.forEach((v) => expect(v).toBeCloseTo(128 / 255, 6));
    s.modelInput!.heatmap!.forEach((v) => expect(v).toBeCloseTo(0.2, 6));
    expect(s.predictions?.[0].classIndex).toBe(999);
    expect(s.error).toBeNull();
    expect(urls).toContainEqual({ model: 'up' });
    expect(urls).toContainEqual({ image: 'grey' });
  });

  it('opens the default sample when the address names no image and the gallery has it', async () => {
    const withDefault: SampleRef[] = [...SAMPLES, { ...SAMPLES[1], id: DEFAULT_SAMPLE_ID, name: 'Default' }];
    const { controller } = setup(undefined, {}, { samples: async () => withDefault });
    await controller.start({});
    expect(sessionStore.getState().image?.id).toBe(DEFAULT_SAMPLE_ID);
  });

  it("crops with the model's completed preprocessing (interpolation, crop_pct) and keeps it with the input", async () => {
    const fillPreprocessing: SessionControllerDeps['fillPreprocessing'] = async (info) => ({
      ...info, interpolation: 'bicubic', cropPct: 0.5, preprocessingSource: 'filled in the test',
    });
    const { controller } = setup(undefined, {}, { fillPreprocessing });
    await controller.start({});
    await controller.uploadImage(file(gradientPng(10, 6, (t) => [255 * t, 128, 255 * (1 - t)]), 'ramp.png'));
    const s = sessionStore.getState();
    expect(s.modelInfo).toMatchObject({ interpolation: 'bicubic', cropPct: 0.5 });
    expect(s.modelInput!.preprocessing).toMatchObject({ inputSize: SIZE, interpolation: 'bicubic', cropPct: 0.5, source: 'filled in the test' });
    const expected = cropResize(s.image!.image, SIZE, { interpolation: 'bicubic', cropPct: 0.5 }).data;
    expect(Array.from(s.modelInput!.pixels)).toEqual(Array.from(expected));
    expect(Array.from(s.modelInput!.pixels)).not.toEqual(Array.from(cropResize(s.image!.image, SIZE).data));
  });

  it('follows the URL parameters and says when a sample id is unknown', async () => {
    const { controller } = setup();
    await controller.start({ model: 'down', image: 'white', backend: 'wasm' });
    let s = sessionStore.getState();
    expect([s.modelInfo?.id, s.image?.id, s.status?.backend, s.forcedBackend]).toEqual(['down', 'white', 'wasm', 'wasm']);
    expect(s.predictions?.[0].classIndex).toBe(0);
    sessionStore.getState().reset();
    await setup().controller.start({ image: 'nope', badBackend: 'cuda' });
    s = sessionStore.getState();
    expect(s.error?.message).toMatch(/no sample image "nope"; showing "Grey" instead/);
    expect(s.notices[0]).toMatch(/backend "cuda", which is not one of webgpu, webgl, wasm, cpu/);
    expect(s.image?.id).toBe('grey');
  });

  it('a catalogue model that cannot load at start still leaves the first sample on screen', async () => {
    const { controller } = setup();
    await controller.start({ model: 'broken' });
    const s = sessionStore.getState();
    expect(s.error?.code).toBe('model-load');
    expect(s.modelInfo).toBeNull();
    expect(s.image?.id).toBe('grey');
    expect(s.predictions).toBeNull();
  });

  it('a corrupt upload shows an error naming the file and keeps the previous image and predictions', async () => {
    const { controller } = setup();
    await controller.start({});
    const before = sessionStore.getState();
    await controller.uploadImage(file('not a picture at all', 'broken.png'));
    const after = sessionStore.getState();
    expect(after.error?.message).toMatch(/"broken.png"/);
    expect(after.image).toBe(before.image);
    expect(after.modelInput).toBe(before.modelInput);
    expect(after.predictions).toBe(before.predictions);
  });

  it('a good upload replaces the image; a heatmap of other proportions is refused, a matching one is used', async () => {
    const { controller } = setup();
    await controller.start({});
    await controller.uploadImage(file(flatPng(10, 5, [255, 0, 0]), 'red.png'));
    let s = sessionStore.getState();
    expect(s.image).toMatchObject({ id: 'upload:red.png', kind: 'upload' });
    expect(Array.from(s.modelInput!.pixels.slice(0, 3))).toEqual([1, 0, 0]);
    expect(s.modelInput!.heatmap).toBeUndefined();

    await controller.uploadHeatmap(file(flatPng(6, 6, [255, 255, 255]), 'square.png'));
    s = sessionStore.getState();
    expect(s.error?.message).toMatch(/heatmap "square.png" is 6×6 but the image is 10×5/);
    expect(s.modelInput!.heatmap).toBeUndefined();

    await controller.uploadHeatmap(file(flatPng(20, 10, [255, 255, 255]), 'map.png'));
    s = sessionStore.getState();
    expect(s.image?.heatmapOrigin).toBe('user');
    expect(Array.from(s.modelInput!.heatmap!)).toEqual(new Array(SIZE * SIZE).fill(1));
  });

  it('a colour-mapped heatmap is read through its colour map, and the session says so', async () => {
    const { controller } = setup();
    await controller.start({});
    await controller.uploadImage(file(flatPng(8, 8, [0, 0, 255]), 'blue.png'));
    // MATLAB's jet over [0.2, 0.8], where every colour is distinct: importance grows left to right.
    const jet = (t: number) =>
      [4, 4, 4].map((k, c) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(k * (0.2 + 0.6 * t) - 3 + c))))) as [number, number, number];
    await controller.uploadHeatmap(file(gradientPng(8, 8, jet), 'jet.png'));
    const s = sessionStore.getState();
    expect(s.error).toBeNull();
    expect(s.image?.heatmapReading).toMatch(/^the jet colour map/);
    const row = Array.from(s.modelInput!.heatmap!.slice(0, SIZE));
    for (let i = 1; i < SIZE; i++) expect(row[i]).toBeGreaterThan(row[i - 1]);
    expect(row[0]).toBeGreaterThan(0.15);
    expect(row[SIZE - 1]).toBeLessThan(0.85);
  });

  it('an uploaded image and its map come back after a reload; one this browser does not hold is named in the error', async () => {
    const factory = new IDBFactory();
    const before = setup(() => openUploadStore(factory));
    await before.controller.start({});
    await before.controller.uploadImage(file(flatPng(10, 5, [255, 0, 0]), 'red.png'));
    await before.controller.uploadHeatmap(file(flatPng(20, 10, [51, 51, 51]), 'map.png'));
    expect(before.urls).toContainEqual({ image: 'upload:red.png' });

    sessionStore.getState().reset();
    const after = setup(() => openUploadStore(factory));
    await after.controller.start({ image: 'upload:red.png' });
    let s = sessionStore.getState();
    expect(s.error).toBeNull();
    expect(s.image).toMatchObject({ id: 'upload:red.png', name: 'red.png', kind: 'upload', heatmapOrigin: 'user', heatmapReading: 'gray levels (white = important)' });
    expect(Array.from(s.modelInput!.pixels.slice(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(s.modelInput!.heatmap!)).toEqual(new Array(SIZE * SIZE).fill(Math.fround(51 / 255)));

    sessionStore.getState().reset();
    await setup(() => openUploadStore(factory)).controller.start({ image: 'upload:gone.png' });
    s = sessionStore.getState();
    expect(s.error?.message).toBe(`The uploaded image "gone.png" is not stored in this browser (upload it again to go on); showing "${SAMPLES[0].name}" instead.`);
    expect(s.image?.id).toBe(SAMPLES[0].id);
  });

  it('an upload still works where storage fails, with a notice that it will not be kept', async () => {
    const { controller } = setup(() => openUploadStore(null));
    await controller.start({});
    await controller.uploadImage(file(flatPng(10, 5, [255, 0, 0]), 'red.png'));
    const s = sessionStore.getState();
    expect(s.error).toBeNull();
    expect(s.image?.id).toBe('upload:red.png');
    expect(s.notices).toContain('This browser gives AlignScope no IndexedDB, so uploaded pictures are not kept across reloads.');
  });

  it('a model from a URL goes into the address with what the user stated, and that address loads it again', async () => {
    const sources: ModelSource[] = [];
    const loadClassifier = async (source: ModelSource) => {
      sources.push(source);
      return toyClassifier(source.kind === 'catalogue' ? source.id : 'from-url', 1, SIZE);
    };
    const first = setup(undefined, { loadClassifier });
    await first.controller.start({});
    const fields = { ...EMPTY_FIELDS, normalization: 'ImageNet mean/std', classes: '1001' } as const;
    await first.controller.loadModelFromUrl('https://models.example/net/model.onnx', fields);
    const id = urlModelId('https://models.example/net/model.onnx', fields);
    expect(sessionStore.getState().modelId).toBe(id);
    expect(first.urls[first.urls.length - 1]).toEqual({ model: id });

    sessionStore.getState().reset();
    sources.length = 0;
    await setup(undefined, { loadClassifier }).controller.start({ model: id });
    expect(sources).toEqual([
      {
        kind: 'url',
        url: 'https://models.example/net/model.onnx',
        overrides: {
          normalization: { scale: 1, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
          normalizationName: 'ImageNet mean/std',
          numOutputs: 1001,
          classOffset: 1,
        },
      },
    ]);
    expect(sessionStore.getState().modelId).toBe(id);
  });

  it('a model that fails to load leaves the previous one working; switching models changes the predictions', async () => {
    const { controller } = setup();
    await controller.start({});
    await controller.selectCatalogueModel('broken');
    let s = sessionStore.getState();
    expect(s.error?.code).toBe('model-load');
    expect(s.modelInfo?.id).toBe('up');
    expect(s.modelLoading).toBeNull();
    await controller.selectCatalogueModel('down');
    s = sessionStore.getState();
    expect(s.modelInfo?.id).toBe('down');
    expect(s.predictions?.[0].classIndex).toBe(0);
  });

  it('offline, a catalogue model that cannot load is named as not stored on this device', async () => {
    let offline = false;
    const { controller } = setup(undefined, {}, { isOffline: () => offline });
    await controller.start({});
    offline = true;
    await controller.selectCatalogueModel('broken');
    const s = sessionStore.getState();
    expect(s.error?.message).toMatch(/^You are offline, and the model "broken" is not stored on this device .*"Keep offline"/);
    expect(s.error?.code).toBe('model-load');
    expect(s.modelInfo?.id).toBe('up');
  });

  it('opens an image from elsewhere with its map, and refuses a map with colour channels', async () => {
    const { controller } = setup();
    await controller.start({});
    const image = { width: 2, height: 2, channels: 3, data: new Float32Array(12).fill(1) };
    const heatmap = { width: 2, height: 2, channels: 1, data: new Float32Array([0, 1, 1, 0]) };
    await controller.openImage({ id: 'tfrecord:7', name: 'record 7', kind: 'clickme', displayUrl: '', image, heatmap, heatmapOrigin: 'clickme', label: 3 });
    let s = sessionStore.getState();
    expect(s.image?.id).toBe('tfrecord:7');
    expect(s.modelInput?.heatmap).toHaveLength(SIZE * SIZE);
    // 2×2 → 4×4 bilinear with half-pixel centres: row 0 is [0, .25, .75, 1]
    expect(Array.from(s.modelInput!.heatmap!.slice(0, 4))).toEqual([0, 0.25, 0.75, 1]);
    await controller.setHeatmap(image, 'rgb.png');
    s = sessionStore.getState();
    expect(s.error?.message).toMatch(/heatmap "rgb.png" must have one channel, not 3/);
  });

  it('reports a sample missing on the server (an SPA index.html) as such', async () => {
    const { controller } = setup();
    await controller.start({});
    await controller.selectSample({ id: 'gone', name: 'Gone', kind: 'photo', imageUrl: '/s/gone.png' });
    expect(sessionStore.getState().error?.message).toMatch(/picture at "\/s\/gone.png" is not on the server/);
    expect(sessionStore.getState().image?.id).toBe('grey');
  });
});
