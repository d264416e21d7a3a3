/**
 * The worker's side of the protocol: owns the backend, the model, the current image and the
 * current attack run; receives a request, calls the core, posts the answer. The core functions
 * arrive as HostDeps so tests can run the host in Node over a MessageChannel.
 */
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../core/models/types';
import type { AttackConfig, AttackRun, DeltaImage, RunResult, StepReport } from '../core/attacks/types';
import { makeStepAligner, type StepAlignment } from '../core/metrics/stepAligner';
import type { PortLike } from './client';
import {
  parseRequest,
  transferablesOf,
  type AlignRequest,
  type AttackControlRequest,
  type AttackStartRequest,
  type BackendName,
  type LoadModelRequest,
  type ModelSource,
  type Prediction,
  type SetImageRequest,
  type StatusResponse,
  type WorkerErrorCode,
  type WorkerRequest,
  type WorkerResponse,
} from './protocol';

export type BackendStatus = Omit<StatusResponse, 'type' | 'requestId'>;

/** Longest stretch an align request computes before letting other messages in. */
const ALIGN_SLICE_MS = 16;

export interface HostDeps {
  initBackend(wanted?: BackendName): Promise<BackendStatus>;
  /**
   * Watches the running backend's GPU device (called after every backend start); returns a
   * function that stops watching. A no-op where the backend has no device.
   */
  onGpuDeviceLost?(callback: (reason: string) => void): () => void;
  loadClassifier(source: ModelSource, onProgress: (fraction: number) => void): Promise<Classifier>;
  createAttack(classifier: Classifier, x0: tf.Tensor4D, config: AttackConfig): AttackRun | Promise<AttackRun>;
}

/** A failure with a protocol code, thrown inside the host and posted as an error response. */
class HostError extends Error {
  constructor(
    message: string,
    readonly code: WorkerErrorCode,
  ) {
    super(message);
    this.name = 'HostError';
  }
}

interface Run {
  id: number;
  attack: AttackRun;
  align: (delta: DeltaImage) => StepAlignment;
  /** Post each step's report and alignment; else only its progress, which keeps the client's timeout from firing. */
  stepReports: boolean;
  paused: boolean;
  cancelled: boolean;
  wake: (() => void) | null;
}

export class WorkerHost {
  private status: BackendStatus | null = null;
  private classifier: Classifier | null = null;
  private modelSource: ModelSource | null = null;
  private image: { x: tf.Tensor4D; heatmap?: Float32Array; imageId?: string } | null = null;
  private run: Run | null = null;
  private running: Promise<void> | null = null;
  /** Grows whenever runs are cancelled, so a run still being set up knows it is stale. */
  private generation = 0;
  private retired: Classifier[] = [];

  constructor(
    private readonly port: PortLike,
    private readonly deps: HostDeps,
  ) {
    port.addEventListener('message', (event) => void this.receive(event.data));
    port.start?.();
  }

  private stopWatchingDevice: (() => void) | null = null;

  private async startBackend(wanted?: BackendName): Promise<BackendStatus> {
    const status = await this.deps.initBackend(wanted);
    this.stopWatchingDevice?.();
    this.stopWatchingDevice = this.deps.onGpuDeviceLost?.((reason) => void this.recoverFromLostDevice(reason)) ?? null;
    return status;
  }

  private post(message: WorkerResponse): void {
    this.port.postMessage(message, transferablesOf(message));
  }

  private async receive(data: unknown): Promise<void> {
    let request: WorkerRequest;
    try {
      request = parseRequest(data);
    } catch (e) {
      const id = (data as { requestId?: unknown } | null)?.requestId;
      this.post({ type: 'error', requestId: typeof id === 'number' ? id : null, code: 'bad-request', message: (e as Error).message });
      return;
    }
    try {
      await this.handle(request);
    } catch (e) {
      this.post({ type: 'error', requestId: request.requestId, ...describeError(e) });
    }
  }

  private async handle(r: WorkerRequest): Promise<void> {
    switch (r.type) {
      case 'init': {
        const before = this.status?.backend;
        this.status = await this.startBackend(r.backend);
        if (before && before !== this.status.backend) await this.moveToNewBackend();
        this.post({ type: 'status', requestId: r.requestId, ...this.status });
        return;
      }
      case 'loadModel':
        return this.loadModel(r);
      case 'setImage':
        return this.setImage(r);
      case 'predict':
        this.post({ type: 'predictions', requestId: r.requestId, top5: await this.predict() });
        return;
      case 'attackStart':
        return this.startAttack(r);
      case 'attackPause':
      case 'attackResume':
      case 'attackCancel':
        this.controlRun(r);
        this.post({ type: 'done', requestId: r.requestId });
        return;
      case 'align':
        return this.alignDeltas(r);
      default:
        throw new HostError(`The worker has no handler for "${(r as { type: string }).type}".`, 'bad-request');
    }
  }

  private requireBackend(): void {
    if (!this.status) throw new HostError('The worker has not started a backend yet: send "init" first.', 'no-backend');
  }

  private requireModel(): Classifier {
    if (!this.classifier) throw new HostError('No model is loaded yet: pick a model first.', 'no-model');
    return this.classifier;
  }

  private async loadModel(r: LoadModelRequest): Promise<void> {
    this.requireBackend();
    let loaded: Classifier;
    try {
      loaded = await this.deps.loadClassifier(r.source, (fraction) =>
        this.post({ type: 'progress', requestId: r.requestId, fraction }),
      );
    } catch (e) {
      // The previous model stays loaded and in use.
      throw asCode(e, 'model-load');
    }
    this.cancelRun();
    this.retire(this.classifier);
    this.classifier = loaded;
    this.modelSource = r.source;
    if (this.image && this.image.x.shape[1] !== loaded.info.inputSize) {
      // A picture at the old model's size cannot feed this one; the UI sends a new one.
      this.image.x.dispose();
      this.image = null;
    }
    this.post({ type: 'modelLoaded', requestId: r.requestId, info: loaded.info });
  }

  private setImage(r: SetImageRequest): void {
    const { pixels, size, heatmap } = r;
    if (!Number.isInteger(size) || size < 1 || pixels.length !== size * size * 3) {
      throw new HostError(
        `The image must be ${size}×${size}×3 float values (${size * size * 3}), but ${pixels.length} arrived.`,
        'bad-request',
      );
    }
    if (heatmap && heatmap.length !== size * size) {
      throw new HostError(`The heatmap must be ${size}×${size} values, but ${heatmap.length} arrived.`, 'bad-request');
    }
    if (this.classifier && size !== this.classifier.info.inputSize) {
      throw new HostError(
        `The image is ${size}×${size} but the model "${this.classifier.info.name}" takes ${this.classifier.info.inputSize}×${this.classifier.info.inputSize}.`,
        'bad-request',
      );
    }
    for (let i = 0; i < pixels.length; i++) {
      const v = pixels[i];
      if (!(v >= 0 && v <= 1)) {
        throw new HostError(`The image has a value ${v} at index ${i}; pixels must lie in [0, 1].`, 'bad-request');
      }
    }
    this.requireBackend();
    this.cancelRun();
    this.image?.x.dispose();
    this.image = { x: tf.tensor4d(pixels, [1, size, size, 3]), heatmap, imageId: r.imageId };
    this.post({ type: 'done', requestId: r.requestId });
  }

  private requireImage(): tf.Tensor4D {
    if (!this.image) throw new HostError('No image is set yet: pick an image first.', 'no-image');
    return this.image.x;
  }

  private async predict(): Promise<Prediction[]> {
    const classifier = this.requireModel();
    const x = this.requireImage();
    const [logits, probs] = tf.tidy(() => {
      const l = classifier.logits(x);
      return [l, tf.softmax(l)];
    });
    try {
      const [l, p] = await Promise.all([logits.data(), probs.data()]);
      return topK(p, l, 5);
    } finally {
      logits.dispose();
      probs.dispose();
    }
  }

  private async startAttack(r: AttackStartRequest): Promise<void> {
    const classifier = this.requireModel();
    const x = this.requireImage();
    const size = x.shape[1];
    if (r.humanMap && r.humanMap.length !== size * size) {
      throw new HostError(`The human map must be ${size}×${size} values, but ${r.humanMap.length} arrived.`, 'bad-request');
    }
    const align = aligner(r.humanMap ?? null);
    this.cancelRun();
    const generation = this.generation;
    // The run keeps its own handle on the input, so a new image can replace it mid-step.
    const x0 = x.clone();
    let attack: AttackRun;
    try {
      attack = await this.deps.createAttack(classifier, x0, r.config);
    } catch (e) {
      x0.dispose();
      throw asCode(e, 'attack');
    }
    if (generation !== this.generation) {
      // Another run, image or model arrived while this one was being set up.
      attack.dispose();
      x0.dispose();
      throw new HostError('The run was cancelled.', 'cancelled');
    }
    const run: Run = { id: r.requestId, attack, align, stepReports: r.stepReports !== false, paused: false, cancelled: false, wake: null };
    this.run = run;
    const loop = this.drive(run);
    this.running = loop.then(
      () => {},
      () => {},
    );
    try {
      await loop;
    } finally {
      attack.dispose();
      x0.dispose();
      if (this.run === run) this.run = null;
      this.running = null;
      for (const c of this.retired.splice(0)) c.dispose();
    }
  }

  private async drive(run: Run): Promise<void> {
    try {
      while (!run.attack.done && !run.cancelled) {
        if (run.paused) {
          await new Promise<void>((wake) => (run.wake = wake));
          continue;
        }
        const report = await run.attack.step();
        if (run.cancelled) break;
        if (run.stepReports) {
          // Aligned here, before posting transfers δ away: the UI thread only records the numbers.
          const alignment = run.align(report.delta);
          this.post({ type: 'step', requestId: run.id, report: this.detached(report), alignment });
        } else {
          this.post({ type: 'progress', requestId: run.id, fraction: Math.min(1, (report.step + 1) / report.totalSteps) });
        }
        // Let pause/cancel messages in between steps.
        await yieldToMessages();
      }
    } catch (e) {
      if (!run.cancelled) throw asCode(e, 'attack');
    }
    if (run.cancelled) throw new HostError('The run was cancelled.', 'cancelled');
    const result = await run.attack.result();
    const alignment = result.bestDelta ? run.align(result.bestDelta) : null;
    this.post({ type: 'result', requestId: run.id, result: this.detachedResult(result), alignment });
  }

  /**
   * Aligns recorded δs with a new human map. Touches no run state, and yields to the event loop
   * every few milliseconds so a running attack's steps and pause/cancel messages keep flowing.
   */
  private async alignDeltas(r: AlignRequest): Promise<void> {
    const align = aligner(r.humanMap);
    const alignments: StepAlignment[] = [];
    let since = performance.now();
    for (const delta of r.deltas) {
      alignments.push(align(delta));
      if (performance.now() - since > ALIGN_SLICE_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        since = performance.now();
      }
    }
    this.post({ type: 'alignments', requestId: r.requestId, alignments });
  }

  /** Disposes a replaced model now, or once the run that may still be using it has stopped. */
  private retire(classifier: Classifier | null): void {
    if (!classifier) return;
    if (this.running) this.retired.push(classifier);
    else classifier.dispose();
  }

  /** The cpu backend hands out its own storage from dataSync(); copy before transferring it away. */
  private detached(report: StepReport): StepReport {
    if (this.status?.backend !== 'cpu') return report;
    return { ...report, delta: { ...report.delta, data: report.delta.data.slice() } };
  }

  private detachedResult(result: RunResult): RunResult {
    if (!result.bestDelta) return result;
    return { ...result, bestDelta: { ...result.bestDelta, data: result.bestDelta.data.slice() } };
  }

  private controlRun(r: AttackControlRequest): void {
    const run = this.run;
    if (!run || run.id !== r.runId) return; // already finished: nothing to do
    if (r.type === 'attackCancel') {
      this.cancelRun();
    } else {
      run.paused = r.type === 'attackPause';
      if (!run.paused) this.wakeRun(run);
    }
  }

  private cancelRun(): void {
    this.generation++;
    if (!this.run) return;
    this.run.cancelled = true;
    this.wakeRun(this.run);
    this.run = null;
  }

  private wakeRun(run: Run): void {
    run.wake?.();
    run.wake = null;
  }

  /** After a backend switch the tensors live on the old backend: rebuild the image and the model. */
  private async moveToNewBackend(): Promise<void> {
    this.cancelRun();
    if (this.image) {
      const { x } = this.image;
      const pixels = (await x.data()) as Float32Array;
      this.image = { ...this.image, x: tf.tensor4d(pixels, x.shape) };
      x.dispose();
    }
    if (this.modelSource) {
      this.retire(this.classifier);
      this.classifier = null;
      this.classifier = await this.deps.loadClassifier(this.modelSource, () => {});
    }
  }

  private async recoverFromLostDevice(reason: string): Promise<void> {
    this.cancelRun();
    this.post({
      type: 'error',
      requestId: null,
      code: 'gpu-lost',
      message: `The GPU device was lost (${reason}); AlignScope is switching to another backend.`,
    });
    try {
      const wanted = this.status?.backend === 'webgpu' ? 'webgl' : undefined;
      this.status = await this.startBackend(wanted);
      this.status = { ...this.status, fellBack: true, reasons: [...this.status.reasons, `The GPU device was lost: ${reason}.`] };
      this.image = null; // its tensor lived on the lost device; the UI sends the image again
      this.retired = [];
      this.classifier = null;
      if (this.modelSource) this.classifier = await this.deps.loadClassifier(this.modelSource, () => {});
      this.post({ type: 'status', requestId: null, ...this.status });
    } catch (e) {
      this.post({ type: 'error', requestId: null, ...describeError(e) });
    }
  }
}

/**
 * Lets queued messages (pause, cancel) in between steps. Not setTimeout(0): browsers clamp a chain of
 * nested timeouts to 4 ms each, which a Chromium worker adds to every step (4.2 ms measured, against
 * 0.05 ms for a MessageChannel message, a task of its own without the clamp). Node (the command-line
 * runner hosts this in-process) has setImmediate, which, unlike a timer, does not put the process to sleep.
 */
function yieldToMessages(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/** The human map ranked once; a map that cannot be ranked (NaN) is the sender's mistake. */
function aligner(humanMap: Float32Array | null): (delta: DeltaImage) => StepAlignment {
  try {
    return makeStepAligner(humanMap);
  } catch (e) {
    throw new HostError((e as Error).message, 'bad-request');
  }
}

/** The five largest probabilities with their logits, highest first. */
export function topK(probs: ArrayLike<number>, logits: ArrayLike<number>, k: number): Prediction[] {
  const order = Array.from({ length: probs.length }, (_, i) => i);
  order.sort((a, b) => probs[b] - probs[a]);
  return order.slice(0, k).map((classIndex) => ({ classIndex, prob: probs[classIndex], logit: logits[classIndex] }));
}

/** Keeps a specific code; an unclassified failure gets the code of the stage it happened in. */
function asCode(e: unknown, fallback: WorkerErrorCode): HostError {
  const { code, message } = describeError(e);
  return new HostError(message, code === 'internal' ? fallback : code);
}

function describeError(e: unknown): { code: WorkerErrorCode; message: string } {
  if (e instanceof HostError) return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  if (/out of memory|OOM|failed to allocate|allocation failed/i.test(message)) {
    return { code: 'out-of-memory', message: `The device ran out of memory: ${message}` };
  }
  if (/device (was )?lost|device is lost/i.test(message)) {
    return { code: 'gpu-lost', message: `The GPU device was lost: ${message}` };
  }
  return { code: 'internal', message: message || 'The worker failed without a message.' };
}
