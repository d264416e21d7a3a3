export { registerWasmGradientKernels } from './wasmGradients';
