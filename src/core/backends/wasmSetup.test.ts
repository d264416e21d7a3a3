import { describe, expect, it } from 'vitest';
import { describeWasmThreads, isCrossOriginIsolated } from './wasmSetup';
import { wasmPoolSize } from './wasmPoolSize';
import { initBackend, type BackendDriver } from './initBackend';

describe('wasm threads', () => {
  it('reads cross-origin isolation from the scope, false when it is not said', () => {
    expect(isCrossOriginIsolated({ crossOriginIsolated: true })).toBe(true);
    expect(isCrossOriginIsolated({ crossOriginIsolated: false })).toBe(false);
    expect(isCrossOriginIsolated({})).toBe(false);
  });

  it('sizes the pool at half the logical cores, at least two from two cores, at most eight', () => {
    expect([1, 2, 3, 4, 8, 12, 16, 64].map(wasmPoolSize)).toEqual([1, 2, 2, 2, 4, 6, 8, 8]);
  });

  it('says how many threads run, and why only one where the page is not isolated', () => {
    expect(describeWasmThreads(2, true)).toBe('2 threads');
    expect(describeWasmThreads(1, true)).toBe('1 thread');
    expect(describeWasmThreads(1, false)).toBe('1 thread (not cross-origin isolated)');
  });

  it('puts the thread count where the badge shows the adapter', async () => {
    let running = '';
    const driver: BackendDriver = {
      setBackend: async (name) => {
        running = name;
        return name === 'wasm';
      },
      getBackend: () => running,
      describeGpuAdapter: async () => 'gpu',
      describeWasm: () => '2 threads',
    };
    const status = await initBackend('wasm', driver);
    expect(status).toMatchObject({ name: 'wasm', adapterDescription: '2 threads', fellBack: false });
  });
});
