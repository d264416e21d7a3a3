#!/usr/bin/env node
// npm run bench:goal: the speed goal of npm run bench (a WASM FMN step on MobileNet v1 0.75, 224 px,
// batch 1, against a PyTorch CPU attack step on the same machine) over several rounds. Each round is
// one npm run bench (the WASM pages, then scripts/torch-step-bench.py right after), so the two sides of
// a round see the machine in the same state; the load of a shared machine moves either by 20-50 %
// from one minute to the next, which one round alone would report as a difference.
// Environment:
//   GOAL_ROUNDS      rounds, default 5
//   GOAL_BACKENDS    as BENCH_BACKENDS, default wasm,wasm:1 (threads as the page allows, and one)
//   BENCH_STEPS, BENCH_REPS (default 3), BENCH_DIST, BENCH_SKIP_BUILD=1 as for npm run bench
import os from 'node:os';
import { median, runBench } from './benchRun.mjs';

const env = process.env;
const rounds = Number(env.GOAL_ROUNDS ?? 5);
const model = 'mobilenet_v1_0.75_224';

function round(skipBuild) {
  const { reports, torch } = runBench({ BENCH_BACKENDS: env.GOAL_BACKENDS ?? 'wasm,wasm:1', BENCH_MODELS: model, ...(skipBuild ? { BENCH_SKIP_BUILD: '1' } : {}) });
  if (!torch) throw new Error('PyTorch was not measured: apt-get install -y python3-torch (Debian), and leave BENCH_TORCH unset.');
  const wasm = {};
  for (const rep of reports) {
    const row = rep.rows.find((m) => m.model === model);
    if (row?.fmnStepsPerS) wasm[rep.adapter || rep.backend] = 1000 / row.fmnStepsPerS;
  }
  return { wasm, torch: Object.fromEntries(torch.map((t) => [`${t.threads} thread${t.threads === 1 ? '' : 's'}`, t.ms])) };
}

const load = os.loadavg()[0];
const results = [];
for (let i = 0; i < rounds; i++) results.push(round(i > 0 || env.BENCH_SKIP_BUILD === '1'));
const wasmKeys = Object.keys(results[0].wasm);
const torchKeys = Object.keys(results[0].torch);
const bestTorch = (r) => Math.min(...Object.values(r.torch));
console.log(`\nSpeed goal, ${model} (224 px, batch 1), ms per step; ${rounds} rounds; machine load ${load.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end.`);
console.log(`\n| round | ${wasmKeys.map((k) => `WASM FMN, ${k}`).join(' | ')} | ${torchKeys.map((k) => `PyTorch, ${k}`).join(' | ')} | WASM (${wasmKeys[0]}) ÷ PyTorch's best |`);
console.log(`|---|${wasmKeys.map(() => '---|').join('')}${torchKeys.map(() => '---|').join('')}---|`);
const cells = (r) => [...wasmKeys.map((k) => r.wasm[k]), ...torchKeys.map((k) => r.torch[k])].map((v) => (v == null ? '—' : v.toFixed(1)));
results.forEach((r, i) => console.log(`| ${i + 1} | ${cells(r).join(' | ')} | ${(r.wasm[wasmKeys[0]] / bestTorch(r)).toFixed(2)} |`));
const med = { wasm: Object.fromEntries(wasmKeys.map((k) => [k, median(results.map((r) => r.wasm[k]))])), torch: Object.fromEntries(torchKeys.map((k) => [k, median(results.map((r) => r.torch[k]))])) };
console.log(`| median | ${cells(med).join(' | ')} | ${median(results.map((r) => r.wasm[wasmKeys[0]] / bestTorch(r))).toFixed(2)} |`);
