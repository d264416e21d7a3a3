import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from '../core/backends/wasmGradients';
import { wasmPoolSize } from '../core/backends/wasmPoolSize';
import { availableCores, withNodeWasmThreads } from './wasmThreads';

export type NodeBackend = 'wasm' | 'cpu';

export interface NodeBackendOptions {
  /** wasm threads, the calling one included; default the app's pool size for this process's cores. 1: the single-threaded build. */
  threads?: number;
}

/**
 * Starts a TF.js backend in Node. The wasm backend finds its .wasm files in node_modules itself and
 * runs as many threads as the app's pool would on these cores; the engine's backward kernels that
 * wasm lacks are registered as the app's initBackend does. Returns what runs, e.g. "wasm, 2 threads".
 */
export async function startNodeBackend(name: NodeBackend, options: NodeBackendOptions = {}): Promise<string> {
  const start = async () => {
    if (!(await tf.setBackend(name)) || tf.getBackend() !== name) throw new Error(`The TensorFlow.js ${name} backend did not start in Node.`);
    await tf.ready();
  };
  if (name !== 'wasm') {
    await start();
    return name;
  }
  registerWasmGradientKernels();
  const threads = options.threads ?? wasmPoolSize(availableCores());
  if (threads > 1) await withNodeWasmThreads(threads, start);
  else {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await start();
  }
  const running = getThreadsCount();
  return `wasm, ${running} thread${running === 1 ? '' : 's'}`;
}
