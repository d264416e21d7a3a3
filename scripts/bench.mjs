#!/usr/bin/env node
// npm run bench: build the app (bench.html is a second Vite input), serve it with vite preview on a
// free port, open bench.html once per backend in headless Chromium and print one table.
// No .onnx file is mirrored, so the ONNX rows' files are converted here from the mirrored Keras
// MobileNets (scripts/onnx-fixtures/kerasMobilenetToOnnx.mjs) into <BENCH_DIST>/bench-onnx/.
// Environment:
//   BENCH_BACKENDS   comma-separated, default webgpu,webgl,wasm,wasm:1,cpu; "wasm" runs as many threads as the
//                    page allows (vite preview sends COOP/COEP, so the threaded build), "wasm:1" one thread
//   BENCH_MODELS     comma-separated row ids and groups (src/bench/benchModels.ts), default
//                    "layers,mobilenet_v1_0.25_128_quant,onnx:mobilenet_v1_0.25_224". Ids: catalogue ids of
//                    tfjs-layers and tflite models (e.g. mobilenet_v2_1.0_224_quant), and onnx:<layers id>
//                    for that Keras MobileNet v1 converted to ONNX; torch:<torchvision name> (e.g. torch:resnet50,
//                    torch:vit_b_16) for that architecture exported here with random weights by Debian's PyTorch
//                    (python3-torch python3-torchvision python3-onnx). Groups: layers, tflite, onnx, torch
//                    (torch:resnet50,torch:vit_b_16), all (without torch).
//                    TFLite and ONNX rows have no naive gradient (n/a): they are built from plain ops already.
//   BENCH_REPS       timed calls per measurement after one warm-up, default 1
//   BENCH_STEPS      FMN steps timed, default 5
//   BENCH_PAGE_TIMEOUT_MS  per backend, default 8 min; a backend that runs over keeps its finished rows
//   BENCH_PORT       default: a free port
//   BENCH_DIST       build folder, default bench-results/dist
//   BENCH_SKIP_BUILD=1  reuse BENCH_DIST as built
//   BENCH_TORCH=0    skip the PyTorch step of the speed goal (scripts/torch-step-bench.py; needs python3-torch)
//   BENCH_TORCH_STEPS  PyTorch steps timed, default 20
//   CHROMIUM_PATH    default /usr/bin/chromium
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { kerasMobilenetToOnnx } from './onnx-fixtures/kerasMobilenetToOnnx.mjs';

const env = process.env;
const dist = env.BENCH_DIST ?? 'bench-results/dist';
const backends = (env.BENCH_BACKENDS ?? 'webgpu,webgl,wasm,wasm:1,cpu').split(',');
const reps = Number(env.BENCH_REPS ?? 1);
const steps = Number(env.BENCH_STEPS ?? 5);
const perPageTimeoutMs = Number(env.BENCH_PAGE_TIMEOUT_MS ?? 8 * 60_000);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForServer(url, child, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`vite preview exited early (code ${child.exitCode}).`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`vite preview did not answer at ${url} within ${timeoutMs / 1000} s.`);
}

/** The layers ids behind the onnx: rows asked for (the default row's always, as the page's default list has it). */
function onnxSourceIds() {
  const named = (env.BENCH_MODELS ?? '').split(',').map((s) => s.trim());
  return [...new Set(['mobilenet_v1_0.25_224', ...named.filter((s) => s.startsWith('onnx:')).map((s) => s.slice('onnx:'.length))])];
}

/** Writes (every run, so a reused build never holds a stale one) <dist>/bench-onnx/<id>.onnx from the Keras MobileNet that the build copied to <dist>/assets/models/<id>. */
function writeOnnxModels() {
  for (const id of onnxSourceIds()) {
    const out = path.join(dist, 'bench-onnx', `${id}.onnx`);
    const dir = path.join(dist, 'assets', 'models', id);
    if (!fs.existsSync(path.join(dir, 'model.json'))) {
      console.warn(`warning: ${dir}/model.json is missing, so the row onnx:${id} will fail; run npm run assets before the benchmark.`);
      continue;
    }
    const bytes = kerasMobilenetToOnnx(fs.readFileSync(path.join(dir, 'model.json')), (f) => new Uint8Array(fs.readFileSync(path.join(dir, f))));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, bytes);
  }
}

/** Exports the torch: rows' architectures (every run: seeded, so the same file) into <dist>/bench-onnx/torch/. */
function writeTorchModels() {
  const named = (env.BENCH_MODELS ?? '').split(',').map((s) => s.trim());
  const names = [...new Set(named.flatMap((s) => (s === 'torch' ? ['resnet50', 'vit_b_16'] : s.startsWith('torch:') ? [s.slice('torch:'.length)] : [])))];
  if (names.length === 0) return;
  const out = path.join(dist, 'bench-onnx', 'torch');
  const run = spawnSync('/usr/bin/python3', ['scripts/onnx-fixtures/export_torchvision_full.py', out, ...names], { stdio: 'inherit' });
  if (run.status !== 0) console.warn('warning: the PyTorch export failed, so the torch: rows will fail; apt-get install -y python3-torch python3-torchvision python3-onnx.');
}

const fmt = (v, digits = 1) => (v === null || v === undefined ? '—' : Number(v).toFixed(digits));

/** "wasm (2 threads)": the wasm rows say how many threads ran. */
const backendLabel = (r) => (r.backend === 'wasm' && r.adapter ? `wasm (${r.adapter})` : r.backend);

/**
 * PyTorch's CPU attack step on the same machine (scripts/torch-step-bench.py, Debian's python3-torch),
 * or null where torch is not installed or BENCH_TORCH=0. Lines "N thread(s): median X ms ...".
 */
function torchStepMs() {
  if (env.BENCH_TORCH === '0') return null;
  const run = spawnSync('/usr/bin/python3', ['scripts/torch-step-bench.py', env.BENCH_TORCH_STEPS ?? '20', '0.75'], { encoding: 'utf8' });
  if (run.status !== 0) return null;
  const rows = [...run.stdout.matchAll(/(\d+) thread\(s\): median ([\d.]+) ms/g)].map((m) => ({ threads: Number(m[1]), ms: Number(m[2]) }));
  return rows.length ? rows : null;
}

/** The issue's speed goal: one FMN step on MobileNet v1 0.75 on WASM against a PyTorch CPU attack step. */
function speedGoal(reports, torch) {
  const wasm = [];
  for (const r of reports.filter((rep) => rep.backend === 'wasm' && !rep.fellBack)) {
    const row = r.rows.find((m) => m.model === 'mobilenet_v1_0.75_224' && m.fmnStepsPerS);
    if (row) wasm.push({ label: backendLabel(r), ms: 1000 / row.fmnStepsPerS });
  }
  if (!wasm.length) return '';
  const best = torch ? Math.min(...torch.map((t) => t.ms)) : null;
  const lines = [`\nSpeed goal, MobileNet v1 0.75 (224 px, batch 1): a WASM FMN step takes at most a PyTorch CPU attack step.`];
  if (torch) for (const t of torch) lines.push(`  PyTorch CPU, ${t.threads} thread(s): ${t.ms.toFixed(1)} ms per step (scripts/torch-step-bench.py, measured just now)`);
  else lines.push('  PyTorch: not measured here (needs Debian\'s python3-torch; BENCH_TORCH=0 skips it)');
  for (const w of wasm) lines.push(`  ${w.label}: ${w.ms.toFixed(1)} ms per FMN step${best ? ` — goal ${w.ms <= best ? 'met' : 'not met'} (${(w.ms / best).toFixed(2)}× PyTorch's best)` : ''}`);
  return lines.join('\n');
}

function table(reports) {
  const head = ['backend', 'model', 'input', 'ms/forward', 'ms/naive grad', 'ms/engine grad', 'naive/engine', 'kernels/grad naive:engine', 'grad rel. diff', 'FMN steps/s', `live tensors (run open, ${steps} st.)`, 'leaked after dispose'];
  const rows = [];
  for (const r of reports) {
    if (r.fellBack || r.rows.length === 0) {
      rows.push([r.requested, `unavailable: ${r.error ?? r.reasons.join(' ')}`.slice(0, 120), '', '', '', '', '', '', '', '', '', '']);
      continue;
    }
    for (const m of r.rows) {
      const naive = (v, digits) => (m.naiveApplies === false ? 'n/a' : fmt(v, digits));
      rows.push([backendLabel(r), m.model, m.inputSize ?? '—', fmt(m.forwardMs), naive(m.naiveGradMs), fmt(m.engineGradMs), naive(m.ratio, 2), m.naiveApplies === false ? `n/a:${fmt(m.engineGradKernels, 0)}` : `${fmt(m.naiveGradKernels, 0)}:${fmt(m.engineGradKernels, 0)}`, m.naiveApplies === false ? 'n/a' : m.gradRelDiff == null ? '—' : m.gradRelDiff.toExponential(1), fmt(m.fmnStepsPerS, 2), fmt(m.liveTensorsDuringRun, 0), fmt(m.leakedTensorsAfterRun, 0)]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main() {
  if (env.BENCH_SKIP_BUILD !== '1') {
    const build = spawnSync('npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('vite build failed.');
  }
  if (!fs.existsSync(path.join(dist, 'assets', 'models'))) {
    console.warn(`warning: ${dist}/assets/models is missing; run npm run assets before the benchmark.`);
  }
  writeOnnxModels();
  writeTorchModels();
  const port = Number(env.BENCH_PORT ?? (await freePort()));
  const server = spawn('npx', ['vite', 'preview', '--strictPort', '--port', String(port), '--outDir', dist], { stdio: 'ignore', detached: true });
  const stopServer = () => {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.on('exit', stopServer);
  const browser = await chromium.launch({
    executablePath: env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--enable-unsafe-webgpu', '--disable-quic'],
  });
  const reports = [];
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(`${base}/bench.html`, server);
    for (const backend of backends) {
      const page = await browser.newPage();
      const [name, threads] = backend.split(':');
      const query = new URLSearchParams({ backend: name, ...(threads === '1' ? { threads: '1' } : {}), reps: String(reps), steps: String(steps), ...(env.BENCH_MODELS ? { models: env.BENCH_MODELS } : {}) });
      const t0 = Date.now();
      await page.goto(`${base}/bench.html?${query}`);
      let report;
      try {
        const handle = await page.waitForFunction(() => window.__benchResult, undefined, { timeout: perPageTimeoutMs, polling: 1000 });
        report = await handle.jsonValue();
      } catch {
        // Too slow (a software GPU on a busy machine): keep what was measured and say so.
        report = (await page.evaluate(() => window.__benchPartial).catch(() => null)) ?? { requested: backend, backend, rows: [], reasons: [] };
        if (report.current) report.rows.push({ ...report.current, notes: [...report.current.notes, 'timed out here'] });
        report.error = `gave up after ${perPageTimeoutMs / 1000} s (BENCH_PAGE_TIMEOUT_MS); rows above are partial`;
      }
      reports.push(report);
      console.log(`${backend}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s${report.error ? ` (error: ${report.error})` : ''}`);
      for (const row of report.rows) for (const n of row.notes) console.log(`  ${row.model}: ${n}`);
      await page.close();
    }
  } finally {
    await browser.close();
    stopServer();
  }
  const gpu = reports.find((r) => r.backend === 'webgpu' && !r.fellBack)?.adapter || 'none (WebGPU unavailable)';
  const cpus = os.cpus();
  console.log(`\nMachine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log(`Browser: ${reports[0]?.userAgent ?? 'unknown'}`);
  console.log(`WebGPU adapter: ${gpu}`);
  console.log(`Medians of ${reps} timed calls after one warm-up; FMN over ${steps} steps after step 0; input 1×S×S×3, S in column input.\n`);
  console.log(table(reports));
  // Right after the pages, so that both sides of the speed goal see the machine in the same state.
  const torch = reports.some((r) => r.rows.some((m) => m.model === 'mobilenet_v1_0.75_224')) ? torchStepMs() : null;
  const goal = speedGoal(reports, torch);
  if (goal) console.log(goal);
  for (const r of reports) if (r.error) console.log(`${r.requested}: ${r.error}`);
  fs.mkdirSync('bench-results', { recursive: true });
  const file = path.join('bench-results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ machine: { cpus: cpus.length, cpu: cpus[0]?.model, memGiB: os.totalmem() / 2 ** 30 }, reports, torch }, null, 2));
  console.log(`\nSaved ${file}`);
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
