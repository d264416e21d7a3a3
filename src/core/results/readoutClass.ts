import type { ReadoutId } from '../attacks/types';

/**
 * The read-out class of an ImageNet class: itself, or its group for the binary read-out (animate
 * 0–397 → 0). Same rule as core/attacks/readout.ts, restated so the main thread need not load
 * TensorFlow.js through that module.
 */
export function readoutClass(readout: ReadoutId, imagenetClass: number): number {
  return readout === '1000-class' ? imagenetClass : imagenetClass < 398 ? 0 : 1;
}
