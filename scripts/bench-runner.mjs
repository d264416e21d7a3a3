#!/usr/bin/env node
// npm run bench:runner: FMN steps per second of the command-line runner (npm run batch: Node 20, WASM
// with the same thread pool as the app) and of the browser (npm run bench: headless Chromium, WASM) on
// the same model. Both use every core, so they run one after the other, alternating for several
// rounds: on a shared machine the load moves a figure within seconds, and alternating spreads that over
// both. The runner's figure is steps over the time of whole jobs (the image handed over, the clean
// prediction, step 0, every step and the best delta's alignment), the browser's over its steps alone,
// so the comparison leans against the runner.
// Environment:
//   RUNNER_BENCH_MODEL   catalogue id, default mobilenet_v1_0.25_224
//   RUNNER_BENCH_STEPS   FMN steps per runner job and per browser timing, default 100 (the interactive
//                        protocol's FMN budget; with fewer the runner's JIT warm-up weighs in)
//   RUNNER_BENCH_IMAGES  runner images, default samples (10 jobs)
//   RUNNER_BENCH_ROUNDS  runner-then-browser rounds, default 3
//   BENCH_DIST, BENCH_SKIP_BUILD=1 as for npm run bench (built once here unless skipped)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, runBench } from './benchRun.mjs';

const env = process.env;
const model = env.RUNNER_BENCH_MODEL ?? 'mobilenet_v1_0.25_224';
const steps = Number(env.RUNNER_BENCH_STEPS ?? 100);
const images = env.RUNNER_BENCH_IMAGES ?? 'samples';
const dist = env.BENCH_DIST ?? 'bench-results/dist';
const rounds = Number(env.RUNNER_BENCH_ROUNDS ?? 3);

function browser(skipBuild) {
  const report = runBench({ BENCH_TORCH: '0', BENCH_BACKENDS: 'wasm', BENCH_MODELS: model, BENCH_STEPS: String(steps), BENCH_DIST: dist, ...(skipBuild ? { BENCH_SKIP_BUILD: '1' } : {}) });
  return report.reports[0].rows.find((row) => row.model === model).fmnStepsPerS;
}

if (env.BENCH_SKIP_BUILD !== '1') {
  const b = spawnSync('npx', ['vite', 'build', '--outDir', dist], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}

/** One full runner run over the images: its steps/s over all jobs and its fastest job. */
function runner() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'alignscope-runner-bench-'));
  const r = spawnSync('node_modules/.bin/tsx', ['src/cli/batch.ts', '--models', model, '--images', images, '--steps', String(steps), '--out', out, '--progress', 'lines'], {
    env,
    encoding: 'utf8',
  });
  fs.rmSync(out, { recursive: true, force: true });
  const m = /([\d.]+) jobs\/min, ([\d.]+) fmn steps\/s \(attack execution only; ([\d.]+) after each model's first job; fastest job ([\d.]+)\)/.exec(r.stderr);
  const threads = /backend: (.*)/.exec(r.stderr)?.[1] ?? '?';
  if (r.status !== 0 || !m) throw new Error(`npm run batch failed (${r.status}):\n${r.stderr}`);
  return { stepsPerS: Number(m[2]), warm: Number(m[3]), fastest: Number(m[4]), jobsPerMin: Number(m[1]), threads };
}

const load = os.loadavg()[0];
const pairs = [];
for (let i = 0; i < rounds; i++) pairs.push({ runner: runner(), browser: browser(true) });
const r = median(pairs.map((p) => p.runner.stepsPerS));
const w = median(pairs.map((p) => p.runner.warm));
const b = median(pairs.map((p) => p.browser));
console.log(`\n${model}, ${steps} FMN steps, ${rounds} rounds (runner: ${pairs[0].runner.threads}); machine load ${load.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end.`);
console.log('\n| round | runner, all jobs | runner, after the first job (as the browser, after a warm-up) | browser (npm run bench, wasm) | runner ÷ browser, all jobs | after the first |');
console.log('|---|---|---|---|---|---|');
pairs.forEach((p, i) =>
  console.log(
    `| ${i + 1} | ${p.runner.stepsPerS.toFixed(2)} | ${p.runner.warm.toFixed(2)} | ${p.browser.toFixed(2)} | ${(p.runner.stepsPerS / p.browser).toFixed(2)} | ${(p.runner.warm / p.browser).toFixed(2)} |`,
  ),
);
console.log(`| median | ${r.toFixed(2)} | ${w.toFixed(2)} | ${b.toFixed(2)} | ${median(pairs.map((p) => p.runner.stepsPerS / p.browser)).toFixed(2)} | ${median(pairs.map((p) => p.runner.warm / p.browser)).toFixed(2)} |`);
