import { IDBDatabase, IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { remainingJobs, recordId, type BatchPlan } from '../../core/batch/plan';
import type { ResultRecord } from '../../core/results/types';
import { openDatabase } from './idbRequest';
import { openResultsStore, type ResultsStore } from './resultsStore';

const plan: BatchPlan = {
  id: 'b1', createdAt: 1, protocol: 'interactive', models: ['m1', 'm2'], images: ['i1', 'i2'],
  attack: 'fmn', steps: 5, status: 'running',
};

function rec(modelId: string, imageId: string, l2 = 0.2): ResultRecord {
  const job = { batchId: 'b1', modelId, imageId };
  return {
    id: recordId(job), ...job, modelName: modelId, family: 'mobilenet', label: 1, cleanPrediction: 1,
    cleanCorrect: true, success: true, l2, linf: 0.01, alignmentMean: 0.1, alignmentMax: 0.2, gradEvals: 5,
    wallMs: 100, backend: 'webgpu', protocol: 'interactive', attack: 'fmn', steps: 5, finishedAt: 2,
  };
}

const opened: ResultsStore[] = [];
async function open(factory: IDBFactory | null, name = 'db') {
  const s = await openResultsStore({ factory, name, blockedMs: 20 });
  opened.push(s);
  return s;
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const s of opened.splice(0)) s.close();
});

describe('results store on IndexedDB', () => {
  it('keeps finished results and the plan across a reload, so the batch resumes where it stopped', async () => {
    const factory = new IDBFactory();
    const tab = await open(factory);
    expect(tab.kind).toBe('indexeddb');
    expect(tab.problem).toBeNull();
    await tab.putBatch(plan);
    await tab.putResult(rec('m1', 'i1'));
    await tab.putResult(rec('m1', 'i2'));
    tab.close();

    const reloaded = await open(factory);
    expect(await reloaded.listBatches()).toEqual([plan]);
    const stored = await reloaded.listResults();
    expect(stored.map((r) => r.id).sort()).toEqual(['b1|m1|i1', 'b1|m1|i2']);
    expect(remainingJobs(plan, stored).map(recordId)).toEqual(['b1|m2|i1', 'b1|m2|i2']);
  });

  it('overwrites a re-run job instead of duplicating it, and deletes', async () => {
    const s = await open(new IDBFactory());
    await s.putResult(rec('m1', 'i1', 0.5));
    await s.putResult(rec('m1', 'i1', 0.3));
    await s.putResult(rec('m2', 'i1'));
    expect((await s.listResults()).map((r) => [r.id, r.l2])).toEqual([
      ['b1|m1|i1', 0.3],
      ['b1|m2|i1', 0.2],
    ]);
    expect(await s.deleteResults(['b1|m1|i1'])).toBe(1);
    expect((await s.listResults()).map((r) => r.id)).toEqual(['b1|m2|i1']);
    expect(await s.deleteResults()).toBe(1);
    expect(await s.listResults()).toEqual([]);
  });

  it('lets two tabs write at once without losing or tearing a record, and tells the other tab', async () => {
    const factory = new IDBFactory();
    const [a, b] = [await open(factory), await open(factory)];
    const heard = new Promise<void>((resolve) => b.onChange(resolve));
    const writes = [];
    for (const m of ['m1', 'm2', 'm3']) {
      for (const i of ['i1', 'i2', 'i3']) {
        writes.push(a.putResult(rec(m, i)), b.putResult(rec(m, i)));
      }
    }
    await Promise.all(writes);
    await heard;
    const all = await a.listResults();
    expect(all).toHaveLength(9);
    expect(all.every((r) => r.l2 === 0.2 && r.protocol === 'interactive')).toBe(true);
  });
});

describe('results store, many results at once (an imported CSV)', () => {
  const many = Array.from({ length: 50 }, (_, i) => rec(`m${i % 5}`, `i${i}`));

  it('stores them in one transaction, kept across a reload', async () => {
    const factory = new IDBFactory();
    const tab = await open(factory);
    const transactions = vi.spyOn(IDBDatabase.prototype, 'transaction');
    await tab.putResults(many);
    expect(transactions.mock.calls.filter(([, mode]) => mode === 'readwrite')).toHaveLength(1);
    const reloaded = await open(factory);
    expect((await reloaded.listResults()).map((r) => r.id).sort()).toEqual(many.map((r) => r.id).sort());
  });

  it('stores none of them when one put fails, and keeps them all in memory', async () => {
    const factory = new IDBFactory();
    const tab = await open(factory);
    const put = IDBObjectStore.prototype.put;
    let calls = 0;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (++calls === 30) throw new DOMException('Quota exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    });
    await tab.putResults(many);
    expect(tab.kind).toBe('memory');
    expect(await tab.listResults()).toHaveLength(50);
    vi.restoreAllMocks();
    const reloaded = await open(factory);
    expect(await reloaded.listResults()).toEqual([]);
  });
});

describe('results store when IndexedDB fails', () => {
  it('spills to memory when the quota is full and loses nothing', async () => {
    const s = await open(new IDBFactory());
    await s.putResult(rec('m1', 'i1'));
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('Quota exceeded.', 'QuotaExceededError');
    });
    const changed = vi.fn();
    s.onChange(changed);
    await s.putResult(rec('m1', 'i2'));
    expect(s.kind).toBe('memory');
    expect(s.problem).toMatch(/storage quota for this site is full.*kept in memory only.*download/);
    expect(changed).toHaveBeenCalled();
    expect((await s.listResults()).map((r) => r.id).sort()).toEqual(['b1|m1|i1', 'b1|m1|i2']);
  });

  it('works in memory, saying why, where there is no IndexedDB', async () => {
    const s = await open(null);
    expect(s.kind).toBe('memory');
    expect(s.problem).toMatch(/no IndexedDB/);
    await s.putResult(rec('m1', 'i1'));
    expect(await s.listResults()).toHaveLength(1);
  });

  it('gives up on an upgrade that another tab blocks, with a sentence saying so', async () => {
    const factory = new IDBFactory();
    const old = await openDatabase(factory, 'x', 1, () => {});
    if (!('db' in old)) throw new Error(old.problem);
    const outcome = await openDatabase(factory, 'x', 2, () => {}, 20);
    expect(outcome).toEqual({ problem: expect.stringMatching(/Another AlignScope tab .* blocks it/) });
    old.db.close();
  });
});
