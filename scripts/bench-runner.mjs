#!/usr/bin/env node
// npm run bench:runner: FMN steps per second of the command-line runner (npm run batch, Node, WASM)
// next to the browser's figure from npm run bench (headless Chromium, WASM), on the same model,
// measured back to back (browser, runner, browser, runner, ...) so both see the same machine load.
// Environment:
//   RUNNER_BENCH_MODEL   catalogue id, default mobilenet_v1_0.25_224
//   RUNNER_BENCH_STEPS   FMN steps per runner job, default 20 (the browser times 20 steps after step 0;
//                        a runner job also sets the image, predicts it and evaluates step 0)
//   RUNNER_BENCH_IMAGES  default samples (10 jobs per round)
//   RUNNER_BENCH_ROUNDS  default 3
// A shared machine's load moves single timings a lot: the table gives each round's browser figure,
// the runner's mean over its jobs and its fastest job, then the best of each over all rounds.
//   BENCH_DIST, BENCH_SKIP_BUILD=1 as for npm run bench (built once, then reused)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
const model = env.RUNNER_BENCH_MODEL ?? 'mobilenet_v1_0.25_224';
const steps = Number(env.RUNNER_BENCH_STEPS ?? 20);
const images = env.RUNNER_BENCH_IMAGES ?? 'samples';
const rounds = Number(env.RUNNER_BENCH_ROUNDS ?? 3);
const dist = env.BENCH_DIST ?? 'bench-results/dist';

function browser(skipBuild) {
  const before = new Set(fs.existsSync('bench-results') ? fs.readdirSync('bench-results') : []);
  const r = spawnSync('node', ['scripts/bench.mjs'], {
    env: { ...env, BENCH_BACKENDS: 'wasm', BENCH_MODELS: model, BENCH_STEPS: '20', BENCH_DIST: dist, ...(skipBuild ? { BENCH_SKIP_BUILD: '1' } : {}) },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`npm run bench failed:\n${r.stdout}\n${r.stderr}`);
  const file = fs.readdirSync('bench-results').filter((f) => f.endsWith('.json') && !before.has(f)).sort().pop();
  const report = JSON.parse(fs.readFileSync(path.join('bench-results', file), 'utf8'));
  return report.reports[0].rows.find((row) => row.model === model).fmnStepsPerS;
}

function runner() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'alignscope-runner-bench-'));
  try {
    const r = spawnSync('node_modules/.bin/tsx', ['src/cli/batch.ts', '--models', model, '--images', images, '--steps', String(steps), '--out', out, '--progress', 'lines'], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run batch failed:\n${r.stderr}`);
    const m = /([\d.]+) jobs\/min, ([\d.]+) fmn steps\/s \(attack execution only; fastest job ([\d.]+)\)/.exec(r.stderr);
    if (!m) throw new Error(`npm run batch printed no speed line:\n${r.stderr}`);
    return { perMinute: Number(m[1]), stepsPerS: Number(m[2]), fastest: Number(m[3]) };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

const rows = [];
let bestBrowser = 0;
let bestRunner = 0;
for (let i = 0; i < rounds; i++) {
  const load = os.loadavg()[0].toFixed(1);
  const b = browser(i > 0 || env.BENCH_SKIP_BUILD === '1');
  const n = runner();
  bestBrowser = Math.max(bestBrowser, b);
  bestRunner = Math.max(bestRunner, n.fastest);
  rows.push(`| ${i + 1} | ${load} | ${b.toFixed(2)} | ${n.stepsPerS.toFixed(2)} | ${n.fastest.toFixed(2)} | ${n.perMinute.toFixed(1)} |`);
}
console.log(`\n${model}, WASM; browser: npm run bench (20 FMN steps after step 0); runner: npm run batch, ${images} × ${steps} steps a job.\n`);
console.log('| round | load (1 min) | browser FMN steps/s | runner FMN steps/s, all jobs | runner, fastest job | runner jobs/min |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(`\nBest of ${rounds} rounds: browser ${bestBrowser.toFixed(2)}, runner ${bestRunner.toFixed(2)} FMN steps/s (runner ÷ browser ${(bestRunner / bestBrowser).toFixed(2)}).`);
