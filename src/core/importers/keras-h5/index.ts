export { KerasH5ImportError } from './errors';
export { kerasH5Importer, openKerasH5Blob, readKerasLayersModel, type KerasLayersModel } from './kerasH5Importer';
export { isHdf5 } from './hdf5';
