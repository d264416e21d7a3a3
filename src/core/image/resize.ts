import { createImage, ImageShapeError, type FloatImage } from './types';
import { resample, type Interpolation } from './resample';
import { roundHalfEven } from '../numbers/roundHalfEven';

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

/**
 * Bilinear resize with half-pixel centres and no antialiasing, like the TF and torch defaults it
 * matches: the ClickMe preprocessing of the paper (METHOD §2) uses it. Model inputs go through cropResize.
 */
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

/**
 * Where a window of `out` pixels starts along an axis of `size` pixels, as torchvision's CenterCrop
 * places it: round((size − out) / 2); negative when the window is larger (it then pads with black,
 * (out − size) // 2 on the leading side).
 */
function windowStart(size: number, out: number): number {
  return size >= out ? roundHalfEven((size - out) / 2) : -Math.floor((out - size) / 2);
}

/** The window [top, left, size] of the central square of a width×height picture (torchvision's CenterCrop). */
export function centreSquare(width: number, height: number): { top: number; left: number; size: number } {
  const size = Math.min(width, height);
  return { top: windowStart(height, size), left: windowStart(width, size), size };
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

/** The central size×size window, padded with zeros where the picture is smaller (CenterCrop). */
function centreCrop(img: FloatImage, size: number): FloatImage {
  const top = windowStart(img.height, size);
  const left = windowStart(img.width, size);
  if (top >= 0 && left >= 0) return crop(img, top, left, size, size);
  const ch = img.channels;
  const out = new Float32Array(size * size * ch);
  for (let r = Math.max(0, -top); r < Math.min(size, img.height - top); r++) {
    const c0 = Math.max(0, -left);
    const c1 = Math.min(size, img.width - left);
    const src = ((top + r) * img.width + left + c0) * ch;
    out.set(img.data.subarray(src, src + (c1 - c0) * ch), (r * size + c0) * ch);
  }
  return createImage(size, size, ch, out);
}

/** How a picture becomes a model input (timm's eval data config, less the normalisation). */
export interface CropResizeOptions {
  /** Default bilinear. */
  interpolation?: Interpolation;
  /** The share of the resized picture's shorter side the crop keeps; default 1 (the whole shorter side). */
  cropPct?: number;
}

/**
 * The one path from any picture (image or importance map) to a square model input (METHOD §1), as
 * timm's eval transform does it on a PIL image: resize (antialiased, PIL's filters) so the shorter
 * side is floor(size / cropPct) and the longer side keeps the aspect (rounded down, as torchvision's
 * Resize), then centre-crop size×size. Images and their maps must both go through here so they stay aligned.
 */
export function cropResize(img: FloatImage, size: number, options: CropResizeOptions = {}): FloatImage {
  const { interpolation = 'bilinear', cropPct = 1 } = options;
  if (!(cropPct > 0) || !Number.isFinite(cropPct)) {
    throw new ImageShapeError(`A crop fraction must be a positive number (timm uses 0.875 to 1), but got ${cropPct}.`);
  }
  // timm's math.floor(img_size / crop_pct), in the same double arithmetic.
  const shorter = Math.floor(size / cropPct);
  const short = Math.min(img.width, img.height);
  const long = Math.floor((shorter * Math.max(img.width, img.height)) / short);
  const [w, h] = img.width <= img.height ? [shorter, long] : [long, shorter];
  // resample returns a copy when the size does not change, so the caller never shares `img`'s data.
  if (w === size && h === size) return resample(img, h, w, interpolation);
  return centreCrop(w === img.width && h === img.height ? img : resample(img, h, w, interpolation), size);
}
