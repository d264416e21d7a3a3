/**
 * The runner's result files: `<out>/results-<i>-of-<n>.jsonl`, one ResultRecord a line with the job's
 * place in the job list and the list's hash, and `<out>/plan.json`, the job list itself (what the
 * merge names when it lists missing jobs). Every shard writes the same plan.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BatchPlan, BatchJob } from '../core/batch/plan';
import { recordId } from '../core/batch/plan';
import type { ResultSink } from '../core/batch/runner';
import type { ResultRecord } from '../core/results/types';
import { JsonlSink, parseJsonl, readJsonlBytes } from './jsonlSink';
import { UsageError } from './args';

export interface ResultLine extends ResultRecord {
  /** jobListHash of the command: lines of different commands are never merged. */
  jobListHash: string;
  /** Position in the whole job list (model-major), so a merge restores the one-process order. */
  jobIndex: number;
  jobCount: number;
}

export interface PlanFile {
  jobListHash: string;
  batchId: string;
  protocol: string;
  attack: string;
  steps: number;
  models: string[];
  images: string[];
  jobCount: number;
}

export const PLAN_FILE = 'plan.json';

export function writePlanFile(out: string, plan: PlanFile): void {
  const file = path.join(out, PLAN_FILE);
  const text = `${JSON.stringify(plan, null, 1)}\n`;
  if (fs.existsSync(file)) {
    const existing = JSON.parse(fs.readFileSync(file, 'utf8')) as PlanFile;
    if (existing.jobListHash !== plan.jobListHash) {
      throw new UsageError(
        `The folder "${out}" holds results of another command (job list ${existing.jobListHash}, this one is ${plan.jobListHash}): use another --out.`,
      );
    }
    return;
  }
  // Shards start together: each writes its own temporary file and renames it into place.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * A shard's ResultSink. Resuming, it counts the jobs with a finished result in its file; a failed
 * job (a model URL that did not answer, a record that did not decode) is tried again, since a
 * requeue on a cluster is often what cures it. The file is read once, when the sink opens; what
 * it appends afterwards is tracked here.
 */
export class JsonlResultSink implements ResultSink {
  private readonly sink: JsonlSink<ResultLine>;
  private readonly index = new Map<string, number>();
  /** The latest finished result of each job. */
  private readonly done = new Map<string, ResultLine>();

  constructor(
    readonly file: string,
    private readonly jobListHash: string,
    jobs: readonly BatchJob[],
  ) {
    jobs.forEach((j, i) => this.index.set(recordId(j), i));
    const bytes = readJsonlBytes(file);
    const { records } = parseJsonl<ResultLine>(bytes?.toString('utf8') ?? '');
    const foreign = records.find((r) => r.jobListHash !== jobListHash);
    if (foreign) {
      throw new UsageError(`"${file}" holds results of another command (job list ${foreign.jobListHash}, this one is ${jobListHash}): use another --out.`);
    }
    records.forEach((r) => this.remember(r));
    this.sink = new JsonlSink<ResultLine>(file, bytes);
  }

  /** The finished results of this file, latest line per job. */
  finished(): ReadonlyMap<string, ResultLine> {
    return this.done;
  }

  async storedIds(_plan: BatchPlan): Promise<ReadonlySet<string>> {
    return new Set(this.done.keys());
  }

  async put(record: ResultRecord): Promise<void> {
    const jobIndex = this.index.get(record.id);
    if (jobIndex === undefined) throw new Error(`The result "${record.id}" is not a job of this command.`);
    const line = { ...record, jobListHash: this.jobListHash, jobIndex, jobCount: this.index.size };
    this.sink.append(line);
    this.remember(line);
  }

  close(): void {
    this.sink.close();
  }

  private remember(line: ResultLine): void {
    if (line.status !== 'failed') this.done.set(line.id, line);
  }
}
