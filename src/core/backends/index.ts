export { registerWasmGradientKernels } from './wasmGradients';
export {
  initBackend,
  onGpuDeviceLost,
  describeAdapter,
  tfBackendDriver,
  BACKEND_ORDER,
  type BackendName,
  type BackendStatus,
  type BackendDriver,
} from './initBackend';
export { configureWasmBackend } from './wasmSetup';
