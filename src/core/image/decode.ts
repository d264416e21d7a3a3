import { importanceFromRgba } from './importanceMap';
import { fromRgba, type FloatImage } from './types';

export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

/** What a TFRecord reader or an uploader needs: encoded bytes in, pixels out. */
export type ImageBytesDecoder = (bytes: Uint8Array, channels: 1 | 3, name: string) => Promise<FloatImage>;

/**
 * Browser (window or worker) decoding of a PNG/JPEG/WebP/... file through createImageBitmap.
 * channels 1 is for importance maps, read as importanceFromRgba reads them. Colour management and alpha
 * premultiplication are turned off so the pixel values are the file's own.
 */
export async function decodeImageFile(blob: Blob, channels: 1 | 3 = 3, name = fileName(blob)): Promise<FloatImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new ImageDecodeError(
      `The file "${name}" could not be read as an image (is it a PNG, JPEG or WebP picture?): ${(e as Error).message}`,
    );
  }
  try {
    const { width, height } = bitmap;
    if (width === 0 || height === 0) throw new ImageDecodeError(`The image "${name}" has no pixels (${width}×${height}).`);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new ImageDecodeError(`The browser gave no 2D canvas to decode "${name}".`);
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, width, height);
    return channels === 1 ? importanceFromRgba(data, width, height).map : fromRgba(data, width, height);
  } finally {
    bitmap.close();
  }
}

/** decodeImageFile for raw bytes, e.g. the JPEG features of a ClickMe TFRecord. */
export const decodeImageBytesInBrowser: ImageBytesDecoder = (bytes, channels, name) =>
  decodeImageFile(new Blob([bytes as BlobPart]), channels, name);

function fileName(blob: Blob): string {
  return typeof File !== 'undefined' && blob instanceof File ? blob.name : 'image';
}
