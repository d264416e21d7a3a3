/**
 * `npm run batch`: the app's batch, headless. Parses and checks the whole command (exit 2 with one
 * message on bad input, before any job), picks this process's shard of the deterministic job list,
 * and runs it with the core's BatchRunner on the app's worker host in-process, appending each result
 * to `<out>/results-<i>-of-<n>.jsonl`. Exit 0 only when every job of the shard has a result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jobListHash, planJobs, recordId, type BatchPlan } from '../core/batch/plan';
import { BatchRunner } from '../core/batch/runner';
import { localAssetDirs, type AssetFolders } from '../node/assetDirs';
import { startInProcessWorker } from '../node/inProcessWorker';
import { WorkerJobExecutor } from '../worker/batchExecutor';
import type { ModelSource } from '../worker/protocol';
import { parseArgs, UsageError, USAGE, type BatchArgs } from './args';
import { openImages } from './images';
import { resolveModels } from './modelSpecs';
import { ProgressReporter } from './progress';
import { TimedExecutor } from './timedExecutor';
import { JsonlResultSink, writePlanFile } from './resultFiles';
import { resolveShard, shardFileName, shardRange } from './shard';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const assetFolders = (env: NodeJS.ProcessEnv): AssetFolders => ({ publicDir: path.join(ROOT, 'public'), mirror: env.ALIGNSCOPE_ASSETS_MIRROR });

interface Prepared {
  args: BatchArgs;
  plan: BatchPlan;
  hash: string;
  shard: { index: number; count: number; from: string };
  range: { start: number; end: number };
  sources: Map<string, ModelSource>;
  images: Awaited<ReturnType<typeof openImages>>;
}

/** Everything that can be checked before a job runs; throws UsageError. */
async function prepare(argv: readonly string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<Prepared> {
  const args = parseArgs(argv);
  const shard = resolveShard(args.shard, args.shards, env);
  const models = resolveModels(args.models, cwd);
  const images = await openImages(args.images, assetFolders(env), cwd);
  const draft = { protocol: args.protocol, attack: args.attack, steps: args.steps, seed: 0, models: models.map((m) => m.id), images: images.ids };
  const hash = jobListHash(draft);
  // The batch id follows from the command, so every shard, and every requeue, writes the same record ids.
  const plan: BatchPlan = { ...draft, id: `cli-${hash}`, createdAt: 0, status: 'running' };
  const range = shardRange(models.length * images.ids.length, shard);
  return { args, plan, hash, shard, range, sources: new Map(models.map((m) => [m.id, m.source])), images };
}

/** Writes plan.json and opens the shard's result file; throws UsageError for a folder of another command. */
function openOutput(p: Prepared): JsonlResultSink {
  const { plan, args } = p;
  fs.mkdirSync(args.out, { recursive: true });
  writePlanFile(args.out, {
    jobListHash: p.hash,
    batchId: plan.id,
    protocol: plan.protocol,
    attack: plan.attack,
    steps: plan.steps,
    models: plan.models,
    images: plan.images,
    jobCount: plan.models.length * plan.images.length,
  });
  return new JsonlResultSink(path.join(args.out, shardFileName(p.shard)), p.hash, planJobs(plan));
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let p: Prepared;
  let sink: JsonlResultSink;
  try {
    p = await prepare(argv, env);
    sink = openOutput(p);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`alignscope batch: ${e.message}`);
    return 2;
  }
  const { args, plan, shard, range } = p;
  const allJobs = planJobs(plan);
  const shardJobs = allJobs.slice(range.start, range.end);
  const mode = args.progress ?? (process.stderr.isTTY ? 'bar' : 'lines');
  const progress = new ProgressReporter(mode, path.join(args.out, `log-${shard.index}-of-${shard.count}.txt`));
  progress.log(
    `shard ${shard.index}/${shard.count} (${shard.from}): jobs ${range.start}–${range.end - 1} of ${allJobs.length} ` +
      `(${plan.models.length} models × ${plan.images.length} images, ${plan.protocol}, ${plan.steps} steps, ${args.backend}), job list ${p.hash}`,
  );

  const worker = startInProcessWorker(localAssetDirs(assetFolders(env)), { threads: args.threads ?? undefined });
  let executor: TimedExecutor | null = null;
  const rate = { perMinute: null as number | null };
  let runner: BatchRunner | null = null;
  const stop = () => void runner?.cancel();
  process.once('SIGINT', stop);
  try {
    const status = await worker.client.init(args.backend);
    progress.log(`backend: ${status.adapter}`);
    executor = new TimedExecutor(new WorkerJobExecutor(worker.client, status.backend, async (id) => p.sources.get(id)!));
    runner = new BatchRunner(executor, p.images.source, sink);
    await runner.run(plan, {
      jobs: shardJobs,
      onProgress: (pr) => {
        rate.perMinute = pr.perMinute ?? rate.perMinute;
        progress.update(pr);
      },
    });
  } finally {
    // Also when the run throws: a caller running main() again (the tests) must not collect listeners.
    process.off('SIGINT', stop);
    progress.finish();
    worker.close();
    sink.close();
  }
  const finished = sink.finished();
  const missing = shardJobs.filter((j) => !finished.has(recordId(j)));
  progress.log(
    `shard ${shard.index}/${shard.count}: ${shardJobs.length - missing.length}/${shardJobs.length} jobs have a result` +
      (executor?.jobs
        ? `; this run: ${executor.jobs} jobs, ${rate.perMinute?.toFixed(1) ?? '?'} jobs/min, ${executor.stepsPerSecond()?.toFixed(2) ?? '?'} ${plan.attack} steps/s (attack execution only; ${executor.warmStepsPerSecond()?.toFixed(2) ?? '?'} after each model's first job; fastest job ${executor.fastest.toFixed(2)})`
        : ''),
  );
  for (const j of missing.slice(0, 20)) progress.log(`no result: ${j.modelId} × ${j.imageId}`);
  if (missing.length > 20) progress.log(`… and ${missing.length - 20} more without a result`);
  return missing.length ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`alignscope batch: ${(e as Error).stack ?? e}`);
      process.exit(1);
    },
  );
}
