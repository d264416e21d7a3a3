import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** The pthread worker script (a CommonJS file, so it may `require` what Emscripten's worker code needs). */
const WORKER_PATH = fileURLToPath(new URL('./wasmPthreadWorker.cjs', import.meta.url));

let workerUrlsRedirected = false;

/**
 * tfjs gives Emscripten its pthread worker as a Blob URL (type application/javascript), which Node's
 * worker_threads cannot start; those URLs become the worker script's path instead. Emscripten asks
 * for one per worker, also when its pool grows later, so the redirect stays for the process.
 */
function redirectWorkerBlobUrls(): void {
  if (workerUrlsRedirected) return;
  workerUrlsRedirected = true;
  const createObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (obj: Blob) => (obj instanceof Blob && obj.type === 'application/javascript' ? WORKER_PATH : createObjectURL(obj));
}

/**
 * Runs `start` (which starts the wasm backend) with tfjs' threaded SIMD build and `threads` threads
 * (the calling thread counts as one). tfjs turns threads off in Node (tensorflow/tfjs#3830), yet its
 * Emscripten build runs pthreads on worker_threads once its worker can start (redirectWorkerBlobUrls,
 * wasmPthreadWorker.cjs). The module caps the pool at half the cores that os.cpus() lists, read while it
 * starts (one thread on a 2-core machine), so os.cpus() lists enough cores until then.
 */
export async function withNodeWasmThreads<T>(threads: number, start: () => Promise<T>): Promise<T> {
  redirectWorkerBlobUrls();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  const cpus = os.cpus;
  os.cpus = () => {
    const real = cpus();
    return Array.from({ length: Math.max(real.length, 2 * threads) }, (_, i) => real[i % real.length]);
  };
  try {
    return await start();
  } finally {
    os.cpus = cpus;
  }
}

/**
 * Cores this process may use: a Slurm task's --cpus-per-task where Slurm says so (without CPU binding
 * a task sees the whole node), else the cores it may be scheduled on.
 */
export function availableCores(env: NodeJS.ProcessEnv = process.env): number {
  const slurm = Number(env.SLURM_CPUS_PER_TASK);
  return Number.isInteger(slurm) && slurm > 0 ? slurm : (os.availableParallelism?.() ?? os.cpus().length);
}
