export { createImage, fromRgba, toRgba, ImageShapeError, type FloatImage } from './types';
export { resizeBilinear, crop, centreSquare, cropResize } from './resize';
export { imageToTensor, tensorToImage } from './tensor';
export { decodeImageFile, decodeImageBytesInBrowser, ImageDecodeError, type ImageBytesDecoder } from './decode';
