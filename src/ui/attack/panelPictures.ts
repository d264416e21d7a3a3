import type { DeltaImage } from '../../core/attacks/types';
import {
  addClipped,
  colormapLut,
  deltaToPicture,
  extent,
  imageToRgba,
  upsampleNearest,
  type DeltaPicture,
  type DeltaView,
} from '../charts/colormap';

/**
 * The four pictures of the attack view for one step, as RGBA at the model's input size:
 * clean, adversarial (x0 + δ clipped), perturbation (per the chosen view, with its scale), and
 * the perturbation magnitude laid over the human map (or over a dimmed clean image when the
 * image has no map). Pure, so the same step always gives the same pixels.
 */

export interface PanelPictures {
  size: number;
  clean: Uint8ClampedArray;
  adversarial: Uint8ClampedArray;
  perturbation: DeltaPicture;
  overlay: Uint8ClampedArray;
  /** Largest |channel mean of δ| shown at full colour in the overlay. */
  overlayMax: number;
}

/** δ at the model's size (previews and pooled timeline copies are repeated up). */
export function fullSizeDelta(delta: DeltaImage, size: number): Float32Array {
  if (delta.width === size && delta.height === size) return delta.data;
  return upsampleNearest(delta.data, delta.width, size, 3);
}

export function overlayMagnitude(
  delta: Float32Array,
  base: Float32Array,
  baseIsMap: boolean,
): { rgba: Uint8ClampedArray; max: number } {
  const n = delta.length / 3;
  const mag = new Float32Array(n);
  for (let i = 0; i < n; i++) mag[i] = Math.abs((delta[i * 3] + delta[i * 3 + 1] + delta[i * 3 + 2]) / 3);
  const max = extent(mag).max;
  const lut = colormapLut('inferno');
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    // Base: the human map in grey, or the clean image's luminance dimmed, so the colour stands out.
    const g = baseIsMap ? base[i] : 0.35 * (0.299 * base[i * 3] + 0.587 * base[i * 3 + 1] + 0.114 * base[i * 3 + 2]);
    const t = max > 0 ? mag[i] / max : 0;
    const k = Math.round(t * 255) * 3;
    // Opacity grows with the magnitude: small changes leave the map visible.
    const a = Math.min(1, t * 1.5);
    out[i * 4] = Math.round((1 - a) * g * 255 + a * lut[k]);
    out[i * 4 + 1] = Math.round((1 - a) * g * 255 + a * lut[k + 1]);
    out[i * 4 + 2] = Math.round((1 - a) * g * 255 + a * lut[k + 2]);
    out[i * 4 + 3] = 255;
  }
  return { rgba: out, max };
}

export function panelPictures(
  clean: Float32Array,
  size: number,
  delta: DeltaImage | null,
  humanMap: Float32Array | null,
  view: DeltaView,
): PanelPictures {
  const cleanRgba = imageToRgba(clean, size, size);
  const d = delta ? fullSizeDelta(delta, size) : new Float32Array(clean.length);
  const overlay = humanMap ? overlayMagnitude(d, humanMap, true) : overlayMagnitude(d, clean, false);
  return {
    size,
    clean: cleanRgba,
    adversarial: delta ? imageToRgba(addClipped(clean, d), size, size) : cleanRgba,
    perturbation: deltaToPicture(d, view),
    overlay: overlay.rgba,
    overlayMax: overlay.max,
  };
}
