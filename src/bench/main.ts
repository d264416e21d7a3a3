import * as tf from '@tensorflow/tfjs';
import { initBackend, tfBackendDriver, type BackendName } from '../core/backends/initBackend';
import { configureWasmBackend } from '../core/backends/wasmSetup';
import { createAttack } from '../core/attacks/createAttack';
import { defaultConfig } from '../core/attacks/defaults';
import type { Classifier } from '../core/models/types';
import { openBenchModels, resolveModelIds } from './benchModels';
import { gradientRelDiff, inputGradient, kernelCount, medianMs } from './measure';

/** One row of the benchmark table: a model on the backend this page runs. */
export interface BenchRow {
  model: string;
  /** Input side in pixels (the TFLite models take 128 to 224). */
  inputSize: number | null;
  forwardMs: number | null;
  naiveGradMs: number | null;
  /** False where there is no naive baseline: TFLite and ONNX models are built from plain ops already. */
  naiveApplies: boolean;
  engineGradMs: number | null;
  /** naive / engine. */
  ratio: number | null;
  /** Kernels launched by one input gradient. */
  naiveGradKernels: number | null;
  engineGradKernels: number | null;
  /** max |engine gradient − naive gradient| / max |naive gradient|: the engine computes the same thing. */
  gradRelDiff: number | null;
  fmnStepsPerS: number | null;
  /** Live tensors held while an FMN run is open after `steps` steps, and left after dispose. */
  liveTensorsDuringRun: number | null;
  leakedTensorsAfterRun: number | null;
  notes: string[];
}

export interface BenchReport {
  backend: string;
  requested: BackendName;
  adapter: string;
  fellBack: boolean;
  reasons: string[];
  userAgent: string;
  cores: number;
  reps: number;
  steps: number;
  rows: BenchRow[];
  /** The model being measured, with what is known so far (partial reports only). */
  current?: BenchRow;
  error?: string;
}

const params = new URLSearchParams(location.search);
const requested = (params.get('backend') ?? 'webgpu') as BackendName;
const reps = Number(params.get('reps') ?? 1);
const steps = Number(params.get('steps') ?? 5);
const modelIds = resolveModelIds(params.get('models'));
// threads=1: the wasm backend on one thread even where the page is cross-origin isolated (the single-threaded row).
const singleThread = params.get('threads') === '1';
// check=only: just compare the engine's gradient with the naive one (a browser test of the engine on a backend).
const checkOnly = params.get('check') === 'only';

async function attempt<T>(notes: string[], what: string, f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch (e) {
    notes.push(`${what}: ${(e as Error).message.slice(0, 160)}`);
    return null;
  }
}

async function benchModel(id: string, onRow: (row: BenchRow) => void): Promise<BenchRow> {
  const notes: string[] = [];
  const row: BenchRow = {
    model: id,
    inputSize: null,
    forwardMs: null,
    naiveGradMs: null,
    naiveApplies: true,
    engineGradMs: null,
    ratio: null,
    naiveGradKernels: null,
    engineGradKernels: null,
    gradRelDiff: null,
    fmnStepsPerS: null,
    liveTensorsDuringRun: null,
    leakedTensorsAfterRun: null,
    notes,
  };
  onRow(row);
  // A model that cannot be opened is one row's note, not the end of the page.
  const models = await attempt(notes, 'open', () => openBenchModels(id));
  if (!models) return row;
  const { info, engine, naive } = models;
  row.inputSize = info.inputSize;
  row.naiveApplies = naive !== null;
  const x = tf.randomUniform([1, info.inputSize, info.inputSize, 3], 0, 1, 'float32', 1) as tf.Tensor4D;

  if (naive) row.gradRelDiff = await attempt(notes, 'gradient check', () => gradientRelDiff(engine.logits, naive.logits, x));
  if (!checkOnly) await measure(row, engine, naive, x);
  naive?.dispose();
  x.dispose();
  engine.dispose();
  return row;
}

/** Timings, kernel counts and an FMN run: everything but the gradient check. */
async function measure(row: BenchRow, engine: Classifier, naive: Classifier | null, x: tf.Tensor4D): Promise<void> {
  const { notes } = row;
  row.forwardMs = await attempt(notes, 'forward', () => medianMs(reps, () => engine.logits(x)));
  row.engineGradMs = await attempt(notes, 'engine gradient', () => medianMs(reps, () => inputGradient(engine.logits, x)));
  row.engineGradKernels = await attempt(notes, 'engine kernels', () => kernelCount(() => inputGradient(engine.logits, x)));
  if (naive) {
    row.naiveGradMs = await attempt(notes, 'naive gradient', () => medianMs(reps, () => inputGradient(naive.logits, x)));
    row.naiveGradKernels = await attempt(notes, 'naive kernels', () => kernelCount(() => inputGradient(naive.logits, x)));
    if (row.naiveGradMs !== null && row.engineGradMs !== null) row.ratio = row.naiveGradMs / row.engineGradMs;
  }

  await attempt(notes, 'FMN', async () => {
    const before = tf.memory().numTensors;
    const run = createAttack(engine.logits, x, defaultConfig('fmn', { steps: Math.max(steps, 1), previewSize: 64 }));
    await run.step(); // step 0 evaluates the clean image (and compiles shaders)
    const t0 = performance.now();
    while (!run.done) await run.step();
    row.fmnStepsPerS = (1000 * steps) / (performance.now() - t0);
    row.liveTensorsDuringRun = tf.memory().numTensors - before;
    await run.result();
    run.dispose();
    row.leakedTensorsAfterRun = tf.memory().numTensors - before;
  });
}

async function main(): Promise<BenchReport> {
  const driver = singleThread
    ? {
        ...tfBackendDriver,
        setBackend: async (name: BackendName) => {
          if (name === 'wasm') configureWasmBackend({ threads: false });
          return tf.setBackend(name);
        },
      }
    : tfBackendDriver;
  const status = await initBackend(requested, driver);
  const report: BenchReport = {
    backend: status.name,
    requested,
    adapter: status.adapterDescription,
    fellBack: status.fellBack,
    reasons: status.reasons,
    userAgent: navigator.userAgent,
    cores: navigator.hardwareConcurrency,
    reps,
    steps,
    rows: [],
  };
  // A fallback would measure another backend under this one's name: report it and stop.
  if (status.fellBack) return report;
  // Published as it fills, so a runner that gives up on a slow backend still gets what was measured.
  (window as unknown as { __benchPartial?: BenchReport }).__benchPartial = report;
  for (const id of modelIds) report.rows.push(await benchModel(id, (row) => (report.current = row)));
  delete report.current;
  return report;
}

const out = document.getElementById('result')!;
const w = window as unknown as { __benchResult?: BenchReport };
main()
  .catch((e: Error): BenchReport => ({
    backend: tf.getBackend() ?? 'none',
    requested,
    adapter: '',
    fellBack: false,
    reasons: [],
    userAgent: navigator.userAgent,
    cores: navigator.hardwareConcurrency,
    reps,
    steps,
    rows: [],
    error: e.message,
  }))
  .then((report) => {
    out.textContent = JSON.stringify(report, null, 2);
    w.__benchResult = report;
  });
