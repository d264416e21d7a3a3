export { TfliteImportError } from './errors';
export { openTflite, tfliteImporter, inputNormalization } from './importer';
export { SUPPORTED_OPS } from './kernels';
