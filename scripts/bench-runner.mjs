#!/usr/bin/env node
// npm run bench:runner: FMN steps per second of the command-line runner (npm run batch: Node 20,
// WASM) and of the browser (npm run bench: headless Chromium, WASM) on the same model, measured AT THE
// SAME TIME. On a shared machine the load moves a figure by 2-3x within seconds, so one after the
// other they compare load, not code. Here the runner works through its jobs while the browser bench
// runs again and again beside it; each runs in its own session, so Linux's autogroup scheduler gives
// the two the same share of the CPU. Both figures are steps over the time of the attack (the runner's
// also hands the image over, predicts it, evaluates step 0 and aligns the best delta).
// Environment:
//   RUNNER_BENCH_MODEL   catalogue id, default mobilenet_v1_0.25_224
//   RUNNER_BENCH_STEPS   FMN steps per runner job and per browser timing, default 40
//   RUNNER_BENCH_IMAGES  runner images, default samples (10 jobs)
//   BENCH_DIST, BENCH_SKIP_BUILD=1 as for npm run bench (built once here unless skipped)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
const model = env.RUNNER_BENCH_MODEL ?? 'mobilenet_v1_0.25_224';
const steps = Number(env.RUNNER_BENCH_STEPS ?? 40);
const images = env.RUNNER_BENCH_IMAGES ?? 'samples';
const dist = env.BENCH_DIST ?? 'bench-results/dist';

function browser(skipBuild) {
  const before = new Set(fs.existsSync('bench-results') ? fs.readdirSync('bench-results') : []);
  const r = spawnSync('node', ['scripts/bench.mjs'], {
    env: { ...env, BENCH_BACKENDS: 'wasm', BENCH_MODELS: model, BENCH_STEPS: String(steps), BENCH_DIST: dist, ...(skipBuild ? { BENCH_SKIP_BUILD: '1' } : {}) },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`npm run bench failed:\n${r.stdout}\n${r.stderr}`);
  const file = fs.readdirSync('bench-results').filter((f) => f.endsWith('.json') && !before.has(f)).sort().pop();
  const report = JSON.parse(fs.readFileSync(path.join('bench-results', file), 'utf8'));
  return report.reports[0].rows.find((row) => row.model === model).fmnStepsPerS;
}

if (env.BENCH_SKIP_BUILD !== '1') {
  const b = spawnSync('npx', ['vite', 'build', '--outDir', dist], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'alignscope-runner-bench-'));
let stderr = '';
// detached: a session of its own, hence an autogroup of its own, like the browser's.
const runner = spawn('node_modules/.bin/tsx', ['src/cli/batch.ts', '--models', model, '--images', images, '--steps', String(steps), '--out', out, '--progress', 'lines'], {
  env,
  detached: true,
  stdio: ['ignore', 'ignore', 'pipe'],
});
runner.stderr.on('data', (d) => (stderr += d));
const finished = new Promise((resolve) => runner.on('exit', (code) => resolve(code)));
let done = false;
finished.then(() => (done = true));

const figures = [];
const load = os.loadavg()[0];
while (!done) {
  figures.push(browser(true));
  // Let the runner's exit be noticed between two browser runs.
  await new Promise((r) => setTimeout(r, 100));
}
const code = await finished;
fs.rmSync(out, { recursive: true, force: true });
const m = /([\d.]+) jobs\/min, ([\d.]+) fmn steps\/s \(attack execution only; fastest job ([\d.]+)\)/.exec(stderr);
if (code !== 0 || !m) {
  console.error(`npm run batch failed (${code}):\n${stderr}`);
  process.exit(1);
}
const mean = figures.reduce((s, v) => s + v, 0) / figures.length;
console.log(`\n${model}, WASM, ${steps} FMN steps; machine load ${load.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end.`);
console.log('\n| what | FMN steps/s |');
console.log('|---|---|');
console.log(`| browser (npm run bench), ${figures.length} runs while the runner ran: each | ${figures.map((f) => f.toFixed(2)).join(', ')} |`);
console.log(`| browser, mean | ${mean.toFixed(2)} |`);
console.log(`| runner (npm run batch, ${images} × ${steps} steps), all jobs | ${Number(m[2]).toFixed(2)} (fastest job ${Number(m[3]).toFixed(2)}; ${m[1]} jobs/min) |`);
console.log(`| runner ÷ browser mean | ${(Number(m[2]) / mean).toFixed(2)} |`);
