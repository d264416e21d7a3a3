import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { AttackInputError } from './errors';
import { applyReadout, readoutClass } from './readout';

beforeAll(() => useBackend('cpu'));

describe('read-outs', () => {
  it('binary: max over classes 0–397 and 398–999, per row', async () => {
    const a = new Float32Array(2000);
    a[5] = 3; // animate max of row 0
    a[397] = 4; // still animate
    a[398] = 2; // inanimate max of row 0
    a[1000 + 999] = 7; // row 1: inanimate
    a[1000 + 0] = -1;
    const logits = tf.tensor2d(a, [2, 1000]);
    const before = tf.memory().numTensors;
    const r = applyReadout(logits, 'binary');
    expect(Array.from(await r.data())).toEqual([4, 2, 0, 7]);
    r.dispose();
    expect(tf.memory().numTensors).toBe(before);
    logits.dispose();
  });

  it('1000-class passes the logits through', () => {
    const logits = tf.tensor2d([[1, 2, 3]]);
    expect(applyReadout(logits, '1000-class')).toBe(logits);
    logits.dispose();
  });

  it('binary rejects a model without 1000 ImageNet logits', () => {
    const logits = tf.tensor2d([[1, 2, 3]]);
    expect(() => applyReadout(logits, 'binary')).toThrow(AttackInputError);
    expect(() => applyReadout(logits, 'binary')).toThrow(/needs 1000 ImageNet logits, but the model gives 3/);
    logits.dispose();
  });

  it('maps a class to its group at the 397/398 border', () => {
    expect([0, 397, 398, 999].map((c) => readoutClass('binary', c))).toEqual([0, 0, 1, 1]);
    expect(readoutClass('1000-class', 398)).toBe(398);
  });
});
