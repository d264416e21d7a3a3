export { TfliteImportError } from './errors';
export { openTflite, tfliteImporter, inputNormalization } from './importer';
export { quantisedInputNormalization } from './quantisedInput';
export { TFLITE_CATALOGUE } from './catalogue';
export { SUPPORTED_OPS } from './kernels';
