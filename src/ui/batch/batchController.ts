/**
 * What the batch and scatter views' buttons do: opens the results store, keeps the batch store in
 * step with it (this tab's writes and other tabs' alike), runs and resumes batches, imports and
 * exports CSV. One batch runs per tab; a Web Lock per batch keeps two tabs from running the same one.
 */
import { aggregateByModel } from '../../core/results/aggregate';
import { jobListHash, newBatchId, remainingJobs, type BatchPlan, type PlanFile } from '../../core/batch/plan';
import type { ResumeDecision } from '../../core/batch/resume';
import { BatchRunner, type ResultSink } from '../../core/batch/runner';
import { routedImageSource, type ImageRoutes } from '../../core/batch/imageSource';
import { parseModelId } from '../../core/models/modelId';
import { WorkerJobExecutor, type BatchWorker } from '../../worker/batchExecutor';
import type { ModelSource } from '../../worker/protocol';
import { recordsToCsv, summariesToCsv } from '../../core/results/exportCsv';
import { describeProblems, parsePublishedTable } from '../../core/results/publishedTable';
import { isPerImageCsv, parsePerImageCsv } from '../../core/results/perImageCsv';
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
  /** The files a new plan names (model files, file shards) with their sizes, for a later resume. */
  planFiles?(models: readonly string[], images: readonly string[]): PlanFile[];
  /** Which of a plan's files this tab has; a plan waits for the others (the user picks them again). */
  checkFiles?(files: readonly PlanFile[]): Promise<ResumeDecision[]>;
  /** Shows the files a plan waits for (empty when it waits for none). */
  onWaiting?(waiting: ResumeDecision[]): void;
  /** Writes a started batch's definition into the address. */
  onStart?(req: BatchRequest): void;
  /** navigator.locks where the browser has it. */
  locks?: LockManager | null;
}

export interface BatchRequest {
  models: string[];
  /** Image ids, expanded (one per job row). */
  images: string[];
  /** The same images as the address writes them (`samples`, `shard:<url>#0-99`); default the ids. */
  imageSpecs?: string[];
  protocol: ProtocolId;
  steps: number;
  /** The interactive protocol's attack; the other protocols fix theirs. */
  attack?: string;
  /** Started by an address with run=1: a batch of the same definition is resumed, not run again. */
  fromAddress?: boolean;
}

export class BatchController {
  private store: ResultsStore | null = null;
  private runner: BatchRunner | null = null;
  private ready: Promise<void> | null = null;
  /** A plan waiting for files the user must give again. */
  private waitingPlan: BatchPlan | null = null;

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
      attack: req.protocol === 'interactive' && req.attack ? req.attack : PROTOCOLS[req.protocol].attack,
      steps: req.steps,
      files: this.deps.planFiles?.(req.models, req.images) ?? [],
      status: 'running',
    };
    this.deps.onStart?.(req);
    // The same definition again (a reloaded address with run=1): resume or show that batch, never run it twice.
    const { batches, results } = batchStore.getState();
    const same = req.fromAddress ? batches.find((b) => jobListHash(b) === jobListHash(plan)) : undefined;
    if (same) {
      if (remainingJobs(same, results).length > 0) await this.resume(same);
      return;
    }
    await this.runPlan(plan);
  }

  resume(plan: BatchPlan): Promise<void> {
    return this.runPlan({ ...plan, status: 'running' });
  }

  /** After the user gave a file again: runs the waiting plan once it waits for nothing more. */
  async recheckWaiting(): Promise<void> {
    const plan = this.waitingPlan;
    if (!plan?.files || !this.deps.checkFiles) return;
    const waiting = await this.filesWaiting(plan);
    this.deps.onWaiting?.(waiting);
    if (waiting.length === 0) await this.continueWaiting();
  }

  /** The files of a plan that this tab lacks (the user must give them again). */
  private async filesWaiting(plan: BatchPlan): Promise<ResumeDecision[]> {
    if (!plan.files?.length || !this.deps.checkFiles) return [];
    return (await this.deps.checkFiles(plan.files)).filter((d) => d.decision !== 'stored');
  }

  /** Resumes the plan that waited for files, once the user gave them (or chose to go on without: their jobs fail). */
  continueWaiting(): Promise<void> {
    const plan = this.waitingPlan;
    this.waitingPlan = null;
    this.deps.onWaiting?.([]);
    return plan ? this.runPlan(plan, true) : Promise.resolve();
  }

  reportError(message: string | null): void {
    batchStore.getState().setError(message);
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

  /**
   * Reads a per-model CSV (with malformed rows it waits for confirmImport()); a per-image CSV (the
   * app's export, or `npm run batch:merge` of a cluster run) joins your runs, each with its protocol.
   */
  importCsv(text: string, fileName: string, protocol: ProtocolId): Promise<void> | void {
    if (isPerImageCsv(text)) return this.importRuns(text, fileName);
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

  /** Stores the runs of a per-image CSV as results: a run with the same batch, model and image is replaced. */
  private async importRuns(text: string, fileName: string): Promise<void> {
    const s = batchStore.getState();
    try {
      const records = parsePerImageCsv(text, fileName);
      await this.init();
      await this.store!.putResults(records);
      await this.refresh();
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

  private async runPlan(plan: BatchPlan, evenWithoutFiles = false): Promise<void> {
    const s = batchStore.getState();
    if (s.running) {
      s.setError('A batch is already running in this tab; cancel it or wait for it to finish.');
      return;
    }
    await this.init();
    if (!evenWithoutFiles) {
      const waiting = await this.filesWaiting(plan);
      if (waiting.length > 0) {
        this.waitingPlan = plan;
        this.deps.onWaiting?.(waiting);
        s.setError(`This batch needs ${waiting.map((d) => `"${d.file.name}"`).join(', ')} again: open ${waiting.length === 1 ? 'it' : 'them'} below to go on.`);
        return;
      }
    }
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
