// Node test setup: tfjs in Node has no WebGL/WebGPU; tests pick cpu or wasm explicitly.
export {};
