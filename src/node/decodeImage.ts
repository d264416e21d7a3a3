/**
 * Node stand-in for the browser's createImageBitmap: decodes PNG (pngjs) or JPEG (jpeg-js) bytes.
 * channels 1 reads a map as the browser decoder does (importanceFromRgba). PNG pixels equal the
 * browser's; a JPEG decoder may differ from the browser's by a grey level here and there.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ImageDecodeError, type ImageBytesDecoder } from '../core/image/decode';
import { importanceFromRgba } from '../core/image/importanceMap';
import { fromRgba, type FloatImage } from '../core/image/types';

export const decodeImageBytes: ImageBytesDecoder = async (bytes, channels, name) => decodeImageSync(bytes, channels, name);

export function decodeImageSync(bytes: Uint8Array, channels: 1 | 3, name: string): FloatImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (buf[0] === 0x89 && buf.toString('latin1', 1, 4) === 'PNG') {
      const png = PNG.sync.read(buf);
      return pixels(png.data, png.width, png.height, channels);
    }
    if (buf[0] === 0xff && buf[1] === 0xd8) {
      const jpg = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true });
      return pixels(jpg.data, jpg.width, jpg.height, channels);
    }
  } catch (e) {
    throw new ImageDecodeError(`The file "${name}" could not be decoded as an image: ${(e as Error).message}`);
  }
  throw new ImageDecodeError(`The file "${name}" is neither a PNG nor a JPEG image.`);
}

function pixels(rgba: Uint8Array, width: number, height: number, channels: 1 | 3): FloatImage {
  return channels === 1 ? importanceFromRgba(rgba, width, height).map : fromRgba(rgba, width, height);
}
