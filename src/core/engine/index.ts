export { layersModelToRaw, type EngineOptions } from './layersModelToRaw';
export { naiveLogits } from './naiveLogits';
export { EngineError, UnsupportedLayerError } from './errors';
export { SUPPORTED_ACTIVATIONS } from './activations';
export { SUPPORTED_LAYER_CLASSES } from './layerOps';
