/**
 * `npm run soak:batch`: a long batch through the same path the app and the command-line runner
 * take (BatchRunner → WorkerJobExecutor → WorkerHost in-process → TF.js WASM), printing live
 * tensors and JS heap along the way. Knobs: SOAK_JOBS (default 500), SOAK_STEPS (20),
 * SOAK_MODEL (mobilenet_v1_0.25_224). Images: the ten ClickMe samples of the asset mirror, cycled.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { cropResize } from '../core/image/resize';
import { useBackend } from '../test/backend';
import { ASSETS_DIR, hasAssets } from '../test/assets';
import { WorkerJobExecutor } from '../worker/batchExecutor';
import { newBatchId, type BatchPlan } from '../core/batch/plan';
import { BatchRunner, type ResultSink } from '../core/batch/runner';
import { routedImageSource } from '../core/batch/imageSource';
import type { ResultRecord } from '../core/results/types';
import { decodeImageSync } from './decodeImage';
import { startInProcessWorker } from './inProcessWorker';

const JOBS = Number(process.env.SOAK_JOBS ?? 500);
const STEPS = Number(process.env.SOAK_STEPS ?? 20);
const MODEL = process.env.SOAK_MODEL ?? 'mobilenet_v1_0.25_224';

const picture = (file: string, channels: 1 | 3) => decodeImageSync(new Uint8Array(fs.readFileSync(file)), channels, path.basename(file));

const mb = (b: number) => (b / 2 ** 20).toFixed(1);

describe.skipIf(!hasAssets)('batch soak', () => {
  it(`${JOBS} jobs of ${MODEL}, ${STEPS} FMN steps, WASM: constant live tensors, bounded heap`, async () => {
    await useBackend('wasm');
    const dir = path.join(ASSETS_DIR, 'clickme-samples');
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { samples: { id?: string; image: string; heatmap: string; label: number }[] };
    const samples = index.samples.map((s) => ({ image: picture(path.join(dir, s.image), 3), heatmap: picture(path.join(dir, s.heatmap), 1), label: s.label }));

    // The command-line runner's in-process worker: the app's worker host over a MessageChannel.
    const worker = startInProcessWorker([ASSETS_DIR]);
    const client = worker.client;
    await client.init('wasm');

    const images = Array.from({ length: JOBS }, (_, i) => `s${i % samples.length}-${i}`);
    const plan: BatchPlan = { id: newBatchId(), createdAt: Date.now(), protocol: 'interactive', models: [MODEL], images, attack: 'fmn', steps: STEPS, status: 'running' };
    const source = routedImageSource({
      sample: async (id, size) => {
        const s = samples[Number(id.slice(1, id.indexOf('-')))];
        return { pixels: cropResize(s.image, size).data, heatmap: cropResize(s.heatmap, size), label: s.label };
      },
    });
    let kept = 0;
    let successes = 0;
    const sink: ResultSink = { storedIds: async () => new Set(), put: async (r: ResultRecord) => { kept++; if (r.success) successes++; } };

    const gc = (globalThis as { gc?: () => void }).gc;
    const sample = () => {
      gc?.();
      return { tensors: tf.memory().numTensors, heap: process.memoryUsage().heapUsed, wasmBytes: tf.memory().numBytes };
    };
    const marks: { done: number; tensors: number; heap: number; wasmBytes: number }[] = [];
    const started = Date.now();
    let lastMark = -1;
    const runner = new BatchRunner(new WorkerJobExecutor(client, 'wasm', async (id) => ({ kind: 'catalogue', id })), source, sink);
    await runner.run(plan, {
      onProgress: (p) => {
        // After the first job (model and kernels warm) and every 50 jobs: between jobs, no attack in flight.
        if ((p.done === 1 || p.done % 50 === 0 || p.done === p.total) && p.done !== lastMark && p.done > 0) {
          lastMark = p.done;
          marks.push({ done: p.done, ...sample() });
          const m = marks.at(-1)!;
          console.log(`${String(m.done).padStart(4)} / ${p.total} jobs · ${((Date.now() - started) / 60_000).toFixed(1)} min · ${p.perMinute?.toFixed(1) ?? '–'} jobs/min · live tensors ${m.tensors} · tensor bytes ${mb(m.wasmBytes)} MB · JS heap ${mb(m.heap)} MB`);
        }
      },
    });
    worker.close();
    const first = marks[0];
    const last = marks.at(-1)!;
    const minutes = (Date.now() - started) / 60_000;
    console.log(
      `SOAK ${kept} jobs (${successes} adversarial found) · ${MODEL} · ${STEPS} FMN steps · WASM (Node ${process.version}, gc ${gc ? 'forced' : 'not exposed'}) · ` +
        `${minutes.toFixed(1)} min, ${(kept / minutes).toFixed(1)} jobs/min · live tensors after job 1: ${first.tensors}, after job ${last.done}: ${last.tensors} ` +
        `(max ${Math.max(...marks.map((m) => m.tensors))}) · JS heap after job 1: ${mb(first.heap)} MB, after job ${last.done}: ${mb(last.heap)} MB ` +
        `(growth ${mb(last.heap - first.heap)} MB, max ${mb(Math.max(...marks.map((m) => m.heap)))} MB)`,
    );
    expect(kept).toBe(JOBS);
    expect(marks.every((m) => m.tensors === first.tensors)).toBe(true);
    expect(last.heap - first.heap).toBeLessThan(50 * 2 ** 20);
  });
});
