/**
 * Batches: every model × every image under one protocol, run job by job and resumable. The app
 * (src/ui/batch) and the command-line runner share this one implementation.
 *
 * Data (plain, JSON-friendly):
 * - BatchPlan (plan.ts): protocol, attack, steps, seed, `models` as `model=` takes them (catalogue
 *   id, model URL with its #fragment of stated settings) or `file:<name>` for a model file the
 *   user opened; `images` as ids (imageIds.ts): sample id, `upload:<name>`,
 *   `shard:<shard name or URL>#<record index>`; `files`: name and size of the files a resume needs.
 * - planJobs(plan): the job list, model-major (each model loaded once per contiguous block), and
 *   jobListHash(plan): a stable hash of protocol, attack, steps, seed and the ordered jobs, to tell
 *   result files of the same command apart from others. recordId(job) = `${batchId}|${model}|${image}`.
 * - ResultRecord (core/results/types.ts): one job's result; `status: 'failed'` + `message` for a job
 *   that could not run (shown and counted, never averaged), `imageSource` + `recordIndex` per image,
 *   `humanMap: false` for an image without a map (null alignment, "no human map").
 *
 * Interfaces (runner.ts), what each side plugs in:
 * - JobExecutor: `loadModel(modelId)` (a rejection fails that model's jobs with its message, the
 *   batch goes on), `execute({pixels, size, heatmap, config})` → clean top-1, the run's L2/L∞/
 *   success and the best δ's alignment (a rejection stops the batch: a lost device), `cancel()`.
 *   The app: WorkerJobExecutor (src/worker/batchExecutor.ts) over its Web Worker. Node: the same
 *   class over a WorkerHost joined in-process by a MessageChannel (src/node/inProcessWorker.ts:
 *   real models from files, TF.js WASM), which npm run batch and the 500-job soak use.
 * - ImageSource: `load(imageId, size, crop)` → pixels [size,size,3] in [0,1], heatmap or null, label (null:
 *   no true class, the clean top-1 stands in).
 *   A rejection fails that job only (a corrupt record). routedImageSource() dispatches by id form;
 *   LazyShard reads a TFRecord shard one record at a time from any ReadRange (Blob, HTTP Range, fs).
 * - ResultSink: `storedIds(plan)` (jobs to skip), `put(record)` (durable before the next job),
 *   optional `putPlan(plan)`. The app: IndexedDB; the runner: JSONL.
 *
 * BatchRunner.run(plan, {jobs?, onProgress?}) runs the given contiguous block (default all jobs),
 * skipping stored ones, and reports done/failed/total, jobs per minute and an ETA.
 * resume.ts decides, per file a plan needs, whether storage kept it or the user must pick it again
 * (checked by name and size).
 */
export * from './plan';
export * from './imageIds';
export * from './runner';
export * from './imageSource';
export * from './shardRecords';
export * from './resume';
