import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttackConfig, RunResult } from '../../core/attacks/types';
import type { StepAlignment } from '../../core/metrics/stepAligner';
import type { ModelInfo } from '../../core/models/types';
import type { BatchPlan } from '../../core/batch/plan';
import { openResultsStore, type ResultsStore } from '../storage/resultsStore';
import { WorkerRequestError } from '../../worker/client';
import { BatchRunner, minMaxScale, type BatchImage } from '../../core/batch/runner';
import { routedImageSource } from '../../core/batch/imageSource';
import { WorkerJobExecutor, type BatchWorker } from '../../worker/batchExecutor';
import { storeSink } from './batchController';

const SIZE = 4;
const ramp = Float32Array.from({ length: SIZE * SIZE }, (_, i) => i / 15);

/**
 * δ whose channel mean is +ramp (ρ = 1 with the map) or −ramp reversed in rank (ρ = −1), if anyone
 * on the main thread computed it. The fake worker answers other numbers, so the tests see whose
 * alignment is stored.
 */
function delta(sign: 1 | -1): Float32Array {
  const d = new Float32Array(SIZE * SIZE * 3);
  for (let i = 0; i < SIZE * SIZE; i++) d.fill(sign === 1 ? ramp[i] * 0.01 : (1 - ramp[i]) * 0.01, i * 3, i * 3 + 3);
  return d;
}

interface Call { type: string; arg?: unknown }

/** The fake worker's alignment of each image's best δ: deliberately not ±1. */
const WORKER_ALIGNMENT: Record<string, StepAlignment> = { fwd: { mean: 0.625, max: 0.5 }, rev: { mean: -0.375, max: -0.25 } };
const UNDEFINED: StepAlignment = { mean: null, max: null };

/** A worker that answers like the real one, with scripted predictions and results. */
class FakeWorker implements BatchWorker {
  calls: Call[] = [];
  failOnAttack = -1;
  hangOnAttack = -1;
  private attacks = 0;
  private image = '';
  private hang: ((e: Error) => void) | null = null;
  constructor(private readonly predicted: Record<string, number>) {}
  async loadModel(source: { kind: string; id?: string }): Promise<ModelInfo> {
    this.calls.push({ type: 'loadModel', arg: source.id });
    return { id: source.id!, name: source.id!, family: 'MobileNet v1', inputSize: SIZE } as ModelInfo;
  }
  sent: Float32Array[] = [];
  async setImage(p: Float32Array, _s: number, _h?: Float32Array, imageId?: string) {
    this.image = imageId ?? '';
    this.sent.push(p);
  }
  async predict() {
    return [{ classIndex: this.predicted[this.image], prob: 0.9, logit: 5 }];
  }
  /** The human maps the attacks were sent, in order. */
  maps: (Float32Array | undefined)[] = [];
  startAttack(config: AttackConfig, _onStep: undefined, humanMap?: Float32Array) {
    const n = this.attacks++;
    const image = this.image;
    this.calls.push({ type: 'attack', arg: config });
    this.maps.push(humanMap);
    const runId = 100 + n;
    const success = image !== 'hard';
    const result =
      n === this.hangOnAttack
        ? new Promise<RunResult>((_, reject) => (this.hang = reject))
        : n === this.failOnAttack
          ? Promise.reject(new Error('The GPU device was lost.'))
          : Promise.resolve({
              attack: config.attack, readout: config.readout, label: config.label!, success,
              bestDelta: success ? { data: delta(image === 'rev' ? -1 : 1), height: SIZE, width: SIZE, channels: 3, full: true } : null,
              l2: success ? 0.25 : null, linf: success ? 0.01 : null, advClass: 7, advImagenetClass: 7,
              gradEvals: config.steps, steps: config.steps, wallMs: 5,
            } as RunResult);
    // As the real client: settles with the result; null without a best δ, nulls without a map.
    const resultAlignment = result.then((r) => (r.bestDelta ? (humanMap ? WORKER_ALIGNMENT[image] : UNDEFINED) : null));
    resultAlignment.catch(() => {});
    return { runId, result, resultAlignment };
  }
  async cancel(runId: number) {
    this.calls.push({ type: 'cancel', arg: runId });
    this.hang?.(new WorkerRequestError('The attack was cancelled.', 'cancelled', runId));
  }
}

const samples: Record<string, number> = { fwd: 10, rev: 500, hard: 10, nomap: 10 };
const loadSample = async (id: string): Promise<BatchImage> => ({
  pixels: Float32Array.from({ length: SIZE * SIZE * 3 }, (_, i) => 0.25 + (i % 3) * 0.25),
  heatmap: id === 'nomap' ? null : { width: SIZE, height: SIZE, channels: 1, data: ramp },
  label: samples[id],
});

const plan = (over: Partial<BatchPlan> = {}): BatchPlan => ({
  id: 'b', createdAt: 0, protocol: 'interactive', models: ['m1', 'm2'], images: ['fwd', 'rev'],
  attack: 'fmn', steps: 3, status: 'running', ...over,
});

const stores: ResultsStore[] = [];
async function store(factory = new IDBFactory()) {
  const s = await openResultsStore({ factory, name: 'batch' });
  stores.push(s);
  return s;
}
afterEach(() => stores.splice(0).forEach((s) => s.close()));

const runner = (worker: BatchWorker, s: ResultsStore, backend: string) =>
  new BatchRunner(new WorkerJobExecutor(worker, backend, async (id) => ({ kind: 'catalogue', id })), routedImageSource({ sample: loadSample }), storeSink(s));

describe('BatchRunner in the app (worker executor, results store)', () => {
  it('runs models × images, loads each model once, and stores every result with its protocol', async () => {
    const s = await store();
    const worker = new FakeWorker({ fwd: 10, rev: 500 });
    const progress: number[] = [];
    const outcome = await runner(worker, s, 'webgpu').run(plan(), { onProgress: (p) => progress.push(p.done) });
    expect(outcome).toBe('done');
    expect(worker.calls.filter((c) => c.type === 'loadModel').map((c) => c.arg)).toEqual(['m1', 'm2']);
    const configs = worker.calls.filter((c) => c.type === 'attack').map((c) => c.arg as AttackConfig);
    expect(configs.map((c) => [c.attack, c.steps, c.readout, c.label, c.protocol])).toEqual(
      Array(2).fill([['fmn', 3, '1000-class', 10, 'interactive'], ['fmn', 3, '1000-class', 500, 'interactive']]).flat(),
    );
    const results = await s.listResults();
    expect(results).toHaveLength(4);
    const fwd = results.find((r) => r.id === 'b|m1|fwd')!;
    expect(fwd).toMatchObject({ cleanCorrect: true, success: true, l2: 0.25, backend: 'webgpu', protocol: 'interactive' });
    // The worker's alignment of the best δ is what is stored.
    expect(fwd).toMatchObject({ alignmentMean: 0.625, alignmentMax: 0.5 });
    expect(results.find((r) => r.id === 'b|m2|rev')).toMatchObject({ alignmentMean: -0.375, alignmentMax: -0.25 });
    // Each attack was sent a copy of its sample's map (the worker takes ownership of what it is sent).
    expect(worker.maps).toHaveLength(4);
    for (const map of worker.maps) {
      expect(Array.from(map!)).toEqual(Array.from(ramp));
      expect(map).not.toBe(ramp);
    }
    expect(progress.at(-1)).toBe(4);
    expect((await s.listBatches())[0].status).toBe('done');
  });

  it('judges clean correctness under the binary read-out by group', async () => {
    const s = await store();
    // true class 10 (animate), predicted 20 (also animate): correct for the binary read-out
    const worker = new FakeWorker({ fwd: 20 });
    await runner(worker, s, 'wasm').run(
      plan({ protocol: '2025-published', models: ['m1'], images: ['fwd'] }),
    );
    const [r] = await s.listResults();
    expect(r).toMatchObject({ cleanPrediction: 0, cleanCorrect: true, protocol: '2025-published', attack: 'fmn-as-published' });
    expect((worker.calls[1].arg as AttackConfig).readout).toBe('binary');
    // pixels 0.25/0.5/0.75 min–max scaled to 0/0.5/1, as the 2025 follow-up did
    expect([...worker.sent[0].slice(0, 3)]).toEqual([0, 0.5, 1]);
  });

  it('sends the interactive protocol the image as it is, and the binary read-out counts a wrong group', async () => {
    const s = await store();
    const worker = new FakeWorker({ fwd: 500 });
    await runner(worker, s, 'wasm').run(
      plan({ protocol: '2025-corrected', models: ['m1'], images: ['fwd'] }),
    );
    expect((await s.listResults())[0]).toMatchObject({ cleanPrediction: 1, cleanCorrect: false });
    expect(minMaxScale(new Float32Array([0.3, 0.3]))).toEqual(new Float32Array([0.3, 0.3]));
    const w2 = new FakeWorker({ fwd: 10 });
    await runner(w2, await store(), 'wasm').run(plan({ models: ['m1'], images: ['fwd'] }));
    expect([...w2.sent[0].slice(0, 3)]).toEqual([0.25, 0.5, 0.75]);
  });

  it('resumes after a crash with only the jobs that have no stored result', async () => {
    const factory = new IDBFactory();
    const first = new FakeWorker({ fwd: 10, rev: 500 });
    first.failOnAttack = 2;
    await expect(runner(first, await store(factory), 'webgpu').run(plan()))
      .rejects.toThrow('The GPU device was lost.');
    // "reload": a fresh store on the same database, a fresh worker
    const s = await store(factory);
    expect((await s.listResults()).map((r) => r.id).sort()).toEqual(['b|m1|fwd', 'b|m1|rev']);
    expect((await s.listBatches())[0].status).toBe('running');
    const second = new FakeWorker({ fwd: 10, rev: 500 });
    await runner(second, s, 'webgpu').run(plan());
    expect(second.calls.filter((c) => c.type === 'loadModel').map((c) => c.arg)).toEqual(['m2']);
    expect(second.calls.filter((c) => c.type === 'attack')).toHaveLength(2);
    expect(await s.listResults()).toHaveLength(4);
  });

  it('cancels the attack in flight and leaves its job for a later resume', async () => {
    const s = await store();
    const worker = new FakeWorker({ fwd: 10, rev: 500 });
    worker.hangOnAttack = 1;
    const r = runner(worker, s, 'webgpu');
    const outcome = r.run(plan(), { onProgress: (p) => {
      if (p.done === 1 && p.current) setTimeout(() => void r.cancel(), 5);
    } });
    expect(await outcome).toBe('cancelled');
    expect(worker.calls.find((c) => c.type === 'cancel')?.arg).toBe(101);
    expect((await s.listResults()).map((r) => r.id)).toEqual(['b|m1|fwd']);
    expect((await s.listBatches())[0].status).toBe('cancelled');
  });

  it('sends no map for an image without one, and stores the worker\'s undefined alignment', async () => {
    const s = await store();
    const worker = new FakeWorker({ nomap: 10 });
    await runner(worker, s, 'cpu').run(plan({ models: ['m1'], images: ['nomap'] }));
    expect(worker.maps).toEqual([undefined]);
    expect((await s.listResults())[0]).toMatchObject({ success: true, l2: 0.25, alignmentMean: null, alignmentMax: null });
  });

  it('records an unsuccessful attack without norms or alignment', async () => {
    const s = await store();
    await runner(new FakeWorker({ hard: 10 }), s, 'cpu').run(
      plan({ models: ['m1'], images: ['hard'] }),
    );
    expect((await s.listResults())[0]).toMatchObject({ success: false, l2: null, alignmentMean: null, alignmentMax: null });
  });
});
