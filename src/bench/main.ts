import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../core/backends/initBackend';
import { createAttack } from '../core/attacks/createAttack';
import { defaultConfig } from '../core/attacks/defaults';
import { naiveLogits } from '../core/engine/naiveLogits';
import { catalogueModel, CATALOGUE } from '../core/models/catalogue';
import { buildLayersModel, parseModelJson, weightFileNames } from '../core/models/layersLoader';
import { openLayersModel } from '../core/models/layersImporter';
import { wrapClassifier } from '../core/models/wrapClassifier';
import { inputGradient, medianMs } from './measure';

/** One row of the benchmark table: a model on the backend this page runs. */
export interface BenchRow {
  model: string;
  forwardMs: number | null;
  naiveGradMs: number | null;
  engineGradMs: number | null;
  /** naive / engine. */
  ratio: number | null;
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
const modelIds = (params.get('models') ?? CATALOGUE.filter((m) => m.format === 'tfjs-layers').map((m) => m.id).join(',')).split(',');

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`The benchmark could not fetch ${url} (HTTP ${res.status}); run npm run assets first.`);
  return new Uint8Array(await res.arrayBuffer());
}

async function attempt<T>(notes: string[], what: string, f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch (e) {
    notes.push(`${what}: ${(e as Error).message.slice(0, 160)}`);
    return null;
  }
}

async function benchModel(id: string, onRow: (row: BenchRow) => void): Promise<BenchRow> {
  const info = catalogueModel(id);
  const base = `/assets/${info.assetPath!.slice(0, info.assetPath!.lastIndexOf('/') + 1)}`;
  const main = { name: 'model.json', bytes: await fetchBytes(`${base}model.json`) };
  const json = parseModelJson(main.bytes, main.name);
  const files = new Map<string, Uint8Array>();
  for (const n of weightFileNames(json)) files.set(n, await fetchBytes(base + n));

  const notes: string[] = [];
  const row: BenchRow = {
    model: id,
    forwardMs: null,
    naiveGradMs: null,
    engineGradMs: null,
    ratio: null,
    fmnStepsPerS: null,
    liveTensorsDuringRun: null,
    leakedTensorsAfterRun: null,
    notes,
  };
  onRow(row);
  const layers = await buildLayersModel(json, files, main.name);
  const naive = wrapClassifier(naiveLogits(layers, info.logitsLayer), info);
  const engine = wrapClassifier((await openLayersModel(main, files, { logitsLayer: info.logitsLayer })).raw, info);
  const x = tf.randomUniform([1, info.inputSize, info.inputSize, 3], 0, 1, 'float32', 1) as tf.Tensor4D;

  row.forwardMs = await attempt(notes, 'forward', () => medianMs(reps, () => engine.logits(x)));
  row.engineGradMs = await attempt(notes, 'engine gradient', () => medianMs(reps, () => inputGradient(engine.logits, x)));
  row.naiveGradMs = await attempt(notes, 'naive gradient', () => medianMs(reps, () => inputGradient(naive.logits, x)));
  if (row.naiveGradMs !== null && row.engineGradMs !== null) row.ratio = row.naiveGradMs / row.engineGradMs;
  naive.dispose();
  layers.dispose();

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
  x.dispose();
  engine.dispose();
  return row;
}

async function main(): Promise<BenchReport> {
  const status = await initBackend(requested);
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
