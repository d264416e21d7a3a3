/**
 * deploy/slurm/alignscope.sbatch on a real single-node Slurm cluster that this test starts:
 * a 3-task array over 2 catalogue models × 4 images × 10 steps merges to the CSVs of one process;
 * a task cancelled half-way (scancel) and submitted again leaves no job missing and none twice.
 * Needs root (the daemons run as root) and Debian's slurm-wlm and munge (.ci/run installs them).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../src/core/results/csv';
import { startCluster, missingBinaries, type Cluster } from './cluster';

const ROOT = path.resolve(__dirname, '..');
const SBATCH = 'deploy/slurm/alignscope.sbatch';
const isRoot = process.getuid?.() === 0;
const ARGS = [
  '--models', 'mobilenet_v1_0.25_224,mobilenet_v1_0.25_128_quant',
  '--images', 'serre-lab_0,serre-lab_3,serre-lab_4,serre-lab_7',
  '--steps', '10',
];
const JOBS = 8;

if (!isRoot) {
  console.warn('Slurm e2e skipped: it starts slurmctld, slurmd and munged as root, and this process is not root.');
}

let cluster: Cluster;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'alignscope-slurm-runs-'));
const out = (name: string) => path.join(work, name);

/** The reference: the same command in one process, outside Slurm. Resolves with its exit status and output. */
function runOneProcess(dir: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node_modules/.bin/tsx', ['src/cli/batch.ts', ...ARGS, '--out', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

function merge(dir: string): string {
  const r = spawnSync('node_modules/.bin/tsx', ['src/cli/mergeMain.ts', dir], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr + r.stdout).toBe(0);
  return r.stdout;
}

/** per-image.csv without the columns that time a run (wall_ms, finished_at). */
function untimed(csv: string): string[][] {
  const [header, ...rows] = parseCsv(csv).records;
  const drop = ['wall_ms', 'finished_at'].map((c) => header.indexOf(c));
  return [header, ...rows].map((r) => r.filter((_, i) => !drop.includes(i)));
}

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
const countLines = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.endsWith('}')).length : 0);

async function until(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(isRoot)('Slurm job array (single-node test cluster)', () => {
  beforeAll(async () => {
    const missing = missingBinaries();
    if (missing.length) throw new Error(`Slurm e2e: ${missing.join(', ')} not found; install Debian's slurm-wlm and munge (apt-get install -y slurm-wlm munge).`);
    cluster = await startCluster();
    // The one-process reference runs while nothing else does.
    const one = await runOneProcess(out('one-process'));
    expect(one.code, one.output).toBe(0);
    merge(out('one-process'));
  });

  afterAll(() => {
    cluster?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const submit = (array: string, dir: string, extra: string[] = [], wait = true, args = ARGS) =>
    cluster.run('sbatch', [...(wait ? ['--wait'] : ['--parsable']), `--array=${array}`, `--output=${cluster.dir}/task-%A_%a.out`, SBATCH, ...args, '--out', dir, ...extra], { cwd: ROOT });

  it('runs a 3-task array whose merged CSVs equal one process', () => {
    submit('0-2', out('array'));
    const report = merge(out('array'));
    expect(report).toMatch(`3 result files: ${JOBS}/${JOBS} jobs with a result, 0 failed, 0 missing, 0 duplicate lines dropped.`);
    expect(read(out('array'), 'per-model.csv')).toBe(read(out('one-process'), 'per-model.csv'));
    expect(untimed(read(out('array'), 'per-image.csv'))).toEqual(untimed(read(out('one-process'), 'per-image.csv')));
    // Shard i of 3 holds a contiguous block of the model-major job list: jobs 0–1, 2–4, 5–7.
    const first = (i: number) => JSON.parse(read(out('array'), `results-${i}-of-3.jsonl`).split('\n')[0]).jobIndex;
    expect([0, 1, 2].map(first)).toEqual([0, 2, 5]);
  });

  it('resumes a task cancelled half-way and submitted again, and a task requeued half-way: nothing missing, nothing twice', async () => {
    const dir = out('cancelled');
    // 40 steps a job, so a fast machine still leaves time to act between a task's first and last job.
    const args = ARGS.map((a) => (a === '10' ? '40' : a));
    const jobId = submit('0-2', dir, [], false, args).trim().split(';')[0];
    const middle = path.join(dir, 'results-1-of-3.jsonl');
    const last = path.join(dir, 'results-2-of-3.jsonl');
    // Task 1 holds 3 jobs: requeue it (as a preemption would) once its first result is on disk;
    // Slurm holds a requeued job for a while, so it is let go at once.
    await until('the first result of task 1', () => countLines(middle) >= 1, 240_000);
    cluster.run('scontrol', ['requeue', `${jobId}_1`]);
    await until('task 1 to be pending again', () => /PENDING/.test(cluster.run('squeue', ['-h', '-j', `${jobId}_1`, '-o', '%T'])), 60_000);
    cluster.run('scontrol', ['update', `JobId=${jobId}_1`, 'StartTime=now']);
    // Task 2 holds 3 jobs too: cancel it once its first result is on disk.
    await until('the first result of task 2', () => countLines(last) >= 1, 240_000);
    cluster.run('scancel', [`${jobId}_2`]);
    await until('the array to leave the queue', () => cluster.run('squeue', ['-h', '-j', jobId]).trim() === '', 240_000);
    expect(countLines(last), 'task 2 was cancelled before it finished its 3 jobs').toBeLessThan(3);
    const requeued = fs.readFileSync(path.join(cluster.dir, `task-${jobId}_1.out`), 'utf8');
    expect(requeued, 'task 1 ran again after its requeue').toMatch(/restart 1/);
    expect(requeued).toMatch(/shard 1\/3: 3\/3 jobs have a result; this run: [12] jobs/);
    expect(countLines(middle)).toBe(3);

    submit('2', dir, ['--shards', '3'], true, args);
    const report = merge(dir);
    expect(report).toMatch(`${JOBS}/${JOBS} jobs with a result, 0 failed, 0 missing, 0 duplicate lines dropped.`);
    expect(countLines(last)).toBe(3);
    const rows = parseCsv(read(dir, 'per-image.csv')).records.slice(1);
    expect(new Set(rows.map((r) => `${r[1]}|${r[3]}`)).size).toBe(JOBS);
    expect(rows).toHaveLength(JOBS);
  });
});
