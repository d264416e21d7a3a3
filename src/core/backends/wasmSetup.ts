import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { wasmPoolSize } from './wasmPoolSize';

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
  if (threads) {
    const cores = logicalCores();
    const pool = wasmPoolSize(cores);
    setThreadsCount(pool);
    reportCoresToWasm(Math.max(cores, 2 * pool));
  }
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  });
}

/**
 * tfjs's wasm module caps the pool at navigator.hardwareConcurrency / 2, read once when it starts,
 * whatever setThreadsCount asks (one thread on a 2-core machine). It is told `cores` instead;
 * nothing else here reads the value.
 */
function reportCoresToWasm(cores: number): void {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (!nav || cores === logicalCores() || Object.prototype.hasOwnProperty.call(nav, 'hardwareConcurrency')) return;
  realCores = logicalCores();
  Object.defineProperty(nav, 'hardwareConcurrency', { value: cores, configurable: true });
}
let realCores: number | undefined;

function logicalCores(): number {
  if (realCores !== undefined) return realCores;
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
}

/** "4 threads" or "1 thread (not cross-origin isolated)": what the backend badge shows for wasm. */
export function describeWasmThreads(count: number = getThreadsCount(), isolated: boolean = isCrossOriginIsolated()): string {
  if (count > 1) return `${count} threads`;
  return isolated ? '1 thread' : '1 thread (not cross-origin isolated)';
}
