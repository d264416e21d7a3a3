import { describe, expect, it } from 'vitest';
import { wasmThreadsUnminified } from './wasmThreadsUnminified';

const ID = '/x/node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
// The shape of Emscripten's factory file: a function that reads an outer variable guarded by typeof.
const FACTORY = `var WasmBackendModuleThreadedSimd = (() => {
  var _scriptDir = 'https://app/';
  return (function(M) { return typeof _scriptDir !== 'undefined' ? 'outer' : 'alone'; });
})();
if (typeof exports === 'object' && typeof module === 'object') module.exports = WasmBackendModuleThreadedSimd;`;

function transform(code: string, id: string) {
  const hook = wasmThreadsUnminified().transform as (code: string, id: string) => { code: string } | null;
  return hook(code, id);
}

describe('wasmThreadsUnminified', () => {
  it('leaves every other module alone', () => {
    expect(transform('export const a = 1;', '/x/node_modules/@tensorflow/tfjs-backend-wasm/dist/index.js')).toBeNull();
  });

  it("ships the factory as a string, so its toString() is the file's own text and runs on its own", async () => {
    const out = transform(FACTORY, ID)!;
    const mod = await import(/* @vite-ignore */ `data:text/javascript,${encodeURIComponent(out.code)}`);
    const factory = mod.default as (m: object) => string;
    expect(factory({})).toBe('outer');
    const text = factory.toString();
    expect(FACTORY).toContain(text);
    // What tfjs does with it: the worker evaluates that text alone.
    expect(new Function(`var W = ${text}; return W({});`)()).toBe('alone');
  });
});
