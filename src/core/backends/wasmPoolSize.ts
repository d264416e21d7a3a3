/**
 * Threads for the XNNPACK pool (the calling thread counts as one): tfjs's choice of half the logical
 * cores (one per physical core on hyper-threaded CPUs), but at least two where there are two cores, so
 * a 2-core machine runs threads at all; Emscripten's pool holds 8 workers.
 */
export function wasmPoolSize(logicalCoreCount: number): number {
  if (logicalCoreCount < 2) return 1;
  return Math.min(8, Math.max(2, Math.floor(logicalCoreCount / 2)));
}
