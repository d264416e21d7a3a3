// The pthread worker of tfjs' threaded wasm build, for Node (tfjs turns threads off in Node: tensorflow/tfjs#3830).
// Emscripten's worker script runs in Node as it is, but tfjs hands it the main script as a Blob, which a
// Node worker cannot import: the 'load' message gets the script's path instead.
const { parentPort } = require('node:worker_threads');
const mainScript = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');

const on = parentPort.on.bind(parentPort);
parentPort.on = (event, listener) =>
  on(event, event !== 'message' ? listener : (data) => {
    if (data && data.cmd === 'load' && typeof data.urlOrBlob !== 'string') data.urlOrBlob = mainScript;
    listener(data);
  });
// As tfjs does before it makes the Blob: the shipped string holds real newlines inside string literals.
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
