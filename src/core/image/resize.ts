import { createImage, ImageShapeError, type FloatImage } from './types';

interface AxisTaps {
  lower: Int32Array;
  upper: Int32Array;
  frac: Float32Array;
}

/**
 * Source taps along one axis with half-pixel centres, as tf.image.resize (TF2),
 * tf.image.resizeBilinear(halfPixelCenters=true) and torch's align_corners=False compute them:
 * src = (dst + 0.5)·in/out − 0.5, clamped to the edge pixels.
 */
function axisTaps(inSize: number, outSize: number): AxisTaps {
  const lower = new Int32Array(outSize);
  const upper = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = (o + 0.5) * scale - 0.5;
    const lo = Math.max(0, Math.floor(src));
    lower[o] = lo;
    upper[o] = Math.min(inSize - 1, Math.ceil(src));
    frac[o] = src - lo;
  }
  return { lower, upper, frac };
}

/** Bilinear resize with half-pixel centres (no antialiasing, like the TF and torch defaults it matches). */
export function resizeBilinear(img: FloatImage, outHeight: number, outWidth: number): FloatImage {
  if (!Number.isInteger(outHeight) || !Number.isInteger(outWidth) || outHeight < 1 || outWidth < 1) {
    throw new ImageShapeError(`Cannot resize to ${outWidth}×${outHeight}: sizes must be positive whole numbers.`);
  }
  const { width, height, channels: ch, data } = img;
  if (outHeight === height && outWidth === width) return createImage(width, height, ch, data.slice());
  const rows = axisTaps(height, outHeight);
  const cols = axisTaps(width, outWidth);
  const out = new Float32Array(outHeight * outWidth * ch);
  const rowStride = width * ch;
  let k = 0;
  for (let r = 0; r < outHeight; r++) {
    const top = rows.lower[r] * rowStride;
    const bottom = rows.upper[r] * rowStride;
    const fy = rows.frac[r];
    for (let c = 0; c < outWidth; c++) {
      const left = cols.lower[c] * ch;
      const right = cols.upper[c] * ch;
      const fx = cols.frac[c];
      for (let z = 0; z < ch; z++) {
        const tl = data[top + left + z];
        const tr = data[top + right + z];
        const bl = data[bottom + left + z];
        const br = data[bottom + right + z];
        const t = tl + (tr - tl) * fx;
        const b = bl + (br - bl) * fx;
        out[k++] = t + (b - t) * fy;
      }
    }
  }
  return createImage(outWidth, outHeight, ch, out);
}

/** The window [top, left, size] of the central square of a width×height picture. */
export function centreSquare(width: number, height: number): { top: number; left: number; size: number } {
  const size = Math.min(width, height);
  return { top: Math.floor((height - size) / 2), left: Math.floor((width - size) / 2), size };
}

export function crop(img: FloatImage, top: number, left: number, height: number, width: number): FloatImage {
  if (top < 0 || left < 0 || top + height > img.height || left + width > img.width || height < 1 || width < 1) {
    throw new ImageShapeError(
      `The crop ${width}×${height} at (${left}, ${top}) does not fit inside a ${img.width}×${img.height} image.`,
    );
  }
  const ch = img.channels;
  const out = new Float32Array(width * height * ch);
  for (let r = 0; r < height; r++) {
    const src = ((top + r) * img.width + left) * ch;
    out.set(img.data.subarray(src, src + width * ch), r * width * ch);
  }
  return createImage(width, height, ch, out);
}

/**
 * The one path from any picture (image or importance map) to a square model input (METHOD §1):
 * resize so the shorter side is `shorterSide` (default: the input size), centre-crop a square,
 * then resize the square to `size`. Images and their maps must both go through here so they stay aligned.
 */
export function cropResize(img: FloatImage, size: number, shorterSide: number = size): FloatImage {
  const scale = shorterSide / Math.min(img.width, img.height);
  const w = Math.max(shorterSide, Math.round(img.width * scale));
  const h = Math.max(shorterSide, Math.round(img.height * scale));
  const resized = resizeBilinear(img, h, w);
  const sq = centreSquare(w, h);
  const square = sq.size === w && sq.size === h ? resized : crop(resized, sq.top, sq.left, sq.size, sq.size);
  return square.width === size ? square : resizeBilinear(square, size, size);
}
