/**
 * Test doubles for the worker: a toy classifier with closed-form logits, a scripted attack run,
 * and a client + host pair joined by a MessageChannel. Used by the worker and session tests.
 */
import * as tf from '@tensorflow/tfjs';
import type { Classifier, ModelInfo } from '../core/models/types';
import type { AttackConfig, AttackRun, RunResult, StepReport } from '../core/attacks/types';
import { WorkerClient, type PortLike } from './client';
import { WorkerHost, type HostDeps } from './host';

export const SIZE = 2;
const N = SIZE * SIZE * 3;

function info(id: string, inputSize: number): ModelInfo {
  return {
    id,
    name: `toy ${id}`,
    family: 'toy',
    format: 'tfjs-layers',
    inputSize,
    normalization: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] },
    normalizationName: '[0,1]',
    numOutputs: 1000,
    classOffset: 0,
  };
}

/** logits_j = slope · (j/1000) · Σx: for Σx > 0 the order is 999, 998, …; slope < 0 reverses it. */
export function toyClassifier(id: string, slope: number, size = SIZE): Classifier & { disposed: boolean } {
  const n = size * size * 3;
  const ramp = tf.tidy(() => tf.range(0, 1000).div(1000).mul(slope).reshape([1, 1000]));
  const c = {
    info: info(id, size),
    disposed: false,
    logits: (x: tf.Tensor4D) => tf.tidy(() => x.reshape([x.shape[0], n]).sum(1, true).matMul(ramp) as tf.Tensor2D),
    probs: (x: tf.Tensor4D) => tf.tidy(() => tf.softmax(c.logits(x))),
    dispose: () => {
      ramp.dispose();
      c.disposed = true;
    },
  };
  return c;
}

/** A run of `steps` steps whose L2 is 1/(k+1), adversarial from step 1. */
export function fakeAttack(config: AttackConfig, x0: tf.Tensor4D): AttackRun & { disposed: boolean } {
  let k = 0;
  const run = {
    config,
    disposed: false,
    get done() {
      return k >= config.steps;
    },
    async step(): Promise<StepReport> {
      if (x0.isDisposed) throw new Error('x0 was disposed under the run');
      await new Promise((r) => setTimeout(r, 5));
      const report: StepReport = {
        step: k,
        totalSteps: config.steps,
        l2: 1 / (k + 1),
        linf: 0.1,
        loss: 0,
        margin: k === 0 ? -1 : 1,
        isAdversarial: k > 0,
        predicted: 3,
        bestL2: k > 0 ? 1 / (k + 1) : null,
        gradEvals: k + 1,
        top5: [],
        delta: { data: new Float32Array(N).fill(k), height: SIZE, width: SIZE, channels: 3, full: true },
      };
      k++;
      return report;
    },
    async result(): Promise<RunResult> {
      return {
        attack: config.attack,
        readout: config.readout,
        label: 999,
        success: true,
        bestDelta: { data: new Float32Array(N), height: SIZE, width: SIZE, channels: 3, full: true },
        l2: 1 / k,
        linf: 0.1,
        advClass: 3,
        advImagenetClass: 3,
        gradEvals: k,
        steps: k,
        wallMs: 1,
      };
    },
    dispose() {
      run.disposed = true;
    },
  };
  return run;
}

export const config = (steps: number): AttackConfig => ({ attack: 'fmn', steps, readout: '1000-class', seed: 0, previewSize: 0 });

const channels: MessageChannel[] = [];

/** Closes every channel opened by connect(); call it in afterEach. */
export function closeChannels(): void {
  for (const c of channels.splice(0)) {
    c.port1.close();
    c.port2.close();
  }
}

/**
 * A client talking to a real WorkerHost in-process. Catalogue ids: 'up' (top-1 = 999), 'down'
 * (top-1 = 0), 'broken' (fails to load); `size` is the toy models' input size.
 */
export function connect(overrides: Partial<HostDeps> = {}, size = SIZE) {
  const models: Record<string, ReturnType<typeof toyClassifier>> = {};
  const runs: ReturnType<typeof fakeAttack>[] = [];
  let lost: ((reason: string) => void) | undefined;
  const deps: HostDeps = {
    initBackend: async (wanted) => ({ backend: wanted ?? 'cpu', adapter: '', fellBack: false, reasons: [] }),
    onGpuDeviceLost: (cb) => {
      lost = cb;
      return () => (lost = undefined);
    },
    loadClassifier: async (source) => {
      if (source.kind !== 'catalogue') throw new Error(`Cannot open "${source.kind}" in this test.`);
      if (source.id === 'broken') throw new Error('The file "model.json" is not a TF.js model.');
      const m = toyClassifier(source.id, source.id === 'down' ? -1 : 1, size);
      models[source.id] = m;
      return m;
    },
    createAttack: (_c, x0, cfg) => {
      const r = fakeAttack(cfg, x0);
      runs.push(r);
      return r;
    },
    ...overrides,
  };
  const channel = new MessageChannel();
  channels.push(channel);
  const host = new WorkerHost(channel.port1 as unknown as PortLike, deps);
  const client = new WorkerClient(channel.port2 as unknown as PortLike);
  return { host, client, models, runs, loseDevice: (reason: string) => lost?.(reason) };
}

