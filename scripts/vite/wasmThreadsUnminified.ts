import type { Plugin } from 'vite';

// tfjs-backend-wasm starts its pthread workers from the *source text* of the threaded Emscripten factory
// (`new Blob(['var WasmBackendModuleThreadedSimd = ' + factory.toString()])`). A minified bundle renames the
// factory's outer variables, so that text no longer runs on its own ("e is not defined" in the worker).
// This plugin ships the factory as a string literal that the minifier leaves alone and evaluates it at load
// time, so its toString() is the file exactly as tfjs ships it.
const THREADED_FACTORY = /@tensorflow[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;

export function wasmThreadsUnminified(): Plugin {
  return {
    name: 'alignscope:wasm-threads-unminified',
    apply: 'build',
    transform(code: string, id: string) {
      if (!THREADED_FACTORY.test(id.split('?')[0])) return null;
      return {
        code: [
          `const source = ${JSON.stringify(code)};`,
          'const module = { exports: {} };',
          "new Function('module', 'exports', 'define', source)(module, module.exports, undefined);",
          'export default module.exports;',
        ].join('\n'),
        map: null,
      };
    },
  };
}
