export { OnnxImportError } from './errors';
export { openOnnx, onnxImporter, ONNX_PRESET_NAMES } from './importer';
export { buildOnnxModel, type OnnxModel } from './buildModel';
export { readOnnxModel } from './reader';
export { SUPPORTED_ONNX_OPS, MIN_OPSET, MAX_OPSET } from './ops';
