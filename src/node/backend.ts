import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from '../core/backends/wasmGradients';

export type NodeBackend = 'wasm' | 'cpu';

/**
 * Starts a TF.js backend in Node. The wasm backend finds its .wasm files in node_modules itself;
 * threads stay off as in the app (configureWasmBackend), and the engine's backward kernels that
 * wasm lacks are registered as the app's initBackend does.
 */
export async function startNodeBackend(name: NodeBackend): Promise<void> {
  if (name === 'wasm') {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    registerWasmGradientKernels();
  }
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) throw new Error(`The TensorFlow.js ${name} backend did not start in Node.`);
  await tf.ready();
}
