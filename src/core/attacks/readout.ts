import * as tf from '@tensorflow/tfjs';
import { AttackInputError } from './errors';
import { FIRST_INANIMATE_CLASS } from './readoutGroups';
import type { ReadoutId } from './types';

export { FIRST_INANIMATE_CLASS, readoutClass } from './readoutGroups';

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
