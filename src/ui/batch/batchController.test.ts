import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AttackConfig, RunResult } from '../../core/attacks/types';
import type { ModelInfo } from '../../core/models/types';
import type { BatchPlan } from '../../core/batch/plan';
import { batchStore } from '../state/batchStore';
import { openResultsStore } from '../storage/resultsStore';
import { BatchController, type BatchWorkerHandle } from './batchController';
import type { BatchWorker } from '../../worker/batchExecutor';

const worker = (attacks: string[]): BatchWorker => ({
  loadModel: async (s) => ({ id: (s as { id: string }).id, family: 'f', inputSize: 2 }) as ModelInfo,
  setImage: async (_p, _s, _h, id) => void attacks.push(id ?? ''),
  predict: async () => [{ classIndex: 1, prob: 1, logit: 1 }],
  startAttack: (c: AttackConfig) => ({
    runId: 1,
    result: Promise.resolve({ attack: c.attack, success: true, l2: 0.1, linf: 0.01, bestDelta: null, gradEvals: 1, steps: 1 } as RunResult),
    resultAlignment: Promise.resolve(null),
  }),
  cancel: async () => {},
});

function controller(factory: IDBFactory, attacks: string[], locks?: LockManager) {
  let disposed = 0;
  const c = new BatchController({
    openStore: () => openResultsStore({ factory, name: 'ctl' }),
    createWorker: async (): Promise<BatchWorkerHandle> => ({ worker: worker(attacks), backend: 'webgpu', dispose: () => disposed++ }),
    images: { sample: async () => ({ pixels: new Float32Array(12), heatmap: null, label: 1 }) },
    locks,
  });
  return { c, disposed: () => disposed };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

beforeEach(() => batchStore.getState().reset());

describe('BatchController', () => {
  it('runs a batch, then a new tab sees the results and resumes an interrupted plan by itself', async () => {
    const factory = new IDBFactory();
    const attacks: string[] = [];
    const first = controller(factory, attacks);
    await first.c.start({ models: ['m1'], images: ['a', 'b'], protocol: 'interactive', steps: 2 });
    expect(batchStore.getState().results.map((r) => r.id)).toEqual([expect.stringMatching(/\|m1\|a$/), expect.stringMatching(/\|m1\|b$/)]);
    expect(first.disposed()).toBe(1);

    // A plan left 'running' with one job undone, as a closed tab leaves it.
    const store = await openResultsStore({ factory, name: 'ctl' });
    const plan: BatchPlan = { id: 'old', createdAt: 1, protocol: 'interactive', models: ['m2'], images: ['a', 'b'], attack: 'fmn', steps: 2, status: 'running' };
    await store.putBatch(plan);
    await store.putResult({ ...batchStore.getState().results[0], id: 'old|m2|a', batchId: 'old', modelId: 'm2', imageId: 'a' });
    store.close();

    batchStore.getState().reset();
    const resumed: string[] = [];
    const second = controller(factory, resumed);
    await second.c.init();
    await until(() => batchStore.getState().batches.find((b) => b.id === 'old')?.status === 'done');
    expect(resumed).toEqual(['b']);
    expect(batchStore.getState().results).toHaveLength(4);
  });

  it('leaves a batch alone that another tab holds the lock of', async () => {
    const locks = { request: async (_n: string, _o: unknown, cb: (l: null) => unknown) => cb(null) } as unknown as LockManager;
    const attacks: string[] = [];
    const { c } = controller(new IDBFactory(), attacks, locks);
    await c.start({ models: ['m1'], images: ['a'], protocol: 'interactive', steps: 2 });
    expect(attacks).toEqual([]);
    expect(batchStore.getState().error).toMatch(/Another AlignScope tab is running this batch/);
  });

  it('waits for files it must be given again, then runs; or goes on without them', async () => {
    const attacks: string[] = [];
    let have = false;
    const waited: string[][] = [];
    const c = new BatchController({
      openStore: () => openResultsStore({ factory: new IDBFactory(), name: 'wait' }),
      createWorker: async (): Promise<BatchWorkerHandle> => ({ worker: worker(attacks), backend: 'wasm', dispose: () => {} }),
      images: { shard: async () => ({ load: async () => ({ pixels: new Float32Array(12), heatmap: null, label: 1 }) }) as never },
      planFiles: () => [{ id: 's.tfrecords', kind: 'shard', name: 's.tfrecords', size: 10 }],
      checkFiles: async (files) => files.map((file) => ({ file, decision: have ? 'stored' : 're-pick' })),
      onWaiting: (w) => waited.push(w.map((d) => d.file.name)),
    });
    await c.start({ models: ['m1'], images: ['shard:s.tfrecords#0'], protocol: 'interactive', steps: 2 });
    expect(attacks).toEqual([]);
    expect(waited).toEqual([['s.tfrecords']]);
    expect(batchStore.getState().error).toBe('This batch needs "s.tfrecords" again: open it below to go on.');
    have = true;
    await c.recheckWaiting();
    expect(waited.at(-1)).toEqual([]);
    expect(attacks).toEqual(['shard:s.tfrecords#0']);
  });

  it('imports a CSV with bad rows only after the user agrees', () => {
    const { c } = controller(new IDBFactory(), []);
    c.importCsv('model,pt,aa,pt_sem,aa_sem\na,1,0.1,,\nb,oops,0.1,,\n', 'cluster.csv', '2025-corrected');
    const pending = batchStore.getState().pendingImport;
    expect(pending?.problems).toEqual(['cluster.csv, line 3: pt "oops" is not a non-negative number.']);
    expect(batchStore.getState().imports).toEqual([]);
    c.confirmImport();
    expect(batchStore.getState().imports.map((t) => [t.fileName, t.protocol, t.rows.length])).toEqual([['cluster.csv', '2025-corrected', 1]]);
    c.importCsv('nothing useful', 'x.csv', 'interactive');
    expect(batchStore.getState().error).toMatch(/x\.csv has no column/);
  });

  it('imports a per-image CSV (a merged cluster run) into your runs, and names a bad line', async () => {
    const factory = new IDBFactory();
    const { c } = controller(factory, []);
    await c.start({ models: ['m1'], images: ['a', 'b'], protocol: 'interactive', steps: 2 });
    // The same runs as a cluster's merge names them: another batch id.
    const csv = c.perImageCsv().replaceAll(batchStore.getState().results[0].batchId, 'cli-0123456789abcdef');
    await c.importCsv(csv, 'per-image.csv', 'interactive');
    const ids = batchStore.getState().results.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['cli-0123456789abcdef|m1|a', 'cli-0123456789abcdef|m1|b']));
    expect(ids).toHaveLength(4);
    await c.importCsv(csv.replace(',interactive,', ',nope,'), 'bad.csv', 'interactive');
    expect(batchStore.getState().error).toMatch(/bad\.csv, line 2: the protocol "nope"/);
  });
});
