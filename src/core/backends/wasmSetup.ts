import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** True where SharedArrayBuffer may be shared with workers (the page sends COOP/COEP, or a service worker adds them). */
export function isCrossOriginIsolated(scope: { crossOriginIsolated?: boolean } = globalThis as { crossOriginIsolated?: boolean }): boolean {
  return scope.crossOriginIsolated === true;
}

/**
 * Points the wasm backend at the .wasm files the app itself serves (Vite emits them as assets).
 * Threads need a cross-origin isolated page; the production bundle keeps the threaded factory
 * unminified (scripts/vite/wasmThreadsUnminified.ts) so its pthread workers start.
 * BENCH or a user may force one thread with `threads: false`.
 */
export function configureWasmBackend(options: { threads?: boolean } = {}): void {
  const threads = (options.threads ?? true) && isCrossOriginIsolated();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads);
  // tfjs uses half the cores by default (one thread on a 2-core machine); the pool counts the calling thread,
  // so every core is one thread. Emscripten's pool holds 8 workers.
  if (threads) {
    setThreadsCount(Math.min(logicalCores(), 8));
    unhalveCoreCount();
  }
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  });
}

/**
 * tfjs's wasm build caps its pool at navigator.hardwareConcurrency / 2 (it assumes two hyper-threads per
 * core), read once when the module starts: one thread on a 2-core machine whatever setThreadsCount asks.
 * Reporting twice the cores to the module lets the pool use every logical core; nothing else reads it here.
 */
function unhalveCoreCount(): void {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (!nav || Object.prototype.hasOwnProperty.call(nav, 'hardwareConcurrency')) return;
  const cores = logicalCores();
  Object.defineProperty(nav, 'hardwareConcurrency', { value: cores * 2, configurable: true });
  unhalvedFrom = cores;
}
let unhalvedFrom: number | undefined;

function logicalCores(): number {
  if (unhalvedFrom !== undefined) return unhalvedFrom;
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

/** "4 threads" or "1 thread (not cross-origin isolated)": what the backend badge shows for wasm. */
export function describeWasmThreads(count: number = getThreadsCount(), isolated: boolean = isCrossOriginIsolated()): string {
  if (count > 1) return `${count} threads`;
  return isolated ? '1 thread' : '1 thread (not cross-origin isolated)';
}
