/**
 * The main thread's handle on the worker: one promise per request, matched by requestId,
 * with a timeout that restarts whenever the request reports progress, and cancellation.
 */
import type { ModelInfo } from '../core/models/types';
import type { AttackConfig, DeltaImage, RunResult, StepReport } from '../core/attacks/types';
import type { StepAlignment } from '../core/metrics/stepAligner';
import {
  INTERIM_TYPES,
  parseResponse,
  transferablesOf,
  type BackendName,
  type ModelSource,
  type Prediction,
  type StatusResponse,
  type WorkerErrorCode,
  type WorkerRequest,
  type WorkerResponse,
} from './protocol';

/** A Worker, or one end of a MessageChannel (tests run the worker host in-process). */
export interface PortLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start?(): void;
}

/** A request the worker answered with an error, or that timed out or was cancelled. */
export class WorkerRequestError extends Error {
  constructor(
    message: string,
    readonly code: WorkerErrorCode,
    readonly requestId: number | null,
  ) {
    super(message);
    this.name = 'WorkerRequestError';
  }
}

/** Milliseconds of silence after which a request fails. SwiftShader WebGPU compiles shaders slowly. */
export const DEFAULT_TIMEOUTS_MS: Record<WorkerRequest['type'], number> = {
  init: 60_000,
  loadModel: 300_000,
  setImage: 30_000,
  predict: 180_000,
  attackStart: 300_000,
  attackPause: 10_000,
  attackResume: 10_000,
  attackCancel: 10_000,
  // No progress messages: enough for thousands of full-size δs on a slow machine beside a run.
  align: 120_000,
};

interface Pending {
  resolve(response: WorkerResponse): void;
  reject(error: Error): void;
  onInterim?(response: WorkerResponse): void;
  timeoutMs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  type: WorkerRequest['type'];
  /** A paused run: no timeout until it resumes. */
  paused?: boolean;
}

/** A request without its id; the Omit distributes so the union stays a union. */
export type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'requestId'> : never) : never;

export interface AttackHandle {
  /** The run's id (its attackStart requestId), for pause/resume/cancel. */
  runId: number;
  /** Resolves with the final result; rejects with code 'cancelled' when cancelled or superseded. */
  result: Promise<RunResult>;
  /** The best δ's alignment with the run's human map (null without a best δ); settles with `result`. */
  resultAlignment: Promise<StepAlignment | null>;
}

export class WorkerClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly statusListeners = new Set<(status: StatusResponse) => void>();
  private readonly errorListeners = new Set<(error: WorkerRequestError) => void>();
  private readonly listener = (event: MessageEvent): void => this.receive(event.data);

  constructor(
    private readonly port: PortLike,
    private readonly timeouts: Partial<Record<WorkerRequest['type'], number>> = {},
  ) {
    port.addEventListener('message', this.listener);
    port.start?.();
  }

  init(backend?: BackendName): Promise<StatusResponse> {
    return this.request({ type: 'init', backend }).then((r) => expectType(r, 'status'));
  }

  loadModel(source: ModelSource, onProgress?: (fraction: number, message?: string) => void): Promise<ModelInfo> {
    return this.request({ type: 'loadModel', source }, (r) => {
      if (r.type === 'progress') onProgress?.(r.fraction, r.message);
    }).then((r) => expectType(r, 'modelLoaded').info);
  }

  /** Sends a [size, size, 3] image in [0,1]; its buffer (and the heatmap's) is transferred, not copied. */
  async setImage(pixels: Float32Array, size: number, heatmap?: Float32Array, imageId?: string): Promise<void> {
    expectType(await this.request({ type: 'setImage', pixels, size, heatmap, imageId }), 'done');
  }

  async predict(): Promise<Prediction[]> {
    return expectType(await this.request({ type: 'predict' }), 'predictions').top5;
  }

  /**
   * Starts a run; the worker cancels any run still going. Each step arrives with its δ's
   * alignment with `humanMap`, which is transferred (send a copy of a map you keep).
   */
  startAttack(
    config: AttackConfig,
    onStep?: (report: StepReport, alignment: StepAlignment) => void,
    humanMap?: Float32Array,
  ): AttackHandle {
    const runId = this.nextId;
    const response = this.request({ type: 'attackStart', config, humanMap, stepReports: onStep !== undefined }, (r) => {
      if (r.type === 'step') onStep?.(r.report, r.alignment);
    }).then((r) => expectType(r, 'result'));
    const resultAlignment = response.then((r) => r.alignment);
    // A caller that wants only the result need not watch this too; its failure is the result's.
    resultAlignment.catch(() => {});
    return { runId, result: response.then((r) => r.result), resultAlignment };
  }

  /**
   * Each δ's alignment with `humanMap`, in order, computed in the worker beside any running
   * attack. The map and the δs' buffers are transferred: send copies of arrays you keep.
   */
  async align(humanMap: Float32Array, deltas: DeltaImage[]): Promise<StepAlignment[]> {
    return expectType(await this.request({ type: 'align', humanMap, deltas }), 'alignments').alignments;
  }

  /** Pauses a run; its silence while paused does not count towards its timeout. */
  async pause(runId: number): Promise<void> {
    const run = this.pending.get(runId);
    if (run) run.paused = true;
    await this.request({ type: 'attackPause', runId });
    if (run) clearTimeout(run.timer);
  }

  async resume(runId: number): Promise<void> {
    await this.request({ type: 'attackResume', runId });
    const run = this.pending.get(runId);
    if (run) {
      run.paused = false;
      this.arm(runId, run);
    }
  }

  async cancel(runId: number): Promise<void> {
    await this.request({ type: 'attackCancel', runId });
  }

  /** Status changes the worker makes on its own (a fallback after a lost GPU device). */
  onStatus(listener: (status: StatusResponse) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Errors that belong to no request (a lost GPU device). */
  onError(listener: (error: WorkerRequestError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Rejects everything pending and stops listening; the caller terminates the Worker itself. */
  close(): void {
    this.port.removeEventListener('message', this.listener);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new WorkerRequestError('The worker was closed before it answered.', 'cancelled', id));
    }
    this.pending.clear();
  }

  /** Low-level: posts any request (batch messages too) and resolves with its final response. */
  request(
    body: RequestBody,
    onInterim?: (response: WorkerResponse) => void,
  ): Promise<WorkerResponse> {
    const requestId = this.nextId++;
    const message = { ...body, requestId } as WorkerRequest;
    return new Promise<WorkerResponse>((resolve, reject) => {
      const pending: Pending = {
        resolve,
        reject,
        onInterim,
        type: message.type,
        timeoutMs: this.timeouts[message.type] ?? DEFAULT_TIMEOUTS_MS[message.type] ?? 60_000,
        timer: undefined,
      };
      this.pending.set(requestId, pending);
      this.arm(requestId, pending);
      try {
        this.port.postMessage(message, transferablesOf(message));
      } catch (e) {
        this.settle(requestId);
        reject(e);
      }
    });
  }

  private arm(requestId: number, p: Pending): void {
    clearTimeout(p.timer);
    if (p.paused) return;
    p.timer = setTimeout(() => {
      this.settle(requestId);
      p.reject(
        new WorkerRequestError(
          `The worker did not answer the "${p.type}" request within ${Math.round(p.timeoutMs / 1000)} s.`,
          'timeout',
          requestId,
        ),
      );
    }, p.timeoutMs);
  }

  private settle(requestId: number): void {
    clearTimeout(this.pending.get(requestId)?.timer);
    this.pending.delete(requestId);
  }

  private receive(data: unknown): void {
    const response = parseResponse(data);
    const p = response.requestId === null ? undefined : this.pending.get(response.requestId);
    if (!p) {
      this.broadcast(response);
      return;
    }
    if (INTERIM_TYPES.has(response.type)) {
      this.arm(response.requestId as number, p);
      p.onInterim?.(response);
      return;
    }
    this.settle(response.requestId as number);
    if (response.type === 'error') {
      p.reject(new WorkerRequestError(response.message, response.code, response.requestId));
    } else {
      p.resolve(response);
    }
  }

  /** Messages for no pending request: unsolicited status and errors, or late answers to timed-out requests. */
  private broadcast(response: WorkerResponse): void {
    if (response.type === 'status') {
      for (const l of this.statusListeners) l(response);
    } else if (response.type === 'error' && response.requestId === null) {
      const error = new WorkerRequestError(response.message, response.code, null);
      for (const l of this.errorListeners) l(error);
    }
  }
}

function expectType<T extends WorkerResponse['type']>(
  response: WorkerResponse,
  type: T,
): Extract<WorkerResponse, { type: T }> {
  if (response.type !== type) {
    throw new WorkerRequestError(
      `The worker answered with "${response.type}" where "${type}" was expected.`,
      'internal',
      response.requestId,
    );
  }
  return response as Extract<WorkerResponse, { type: T }>;
}
