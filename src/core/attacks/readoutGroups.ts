import type { ReadoutId } from './types';

// No TensorFlow.js here: the UI thread (batch runner, run JSON opener) needs the rule without it.

/** ImageNet classes 0–397 are animals ("animate", group 0); 398–999 are objects (group 1). */
export const FIRST_INANIMATE_CLASS = 398;

/** The read-out class of an ImageNet class: itself, or its group for the binary read-out. */
export function readoutClass(readout: ReadoutId, imagenetClass: number): number {
  if (readout === '1000-class') return imagenetClass;
  return imagenetClass < FIRST_INANIMATE_CLASS ? 0 : 1;
}
