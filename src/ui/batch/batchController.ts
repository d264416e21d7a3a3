/**
 * What the batch and scatter views' buttons do: opens the results store, keeps the batch store in
 * step with it (this tab's writes and other tabs' alike), runs and resumes batches, imports and
 * exports CSV. One batch runs per tab; a Web Lock per batch keeps two tabs from running the same one.
 */
import { aggregateByModel } from '../../core/results/aggregate';
import { newBatchId, remainingJobs, type BatchPlan } from '../../core/batch/plan';
import { BatchRunner, type ResultSink } from '../../core/batch/runner';
import { routedImageSource, type ImageRoutes } from '../../core/batch/imageSource';
import { parseModelId } from '../../core/models/modelId';
import { WorkerJobExecutor, type BatchWorker } from '../../worker/batchExecutor';
import type { ModelSource } from '../../worker/protocol';
import { recordsToCsv, summariesToCsv } from '../../core/results/exportCsv';
import { describeProblems, parsePublishedTable } from '../../core/results/publishedTable';
import type { ProtocolId } from '../../core/results/types';
import { batchStore } from '../state/batchStore';
import type { ResultsStore } from '../storage/resultsStore';
import { PROTOCOLS } from '../../core/attacks/protocols';

export interface BatchWorkerHandle {
  worker: BatchWorker;
  backend: string;
  dispose(): void;
}

export interface BatchControllerDeps {
  openStore(): Promise<ResultsStore>;
  /** A worker of the batch's own, so the interactive views keep their model and image. */
  createWorker(): Promise<BatchWorkerHandle>;
  /** How samples, uploads and shard records are loaded. */
  images: ImageRoutes;
  /** Model id → what the worker opens; default: catalogue ids and model URLs (file models need the page's files). */
  resolveModel?(modelId: string): Promise<ModelSource>;
  /** navigator.locks where the browser has it. */
  locks?: LockManager | null;
}

export interface BatchRequest {
  models: string[];
  images: string[];
  protocol: ProtocolId;
  steps: number;
}

export class BatchController {
  private store: ResultsStore | null = null;
  private runner: BatchRunner | null = null;
  private ready: Promise<void> | null = null;

  constructor(private readonly deps: BatchControllerDeps) {}

  /** Opens storage, loads what it holds and resumes a batch that a reload or crash interrupted. */
  init(): Promise<void> {
    this.ready ??= (async () => {
      const store = await this.deps.openStore();
      this.store = store;
      store.onChange(() => void this.refresh());
      await this.refresh();
      const { results, batches } = batchStore.getState();
      const interrupted = batches
        .filter((b) => b.status === 'running' && remainingJobs(b, results).length > 0)
        .sort((a, b) => b.createdAt - a.createdAt)[0];
      if (interrupted) void this.runPlan(interrupted);
    })();
    return this.ready;
  }

  async start(req: BatchRequest): Promise<void> {
    await this.init();
    if (req.models.length === 0 || req.images.length === 0) {
      batchStore.getState().setError('Choose at least one model and one image for a batch.');
      return;
    }
    const plan: BatchPlan = {
      id: newBatchId(),
      createdAt: Date.now(),
      protocol: req.protocol,
      models: req.models,
      images: req.images,
      attack: PROTOCOLS[req.protocol].attack,
      steps: req.steps,
      status: 'running',
    };
    await this.runPlan(plan);
  }

  resume(plan: BatchPlan): Promise<void> {
    return this.runPlan({ ...plan, status: 'running' });
  }

  async cancel(): Promise<void> {
    await this.runner?.cancel();
  }

  async deleteResults(ids?: string[]): Promise<void> {
    await this.init();
    await this.store!.deleteResults(ids);
    await this.refresh();
  }

  perImageCsv(): string {
    return recordsToCsv(batchStore.getState().results);
  }

  perModelCsv(): string {
    return summariesToCsv(aggregateByModel(batchStore.getState().results));
  }

  /** Reads a per-model CSV; with malformed rows it waits for confirmImport(). */
  importCsv(text: string, fileName: string, protocol: ProtocolId): void {
    const s = batchStore.getState();
    try {
      const imp = parsePublishedTable(text, fileName);
      const table = { id: `import-${fileName}-${Date.now()}`, fileName, protocol, rows: imp.rows };
      if (imp.problems.length > 0) s.setPendingImport({ table, problems: describeProblems(imp) });
      else s.addImport(table);
      s.setError(null);
    } catch (e) {
      s.setError((e as Error).message);
    }
  }

  confirmImport(): void {
    const s = batchStore.getState();
    if (s.pendingImport) s.addImport(s.pendingImport.table);
    s.setPendingImport(null);
  }

  dismissImport(): void {
    batchStore.getState().setPendingImport(null);
  }

  private async refresh(): Promise<void> {
    const store = this.store;
    if (!store) return;
    const [results, batches] = await Promise.all([store.listResults(), store.listBatches()]);
    results.sort((a, b) => a.finishedAt - b.finishedAt || a.id.localeCompare(b.id));
    const s = batchStore.getState();
    s.setStorage(store.kind, store.problem);
    s.setData(results, batches);
  }

  private async runPlan(plan: BatchPlan): Promise<void> {
    const s = batchStore.getState();
    if (s.running) {
      s.setError('A batch is already running in this tab; cancel it or wait for it to finish.');
      return;
    }
    await this.init();
    s.setRunning(true);
    s.setProgress(null);
    s.setError(null);
    let handle: BatchWorkerHandle | null = null;
    try {
      const body = async () => {
        handle = await this.deps.createWorker();
        const backend = handle.backend;
        const executor = new WorkerJobExecutor(handle.worker, backend, this.deps.resolveModel ?? resolveUrlOrCatalogue);
        this.runner = new BatchRunner(executor, routedImageSource(this.deps.images), storeSink(this.store!));
        await this.runner.run(plan, { onProgress: (p) => batchStore.getState().setProgress(p) });
        return true;
      };
      const locks = this.deps.locks;
      const ran = locks
        ? await locks.request(`alignscope-batch:${plan.id}`, { ifAvailable: true }, (lock) => (lock ? body() : false))
        : await body();
      if (!ran) {
        s.setError('Another AlignScope tab is running this batch; its results appear here as they finish.');
      }
    } catch (e) {
      batchStore.getState().setError(`The batch stopped: ${(e as Error).message} Press Resume to continue where it stopped.`);
    } finally {
      (handle as BatchWorkerHandle | null)?.dispose();
      this.runner = null;
      batchStore.getState().setRunning(false);
      await this.refresh();
    }
  }
}

/** Results go to the results store (IndexedDB, or memory where storage refuses). */
export function storeSink(store: Pick<ResultsStore, 'putResult' | 'listResults' | 'putBatch'>): ResultSink {
  return {
    storedIds: async (plan) => new Set((await store.listResults()).filter((r) => r.batchId === plan.id).map((r) => r.id)),
    put: (record) => store.putResult(record),
    putPlan: (plan) => store.putBatch(plan),
  };
}

async function resolveUrlOrCatalogue(modelId: string): Promise<ModelSource> {
  const ref = parseModelId(modelId);
  if (ref.kind === 'file') throw new Error(`The model file "${ref.name}" is not open in this tab; open it again to run its jobs.`);
  return ref;
}
