import * as tf from '@tensorflow/tfjs';

/** wasmReluMask.wat, compiled by wat2wasm (238 bytes). */
export const RELU_MASK_WASM_BASE64 =
  'AGFzbQEAAAABCQFgBX9/f399AAISAQNlbnYGbWVtb3J5AgEBgIAEAwIBAAcIAQRtYXNrAAAKtgEBswEDA38CewF9IAT9EyEIIANBAnQhByAHQXBxIQYCQANAIAUgBk8NASAAIAVq/QAEACEJIAIgBWogASAFav0ABAAgCf0MAAAAAAAAAAAAAAAAAAAAAP1EIAkgCP1D/U79Tv0LBAAgBUEQaiEFDAALCwJAA0AgBSAHTw0BIAAgBWoqAgAhCiACIAVqIAEgBWoqAgBDAAAAACAKQwAAAABeIAogBF1xGzgCACAFQQRqIQUMAAsLCw==';

/**
 * Byte of the memory import's limits flag: 0x01 (a maximum) as compiled, 0x03 (shared, with a maximum)
 * to import the SharedArrayBuffer memory of tfjs' threaded build. An import must match the memory's
 * sharedness; the module is otherwise the same.
 */
export const LIMITS_FLAG_OFFSET = 34;

type MaskFn = (y: number, dy: number, out: number, n: number, top: number) => void;

/** The parts of tfjs-backend-wasm's BackendWasm that its own kernels use. */
interface WasmBackendInternals {
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

const instances = new WeakMap<WebAssembly.Memory, MaskFn>();

function maskFor(memory: WebAssembly.Memory): MaskFn {
  let fn = instances.get(memory);
  if (!fn) {
    const bytes = Uint8Array.from(atob(RELU_MASK_WASM_BASE64), (ch) => ch.charCodeAt(0));
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    if (shared) bytes[LIMITS_FLAG_OFFSET] = 0x03;
    // 238 bytes: small enough for a synchronous compile, which browsers allow on any thread.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    fn = instance.exports.mask as MaskFn;
    instances.set(memory, fn);
  }
  return fn;
}

/**
 * The wasm backend's kernel for reluMask: one SIMD pass instead of the four element-wise kernels
 * (sub, mul, step, mul) that compose it, each a pass over memory with its own dispatch.
 */
export function wasmReluMaskKernel({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  const top = (attrs as unknown as { kind: 'relu' | 'relu6' }).kind === 'relu' ? Infinity : 6;
  const b = backend as unknown as WasmBackendInternals;
  const memory = b.wasm.wasmMemory ?? b.wasm.asm?.memory;
  if (!memory) throw new Error('The wasm backend does not expose its memory; AlignScope cannot run its ReLU mask kernel.');
  const out = b.makeOutput(y.shape, 'float32');
  const offset = (t: tf.TensorInfo) => b.dataIdMap.get(t.dataId).memoryOffset;
  maskFor(memory)(offset(y), offset(dy), offset(out), tf.util.sizeFromShape(y.shape), top);
  return out;
}
