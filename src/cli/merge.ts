/**
 * `npm run batch:merge -- <dir>`: the shards' result files into the app's two exports, per-image.csv
 * and per-model.csv, written by the same functions as the app's export buttons. Each job is kept
 * once (a finished result over a failed one, the later line over an earlier one); jobs of the plan
 * without a result are listed; files from different commands (job-list hashes) are refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { aggregateByModel } from '../core/results/aggregate';
import { recordsToCsv, summariesToCsv } from '../core/results/exportCsv';
import { UsageError } from './args';
import { readJsonlFile } from './jsonlSink';
import { PLAN_FILE, type PlanFile, type ResultLine } from './resultFiles';

const RESULT_FILE = /^results-(\d+)-of-(\d+)\.jsonl$/;

export interface MergeOutcome {
  records: ResultLine[];
  /** Lines dropped because their job already had a result kept. */
  duplicates: number;
  /** Jobs of the plan with no result at all, as `model × image`. */
  missing: string[];
  /** Jobs whose only results are failures, with the message. */
  failed: string[];
  /** Unreadable lines (a torn last line of a shard still running, or damage). */
  badLines: string[];
  files: string[];
  plan: PlanFile | null;
}

export function mergeResults(dir: string): MergeOutcome {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => RESULT_FILE.test(f)).sort(byShard) : [];
  if (!files.length) throw new UsageError(`"${dir}" holds no results-<i>-of-<n>.jsonl files.`);
  const planPath = path.join(dir, PLAN_FILE);
  const plan = fs.existsSync(planPath) ? (JSON.parse(fs.readFileSync(planPath, 'utf8')) as PlanFile) : null;

  const hashes = new Map<string, string[]>();
  if (plan) hashes.set(plan.jobListHash, [PLAN_FILE]);
  const kept = new Map<string, ResultLine>();
  const badLines: string[] = [];
  let lines = 0;
  for (const f of files) {
    const { records, bad } = readJsonlFile<ResultLine>(path.join(dir, f));
    for (const b of bad) badLines.push(`${f} line ${b.line}`);
    for (const r of records) {
      const where = hashes.get(r.jobListHash) ?? [];
      if (!where.includes(f)) where.push(f);
      hashes.set(r.jobListHash, where);
      lines++;
      const prior = kept.get(r.id);
      // A finished result beats a failure; otherwise the later line (a rerun) wins.
      if (!prior || r.status !== 'failed' || prior.status === 'failed') kept.set(r.id, r);
    }
  }
  if (hashes.size > 1) {
    const list = [...hashes].map(([h, where]) => `${h} (${where.join(', ')})`).join('; ');
    throw new UsageError(`The files in "${dir}" come from different commands (job lists ${list}); merge each command's files on their own.`);
  }

  const records = [...kept.values()].sort((a, b) => a.jobIndex - b.jobIndex);
  const failed = records.filter((r) => r.status === 'failed').map((r) => `${r.modelId} × ${r.imageId}: ${r.message ?? 'failed'}`);
  const jobCount = plan?.jobCount ?? records[0]?.jobCount ?? 0;
  const have = new Set(records.map((r) => r.jobIndex));
  const missing: string[] = [];
  for (let i = 0; i < jobCount; i++) {
    if (have.has(i)) continue;
    missing.push(plan ? `${plan.models[Math.floor(i / plan.images.length)]} × ${plan.images[i % plan.images.length]}` : `job ${i}`);
  }
  return { records, duplicates: lines - records.length, missing, failed, badLines, files, plan };
}

function byShard(a: string, b: string): number {
  const [, ia, na] = RESULT_FILE.exec(a)!.map(Number);
  const [, ib, nb] = RESULT_FILE.exec(b)!.map(Number);
  return na - nb || ia - ib;
}

/** The app's export of a list of stored results: the ResultLine's extra fields are not columns. */
export function mergedCsvs(records: readonly ResultLine[]): { perImage: string; perModel: string } {
  return { perImage: recordsToCsv(records), perModel: summariesToCsv(aggregateByModel(records)) };
}

export function mergeMain(argv: readonly string[]): number {
  const dir = argv[0];
  if (!dir || argv.length > 1 || dir.startsWith('--')) {
    console.error('Usage: npm run batch:merge -- <dir>   (the --out folder of npm run batch)');
    return 2;
  }
  let outcome: MergeOutcome;
  try {
    outcome = mergeResults(dir);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`alignscope merge: ${e.message}`);
    return 2;
  }
  const { perImage, perModel } = mergedCsvs(outcome.records);
  fs.writeFileSync(path.join(dir, 'per-image.csv'), perImage);
  fs.writeFileSync(path.join(dir, 'per-model.csv'), perModel);
  const total = outcome.plan?.jobCount ?? outcome.records.length + outcome.missing.length;
  console.log(
    `${outcome.files.length} result files: ${outcome.records.length - outcome.failed.length}/${total} jobs with a result, ` +
      `${outcome.failed.length} failed, ${outcome.missing.length} missing, ${outcome.duplicates} duplicate lines dropped.`,
  );
  console.log(`Wrote ${path.join(dir, 'per-image.csv')} and ${path.join(dir, 'per-model.csv')}.`);
  for (const b of outcome.badLines) console.log(`unreadable (ignored): ${b}`);
  for (const f of outcome.failed) console.log(`failed: ${f}`);
  for (const m of outcome.missing.slice(0, 50)) console.log(`missing: ${m}`);
  if (outcome.missing.length > 50) console.log(`… and ${outcome.missing.length - 50} more missing`);
  return outcome.missing.length || outcome.failed.length ? 1 : 0;
}
