import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from './wasmGradients';
import { configureWasmBackend, describeWasmThreads } from './wasmSetup';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Fastest first: a real GPU through WebGPU, then WebGL, then the CPU through wasm, then plain JS. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendStatus {
  /** The backend that runs. */
  name: BackendName;
  /** The GPU adapter for webgpu, e.g. "swiftshader (software)"; the thread count for wasm ("4 threads"); '' for others. */
  adapterDescription: string;
  /** The backend asked for (the first of the order when none was forced). */
  requested: BackendName;
  /** True when the requested backend did not start and another one runs instead. */
  fellBack: boolean;
  /** Why each earlier backend failed, one full sentence each, in the order tried. */
  reasons: string[];
}

/** What initBackend needs from tfjs and the browser; tests pass a stub. */
export interface BackendDriver {
  setBackend(name: BackendName): Promise<boolean>;
  getBackend(): string | undefined;
  /** The adapter behind the running webgpu backend, in words. */
  describeGpuAdapter(): Promise<string>;
  /** How many threads the running wasm backend uses, in words. */
  describeWasm?(): string;
}

interface AdapterFacts {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/** "swiftshader (software)", "ampere", ...: the most specific name the adapter gives. */
export function describeAdapter(info: AdapterFacts, adapterIsFallback = false): string {
  const name = info.description || info.architecture || info.vendor || 'unknown adapter';
  const software = info.isFallbackAdapter ?? adapterIsFallback;
  return software ? `${name} (software)` : name;
}

export const tfBackendDriver: BackendDriver = {
  setBackend: async (name) => {
    if (name === 'wasm') configureWasmBackend();
    return tf.setBackend(name);
  },
  getBackend: () => tf.getBackend(),
  describeGpuAdapter: async () => {
    const adapter = await navigator.gpu?.requestAdapter();
    if (!adapter) return 'unknown adapter';
    const legacy = adapter as unknown as { isFallbackAdapter?: boolean };
    return describeAdapter(adapter.info as AdapterFacts, legacy.isFallbackAdapter);
  },
  describeWasm: () => describeWasmThreads(),
};

/**
 * Starts the first backend that works, trying `preferred` first and then the usual order.
 * tf.setBackend can resolve false (or throw) without tfjs saying why, so every attempt is checked
 * against tf.getBackend() and each failure is recorded: the UI shows a fallback, never hides it.
 */
export async function initBackend(preferred?: BackendName, driver: BackendDriver = tfBackendDriver): Promise<BackendStatus> {
  const requested = preferred ?? BACKEND_ORDER[0];
  const order = [requested, ...BACKEND_ORDER.filter((b) => b !== requested)];
  const reasons: string[] = [];
  for (const name of order) {
    let problem: string;
    try {
      const ok = await driver.setBackend(name);
      const running = driver.getBackend();
      if (ok && running === name) {
        if (name === 'wasm') registerWasmGradientKernels();
        const adapterDescription =
          name === 'webgpu' ? await driver.describeGpuAdapter() : name === 'wasm' ? (driver.describeWasm?.() ?? '') : '';
        return { name, adapterDescription, requested, fellBack: name !== requested, reasons };
      }
      problem = ok
        ? `tfjs reported success but runs "${running ?? 'nothing'}"`
        : 'it did not start (no usable device, or not available in this environment)';
    } catch (e) {
      problem = `it failed: ${(e as Error).message}`;
    }
    reasons.push(`The ${name} backend could not be used: ${problem}.`);
  }
  throw new Error(`No TensorFlow.js backend could start. ${reasons.join(' ')}`);
}

/**
 * Calls `callback` once if the running webgpu backend's device is lost (driver reset, another tab
 * taking the GPU...). Returns a function that cancels the notice. A no-op on other backends.
 */
export function onGpuDeviceLost(callback: (reason: string) => void): () => void {
  const device = tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as { device?: GPUDevice }).device : undefined;
  if (!device) return () => undefined;
  let active = true;
  void device.lost.then((info) => {
    if (active) callback(info.message || info.reason || 'unknown reason');
  });
  return () => {
    active = false;
  };
}
