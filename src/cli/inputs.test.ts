import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { buildClickmeShard } from '../test/clickmeShard';
import { ASSETS_DIR, hasAssets } from '../test/assets';
import { UsageError } from './args';
import { openImages } from './images';
import { resolveModels } from './modelSpecs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-inputs-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const folders = { publicDir: path.resolve(__dirname, '..', '..', 'public'), mirror: ASSETS_DIR };

function png(file: string, value: number, side = 8, alpha = 255): void {
  const p = new PNG({ width: side, height: side });
  for (let i = 0; i < side * side; i++) p.data.set([value, value, value, alpha], i * 4);
  fs.writeFileSync(file, PNG.sync.write(p));
}

describe.runIf(hasAssets)('openImages', () => {
  const shardFile = path.join(tmp, 'val-0.tfrecords');
  fs.writeFileSync(shardFile, buildClickmeShard({ count: 4 }));

  it('expands samples, a record range and a folder into the app image ids, in order', async () => {
    const dir = path.join(tmp, 'pics');
    fs.mkdirSync(dir);
    png(path.join(dir, 'b.png'), 200);
    png(path.join(dir, 'a.png'), 100);
    png(path.join(dir, 'a_clickme.png'), 255);
    fs.writeFileSync(path.join(dir, 'labels.json'), JSON.stringify({ a: 1, b: 2 }));
    const opened = await openImages(['serre-lab_0', 'val-0.tfrecords#1-2', 'pics'], folders, tmp);
    expect(opened.ids).toEqual(['serre-lab_0', 'shard:val-0.tfrecords#1', 'shard:val-0.tfrecords#2', 'upload:pics/a.png', 'upload:pics/b.png']);
    const a = await opened.source.load('upload:pics/a.png', 4);
    expect(a.label).toBe(1);
    expect(a.pixels).toHaveLength(4 * 4 * 3);
    expect(a.pixels[0]).toBeCloseTo(100 / 255, 6);
    expect(a.heatmap?.data.length).toBe(16);
    expect((await opened.source.load('upload:pics/b.png', 4)).heatmap).toBeNull();
  });

  it('reads shard records lazily: none when opened, one a job', async () => {
    const opened = await openImages(['val-0.tfrecords'], folders, tmp);
    expect(opened.ids).toHaveLength(4);
    expect(opened.recordsRead()).toBe(0);
    const rec = await opened.source.load('shard:val-0.tfrecords#3', 32);
    expect(opened.recordsRead()).toBe(1);
    expect(rec.pixels).toHaveLength(32 * 32 * 3);
    expect(rec.heatmap?.data.length).toBe(32 * 32);
  });

  it('takes "samples" as the ClickMe samples with maps and labels', async () => {
    const opened = await openImages(['samples'], folders, tmp);
    expect(opened.ids.length).toBeGreaterThanOrEqual(4);
    expect(opened.ids.every((id) => id.startsWith('serre-lab_'))).toBe(true);
  });

  it.each([
    [['val-0.tfrecords#2-9'], /holds 4 records \(0–3\); the range 2-9 goes past its end/],
    [['val-0.tfrecords#3-1'], /ends \(1\) before it starts \(3\)/],
    [['missing.tfrecords#0-1'], /does not exist/],
    [['nope'], /neither a sample id/],
  ])('stops %j with one message', async (specs, message) => {
    await expect(openImages(specs, folders, tmp)).rejects.toThrow(UsageError);
    await expect(openImages(specs, folders, tmp)).rejects.toThrow(message);
  });

  it('refuses a file that is not a TFRecord shard', async () => {
    fs.writeFileSync(path.join(tmp, 'notes.tfrecords'), 'this is text, not records\n');
    await expect(openImages(['notes.tfrecords'], folders, tmp)).rejects.toThrow(/not a TFRecord file/);
  });

  it('leaves the class of a picture without a labels entry to the clean top-1 (null), and refuses a bad class', async () => {
    const dir = path.join(tmp, 'unlabelled');
    fs.mkdirSync(dir);
    png(path.join(dir, 'x.png'), 10);
    const opened = await openImages(['unlabelled'], folders, tmp);
    expect((await opened.source.load('upload:unlabelled/x.png', 2)).label).toBeNull();
    fs.writeFileSync(path.join(dir, 'labels.csv'), 'name,label\nx.png,1000\n');
    await expect(openImages(['unlabelled'], folders, tmp)).rejects.toThrow(/labels.csv line 2: the class of "x.png" must be an ImageNet class index 0–999/);
  });
});

describe('resolveModels', () => {
  it('gives a catalogue id as is and a path its stated facts as a #fragment', () => {
    const file = path.join(tmp, 'm.onnx');
    fs.copyFileSync(path.resolve(__dirname, '../core/importers/onnx/fixtures/imagenet.onnx'), file);
    const [cat, onnx] = resolveModels(
      [
        { spec: 'mobilenet_v1_0.25_224', facts: {} },
        { spec: 'm.onnx', facts: { norm: 'ImageNet mean/std', size: '224', timm: 'resnet18.a1_in1k' } },
      ],
      tmp,
    );
    expect(cat).toEqual({ id: 'mobilenet_v1_0.25_224', source: { kind: 'catalogue', id: 'mobilenet_v1_0.25_224' } });
    expect(onnx.id).toBe('m.onnx#norm=ImageNet+mean%2Fstd&size=224&timm=resnet18.a1_in1k');
    expect(onnx.source).toMatchObject({ kind: 'url', url: `file://${file}`, overrides: { inputSize: 224, timmName: 'resnet18.a1_in1k', normalizationName: 'ImageNet mean/std' } });
  });

  it('carries a stated resampling filter and crop_pct in the id and the overrides', () => {
    const file = path.join(tmp, 'm.onnx');
    fs.copyFileSync(path.resolve(__dirname, '../core/importers/onnx/fixtures/imagenet.onnx'), file);
    const [onnx] = resolveModels([{ spec: 'm.onnx', facts: { interp: 'bicubic', crop: '0.875' } }], tmp);
    expect(onnx.id).toBe('m.onnx#interp=bicubic&crop=0.875');
    expect(onnx.source).toMatchObject({ overrides: { interpolation: 'bicubic', cropPct: 0.875 } });
  });

  it.each([
    ['nope_model', /no model "nope_model" in the catalogue/],
    ['missing.tflite', /does not exist/],
    ['not-a-model.onnx', /named as onnx but it does not start like an ONNX ModelProto/],
    ['notes.txt', /not a model format AlignScope can open/],
    ['broken/model.json', /names weight files that are not next to it: group1-shard1of1.bin/],
  ])('stops %s with one message', (spec, message) => {
    fs.writeFileSync(path.join(tmp, 'not-a-model.onnx'), 'hello');
    fs.writeFileSync(path.join(tmp, 'notes.txt'), 'hello');
    fs.mkdirSync(path.join(tmp, 'broken'), { recursive: true });
    fs.writeFileSync(
      path.join(tmp, 'broken', 'model.json'),
      JSON.stringify({ modelTopology: { class_name: 'Sequential', config: {} }, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] }),
    );
    expect(() => resolveModels([{ spec, facts: {} }], tmp)).toThrow(UsageError);
    expect(() => resolveModels([{ spec, facts: {} }], tmp)).toThrow(message);
  });
});
