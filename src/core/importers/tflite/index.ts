export { TfliteImportError } from './errors';
export { openTflite, tfliteImporter, inputNormalization, quantisedInputNormalization } from './importer';
export { TFLITE_CATALOGUE } from './catalogue';
export { SUPPORTED_OPS } from './kernels';
