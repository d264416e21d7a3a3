import { describe, expect, it } from 'vitest';
import { encodeExample } from '../formats/example';
import { encodeTfRecords } from '../formats/tfrecordWriter';
import type { ModelInfo } from '../models/types';
import type { ResultRecord } from '../results/types';
import { aggregateByModel } from '../results/aggregate';
import { expandImageSpecs, imageSourceOf, parseImageSpec, shardImageId } from './imageIds';
import { routedImageSource } from './imageSource';
import { jobListHash, planJobs, type BatchPlan } from './plan';
import { BatchRunner, type JobExecutor, type JobInput, type ResultSink } from './runner';
import { LazyShard } from './shardRecords';

const SIDE = 4;

/** A float32 ClickMe record (side×side): image all `v`, map a ramp, or no map at all. */
function record(label: number, v: number, withMap = true): Uint8Array {
  const f32 = (a: Float32Array) => new Uint8Array(a.buffer);
  const features: Parameters<typeof encodeExample>[0] = {
    image: { kind: 'bytes', value: [f32(new Float32Array(SIDE * SIDE * 3).fill(v))] },
    label: { kind: 'int64', value: [label] },
  };
  if (withMap) features.heatmap = { kind: 'bytes', value: [f32(Float32Array.from({ length: SIDE * SIDE }, (_, i) => i / 15))] };
  return encodeExample(features);
}

/** The bytes of a shard, read through a counting ReadRange. */
function shardOf(records: Uint8Array[], name = 'val-0.tfrecords') {
  const bytes = encodeTfRecords(records);
  const shard = new LazyShard(name, async (start, end) => bytes.slice(start, Math.min(end, bytes.length)), async () => {
    throw new Error('no JPEGs in this test');
  });
  return { shard, bytes };
}

/** A fake executor: model 'bad' does not open; top-1 is the image's first pixel × 1000; L2 = pixel. */
class FakeExecutor implements JobExecutor {
  readonly backend = 'wasm';
  loads: string[] = [];
  runs: string[] = [];
  async loadModel(modelId: string): Promise<ModelInfo> {
    this.loads.push(modelId);
    if (modelId === 'bad') throw new Error('The file "bad.onnx" is not an ONNX model: it holds no graph.');
    return { id: modelId, name: modelId, family: 'CNN', inputSize: SIDE, timmName: modelId === 'file:mine.onnx' ? 'resnet50' : undefined } as ModelInfo;
  }
  async execute(input: JobInput) {
    this.runs.push(input.imageId);
    const v = input.pixels[0];
    return {
      cleanTop1: Math.round(v * 1000),
      result: { attack: input.config.attack, success: true, l2: v, linf: v, gradEvals: input.config.steps, steps: input.config.steps },
      alignment: input.heatmap ? { mean: 0.5, max: 0.25 } : { mean: null, max: null },
    };
  }
  async cancel() {}
}

class MemorySink implements ResultSink {
  records = new Map<string, ResultRecord>();
  async storedIds(plan: BatchPlan) {
    return new Set([...this.records.values()].filter((r) => r.batchId === plan.id).map((r) => r.id));
  }
  async put(r: ResultRecord) {
    this.records.set(r.id, r);
  }
}

const plan = (models: string[], images: string[]): BatchPlan => ({
  id: 'b', createdAt: 0, protocol: 'interactive', models, images, attack: 'fmn', steps: 3, status: 'running',
});

describe('a batch over mixed sources', () => {
  it('lists jobs model-major over samples, uploads and shard records, and expands specs in order', async () => {
    const images = await expandImageSpecs(
      ['coffee', 'upload:cat.png', 'shard:https://h/val-0.tfrecords#1-2', 'samples'].map(parseImageSpec),
      { sampleIds: ['coffee', 'chelsea'], shardRecords: async () => 5 },
    );
    expect(images).toEqual(['coffee', 'upload:cat.png', 'shard:https://h/val-0.tfrecords#1', 'shard:https://h/val-0.tfrecords#2', 'chelsea']);
    const models = ['mobilenet_v1_0.25_224', 'https://h/m.onnx#norm=%5B0%2C1%5D&timm=resnet50', 'file:mine.onnx'];
    const jobs = planJobs(plan(models, images));
    expect(jobs).toHaveLength(15);
    expect(jobs.slice(4, 7).map((j) => [j.modelId, j.imageId])).toEqual([
      [models[0], 'chelsea'], [models[1], 'coffee'], [models[1], 'upload:cat.png'],
    ]);
    expect(imageSourceOf(images[2])).toEqual({ imageSource: 'https://h/val-0.tfrecords', recordIndex: 1 });
    expect(imageSourceOf('upload:cat.png')).toEqual({ imageSource: 'upload:cat.png', recordIndex: null });
    await expect(expandImageSpecs([parseImageSpec('shard:s#3-9')], { sampleIds: [], shardRecords: async () => 5 })).rejects.toThrow(
      'The shard "s" holds 5 records (0–4); the range 3-9 goes past its end.',
    );
    // With a range, a shard that can say whether its last record exists is never counted whole.
    const counted: string[] = [];
    const ranged = await expandImageSpecs([parseImageSpec('shard:s#1-2')], {
      sampleIds: [], shardRecords: async (s) => (counted.push(s), 5), shardHas: async (_s, i) => i < 5,
    });
    expect([ranged, counted]).toEqual([['shard:s#1', 'shard:s#2'], []]);
  });

  it('hashes the job list, not the batch id or time', () => {
    const a = plan(['m1', 'm2'], ['i1', 'i2']);
    expect(jobListHash(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(jobListHash({ ...a, id: "other", createdAt: 9 } as BatchPlan)).toBe(jobListHash(a));
    expect(jobListHash({ ...a, models: ['m2', 'm1'] })).not.toBe(jobListHash(a));
    expect(jobListHash({ ...a, steps: 4 })).not.toBe(jobListHash(a));
    expect(jobListHash({ ...a, seed: 1 })).not.toBe(jobListHash(a));
  });

  it('fails the jobs of a model that does not open with its message, and runs the rest', async () => {
    const ex = new FakeExecutor();
    const sink = new MemorySink();
    const samples = { sample: async (_id: string, size: number) => ({ pixels: new Float32Array(size * size * 3).fill(0.01), heatmap: null, label: 10 }) };
    const outcome = await new BatchRunner(ex, routedImageSource(samples), sink).run(plan(['bad', 'ok'], ['a', 'b']));
    expect(outcome).toBe('done');
    expect(ex.loads).toEqual(['bad', 'ok']);
    expect(ex.runs).toEqual(['a', 'b']);
    const bad = sink.records.get('b|bad|a')!;
    expect(bad).toMatchObject({ status: 'failed', message: 'The file "bad.onnx" is not an ONNX model: it holds no graph.', l2: null });
    const summaries = aggregateByModel([...sink.records.values()]);
    expect(summaries.find((s) => s.modelId === 'bad')).toMatchObject({ total: 2, jobFailed: 2, pt: { n: 0, mean: null } });
    expect(summaries.find((s) => s.modelId === 'ok')).toMatchObject({ total: 2, jobFailed: 0, pt: { n: 2 }, noHumanMap: 2 });
  });

  it('reads shard records lazily, fails a corrupt record alone and keeps a record without a map as "no human map"', async () => {
    const good = record(10, 0.01);
    const corrupt = record(20, 0.02).slice(0, 9); // a truncated Example: its own data CRC is fine, its protobuf is not
    const { shard } = shardOf([good, corrupt, record(30, 0.03, false), record(40, 0.04), record(50, 0.05)]);
    const ex = new FakeExecutor();
    const sink = new MemorySink();
    const images = [0, 1, 2].map((i) => shardImageId(shard.name, i));
    await new BatchRunner(ex, routedImageSource({ shard: async () => shard }), sink).run(plan(['m'], images));
    // 3 jobs, 3 records read (of 5), the last two never touched.
    expect(shard.recordsRead).toBeLessThanOrEqual(3);
    expect(ex.runs).toEqual([images[0], images[2]]);
    expect(sink.records.get(`b|m|${images[1]}`)).toMatchObject({ status: 'failed', recordIndex: 1, imageSource: 'val-0.tfrecords' });
    expect(sink.records.get(`b|m|${images[1]}`)!.message).toMatch(/^Record 1 of "val-0.tfrecords" is not a valid tf.train.Example/);
    expect(sink.records.get(`b|m|${images[0]}`)).toMatchObject({ status: 'done', label: 10, cleanCorrect: true, alignmentMean: 0.5, humanMap: true, recordIndex: 0 });
    expect(sink.records.get(`b|m|${images[2]}`)).toMatchObject({ status: 'done', label: 30, alignmentMean: null, humanMap: false });
    const [s] = aggregateByModel([...sink.records.values()]);
    expect(s).toMatchObject({ total: 3, jobFailed: 1, noHumanMap: 1, undefinedAlignment: 0, pt: { n: 2 }, aa: { n: 1 } });
    expect(await shard.has(4)).toBe(true);
    expect(await shard.has(5)).toBe(false);
    expect(await shard.count()).toBe(5);
    await expect(shard.load(5, SIDE)).rejects.toThrow('The ClickMe shard "val-0.tfrecords" has no record 5 (it holds 5).');
  });

  it('resumes without running a stored job again, and loads each model once per block', async () => {
    const { shard } = shardOf([record(1, 0.001), record(2, 0.002), record(3, 0.003)]);
    const images = [0, 1, 2].map((i) => shardImageId(shard.name, i));
    const p = plan(['m1', 'm2'], images);
    const sink = new MemorySink();
    const first = new FakeExecutor();
    const runner = new BatchRunner(first, routedImageSource({ shard: async () => shard }), sink);
    await runner.run(p, { onProgress: (pr) => { if (pr.done === 4 && pr.current) void runner.cancel(); } });
    expect(first.runs).toHaveLength(4);
    const second = new FakeExecutor();
    const progress: number[] = [];
    await new BatchRunner(second, routedImageSource({ shard: async () => shard }), sink).run(p, { onProgress: (pr) => progress.push(pr.done) });
    expect(second.loads).toEqual(['m2']);
    expect([...first.runs, ...second.runs].map((id, k) => `${k < 3 ? 'm1' : 'm2'}|${id}`).sort()).toEqual(
      planJobs(p).map((j) => `${j.modelId}|${j.imageId}`).sort(),
    );
    expect(progress.at(-1)).toBe(6);
    expect(shard.recordsRead).toBeLessThanOrEqual(6);
  });
});
