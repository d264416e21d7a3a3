/**
 * AlignScope's in-memory picture: row-major HWC float pixels in [0, 1].
 * Images have 3 channels (RGB); importance maps (ClickMe, attack maps) have 1.
 * Named FloatImage so it never shadows the DOM's `Image` constructor.
 */
export interface FloatImage {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

export class ImageShapeError extends Error {
  override name = 'ImageShapeError';
}

/** Wraps a pixel buffer, checking that its length matches the stated shape. */
export function createImage(
  width: number,
  height: number,
  channels: number,
  data: Float32Array = new Float32Array(width * height * channels),
): FloatImage {
  for (const [what, v] of [['width', width], ['height', height], ['channels', channels]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new ImageShapeError(`An image needs a positive whole ${what}, but got ${v}.`);
    }
  }
  if (data.length !== width * height * channels) {
    throw new ImageShapeError(
      `A ${width}×${height}×${channels} image needs ${width * height * channels} values, but its buffer holds ${data.length}.`,
    );
  }
  return { width, height, channels, data };
}

/**
 * Converts 8-bit RGBA (canvas ImageData, pngjs, jpeg-js) to a 3-channel FloatImage. Importance
 * maps have their own reader (importanceFromRgba), since their colours may encode one value.
 */
export function fromRgba(rgba: ArrayLike<number>, width: number, height: number): FloatImage {
  if (rgba.length !== width * height * 4) {
    throw new ImageShapeError(
      `RGBA pixels for a ${width}×${height} image need ${width * height * 4} bytes, but got ${rgba.length}.`,
    );
  }
  const n = width * height;
  const data = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = rgba[i * 4 + c] / 255;
  }
  return createImage(width, height, 3, data);
}

/** Inverse of fromRgba, for drawing to a canvas or writing a PNG: values are clipped to [0, 1] and rounded. */
export function toRgba(img: FloatImage): Uint8ClampedArray {
  const n = img.width * img.height;
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = img.data[i * img.channels + (img.channels === 1 ? 0 : c)];
      out[i * 4 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
    out[i * 4 + 3] = 255;
  }
  return out;
}
