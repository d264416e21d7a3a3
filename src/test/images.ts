import fs from 'node:fs';
import path from 'node:path';
import { decodeImageSync } from '../node/decodeImage';
import type { FloatImage } from '../core/image/types';

export { decodeImageBytes } from '../node/decodeImage';

/** Reads a PNG or JPEG file from disk as a FloatImage (3 channels, or 1 for grayscale maps). */
export function loadImageFile(file: string, channels: 1 | 3 = 3): FloatImage {
  return decodeImageSync(new Uint8Array(fs.readFileSync(file)), channels, path.basename(file));
}
