/**
 * The typed message protocol between the main thread (src/worker/client.ts) and the worker
 * (src/worker/worker.ts). Every message is a plain object keyed on `type`; requests carry a
 * `requestId` chosen by the client and every response that belongs to a request echoes it.
 * Large arrays (pixels, model files, perturbations) travel as transferred buffers, never copied.
 *
 * Extending: add a member to WorkerRequest / WorkerResponse, its `type` to the matching list
 * below, and a handler in the worker. The "scatter" helper adds its batch messages the same way.
 */
import type { ModelInfo } from '../core/models/types';
import type { AttackConfig, DeltaImage, RunResult, StepReport } from '../core/attacks/types';
import type { StepAlignment } from '../core/metrics/stepAligner';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

import type { ModelOverrides } from '../core/models/modelId';
export type { ModelOverrides };

export type ModelSource =
  | { kind: 'catalogue'; id: string }
  | { kind: 'url'; url: string; overrides?: ModelOverrides }
  /**
   * Files the user gave together (model.json + shards, .tflite, .h5, .onnx). Pass the File objects
   * themselves: they reach the worker without being read, and a large .h5 is then read in place;
   * ArrayBuffers work too and are transferred.
   */
  | { kind: 'files'; files: { name: string; bytes: ArrayBuffer | Blob }[]; overrides?: ModelOverrides };

/** One of the five highest-scoring ImageNet classes (index 0…999, offsets already removed). */
export interface Prediction {
  classIndex: number;
  prob: number;
  logit: number;
}

// ---- requests: main thread → worker ----

export interface InitRequest {
  type: 'init';
  requestId: number;
  /** Force a backend; omitted = best available (WebGPU, WebGL, WASM, CPU in that order). */
  backend?: BackendName;
}
export interface LoadModelRequest {
  type: 'loadModel';
  requestId: number;
  source: ModelSource;
}
export interface SetImageRequest {
  type: 'setImage';
  requestId: number;
  /** [size, size, 3] RGB in [0,1] at the current model's input size, row-major. Transferred. */
  pixels: Float32Array;
  size: number;
  /** Optional human importance map [size, size] in [0,1], cropped and resized like the image. Transferred. */
  heatmap?: Float32Array;
  /** Sample id or file name, for results and logs. */
  imageId?: string;
}
export interface PredictRequest {
  type: 'predict';
  requestId: number;
}
export interface AttackStartRequest {
  type: 'attackStart';
  requestId: number;
  config: AttackConfig;
  /** Human importance map [size, size] in [0,1] that each step is aligned with; omitted = none. Transferred. */
  humanMap?: Float32Array;
  /**
   * false: each step posts only its progress, not its report and alignment (aligning a 224² δ
   * costs about as much as a small model's step); a batch needs only the result. Default true.
   */
  stepReports?: boolean;
}
/** Pause, resume and cancel name the run by the requestId of its attackStart. */
export interface AttackControlRequest {
  type: 'attackPause' | 'attackResume' | 'attackCancel';
  requestId: number;
  runId: number;
}
/**
 * Aligns δs (a finished run's steps) with a human map, e.g. one drawn after the run. Answered
 * with "alignments"; a running attack goes on undisturbed.
 */
export interface AlignRequest {
  type: 'align';
  requestId: number;
  /** [size, size] in [0,1]. Transferred. */
  humanMap: Float32Array;
  /** Transferred: send copies of δs the sender keeps. */
  deltas: DeltaImage[];
}

export type WorkerRequest =
  | InitRequest
  | LoadModelRequest
  | SetImageRequest
  | PredictRequest
  | AttackStartRequest
  | AttackControlRequest
  | AlignRequest;

export const REQUEST_TYPES = [
  'init',
  'loadModel',
  'setImage',
  'predict',
  'attackStart',
  'attackPause',
  'attackResume',
  'attackCancel',
  'align',
] as const satisfies readonly WorkerRequest['type'][];

// ---- responses: worker → main thread ----

export interface StatusResponse {
  type: 'status';
  /** The init request it answers, or null when the worker reports a change on its own (lost device). */
  requestId: number | null;
  backend: BackendName;
  /** Human-readable adapter, e.g. "swiftshader (software)"; '' where the backend has none. */
  adapter: string;
  /** True when the wanted backend did not start and another one runs instead. */
  fellBack: boolean;
  /** Why each skipped backend was skipped, in order, as full sentences. */
  reasons: string[];
}
export interface ModelLoadedResponse {
  type: 'modelLoaded';
  requestId: number;
  info: ModelInfo;
}
/** Acknowledges a request that returns nothing else (setImage, pause, resume, cancel). */
export interface DoneResponse {
  type: 'done';
  requestId: number;
}
export interface PredictionsResponse {
  type: 'predictions';
  requestId: number;
  top5: Prediction[];
}
export interface ProgressResponse {
  type: 'progress';
  requestId: number;
  /** In [0,1]. */
  fraction: number;
  message?: string;
}
export interface StepResponse {
  type: 'step';
  /** The attackStart requestId. */
  requestId: number;
  report: StepReport;
  /** The report's δ against the run's human map (all null without one, or for a preview). */
  alignment: StepAlignment;
}
export interface ResultResponse {
  type: 'result';
  requestId: number;
  result: RunResult;
  /** The best δ's alignment; null when the run has no best δ. */
  alignment: StepAlignment | null;
}
export interface AlignmentsResponse {
  type: 'alignments';
  requestId: number;
  /** One per δ of the align request, in its order. */
  alignments: StepAlignment[];
}

export type WorkerErrorCode =
  | 'bad-request'
  | 'no-backend'
  | 'no-model'
  | 'no-image'
  | 'model-load'
  | 'attack'
  | 'cancelled'
  | 'gpu-lost'
  | 'out-of-memory'
  | 'timeout'
  | 'internal';

export interface ErrorResponse {
  type: 'error';
  /** The failed request, or null for a failure that belongs to none (lost GPU device). */
  requestId: number | null;
  code: WorkerErrorCode;
  /** A full sentence a user can read. */
  message: string;
}

export type WorkerResponse =
  | StatusResponse
  | ModelLoadedResponse
  | DoneResponse
  | PredictionsResponse
  | ProgressResponse
  | StepResponse
  | ResultResponse
  | AlignmentsResponse
  | ErrorResponse;

export const RESPONSE_TYPES = [
  'status',
  'modelLoaded',
  'done',
  'predictions',
  'progress',
  'step',
  'result',
  'alignments',
  'error',
] as const satisfies readonly WorkerResponse['type'][];

/** Responses that carry news about a request without ending it. */
export const INTERIM_TYPES: ReadonlySet<WorkerResponse['type']> = new Set(['progress', 'step']);

/** A message whose `type` is not part of the protocol, or that is not a message at all. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

function checkMessage<T extends { type: string }>(data: unknown, known: readonly string[], side: string): T {
  if (typeof data !== 'object' || data === null || typeof (data as { type?: unknown }).type !== 'string') {
    throw new ProtocolError(`The ${side} received a message without a string "type" field.`);
  }
  const type = (data as { type: string }).type;
  if (!known.includes(type)) {
    throw new ProtocolError(`The ${side} received a message of unknown type "${type}".`);
  }
  return data as T;
}

/** Narrows an incoming worker message; throws ProtocolError on an unknown type. */
export function parseRequest(data: unknown): WorkerRequest {
  const msg = checkMessage<WorkerRequest>(data, REQUEST_TYPES, 'worker');
  if (typeof msg.requestId !== 'number') {
    throw new ProtocolError(`The worker received a "${msg.type}" request without a numeric requestId.`);
  }
  return msg;
}

/** Narrows an incoming main-thread message; throws ProtocolError on an unknown type. */
export function parseResponse(data: unknown): WorkerResponse {
  return checkMessage<WorkerResponse>(data, RESPONSE_TYPES, 'main thread');
}

/**
 * The distinct ArrayBuffers inside a message (typed arrays and bare buffers, a few levels deep),
 * for postMessage's transfer list. After posting, the sender's arrays are detached: never pass a
 * tensor's own storage (cpu backend `dataSync()` returns it) — copy or dispose the tensor first.
 */
export function transferablesOf(message: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const visit = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || depth > 6) return;
    if (value instanceof ArrayBuffer) {
      found.add(value);
    } else if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
    } else {
      for (const item of Object.values(value)) visit(item, depth + 1);
    }
  };
  visit(message, 0);
  return [...found];
}
