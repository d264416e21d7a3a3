import * as tf from '@tensorflow/tfjs';
import { AttackInputError } from './errors';
import type { ReadoutId } from './types';

/** ImageNet classes 0–397 are animals ("animate", group 0); 398–999 are objects (group 1). */
export const FIRST_INANIMATE_CLASS = 398;

/** Read-out logits from ImageNet logits [N, C]: as they are, or max-reduced to the two groups. */
export function applyReadout(logits: tf.Tensor2D, readout: ReadoutId): tf.Tensor2D {
  if (readout === '1000-class') return logits;
  return tf.tidy(() => {
    const classes = logits.shape[1];
    if (classes !== 1000) {
      throw new AttackInputError(`The binary read-out needs 1000 ImageNet logits, but the model gives ${classes}.`);
    }
    const animate = logits.slice([0, 0], [-1, FIRST_INANIMATE_CLASS]).max(1, true);
    const inanimate = logits.slice([0, FIRST_INANIMATE_CLASS], [-1, -1]).max(1, true);
    return tf.concat([animate, inanimate], 1) as tf.Tensor2D;
  });
}

/** The read-out class of an ImageNet class. */
export function readoutClass(readout: ReadoutId, imagenetClass: number): number {
  if (readout === '1000-class') return imagenetClass;
  return imagenetClass < FIRST_INANIMATE_CLASS ? 0 : 1;
}
