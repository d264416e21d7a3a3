export { createImage, fromRgba, toRgba, ImageShapeError, type FloatImage } from './types';
export { resizeBilinear, crop, centreSquare, cropResize, type CropResizeOptions } from './resize';
export { resample, INTERPOLATIONS, type Interpolation } from './resample';
export { imageToTensor, tensorToImage } from './tensor';
export { decodeImageFile, decodeImageBytesInBrowser, ImageDecodeError, type ImageBytesDecoder } from './decode';
