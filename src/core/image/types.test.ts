import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { imageToTensor, tensorToImage } from './tensor';
import { createImage, fromRgba, ImageShapeError, toRgba } from './types';

describe('createImage', () => {
  it('rejects a buffer of the wrong length with a sentence naming both sizes', () => {
    expect(() => createImage(2, 2, 3, new Float32Array(5))).toThrow(/2×2×3 image needs 12 values, but its buffer holds 5/);
  });
  it('rejects non-positive sizes', () => {
    expect(() => createImage(0, 2, 1)).toThrow(ImageShapeError);
  });
});

describe('fromRgba / toRgba', () => {
  const rgba = Uint8ClampedArray.from([255, 0, 51, 255, 0, 255, 102, 128]);
  it('scales bytes to [0,1] and drops alpha', () => {
    expect(Array.from(fromRgba(rgba, 2, 1).data)).toEqual([1, 0, 0.2, 0, 1, 0.4].map(Math.fround));
  });
  it('round-trips 8-bit RGB exactly', () => {
    expect(Array.from(toRgba(fromRgba(rgba, 2, 1)))).toEqual([255, 0, 51, 255, 0, 255, 102, 255]);
  });
  it('clips out-of-range values and paints maps as gray', () => {
    expect(Array.from(toRgba(createImage(2, 1, 1, Float32Array.from([-0.5, 2]))))).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
  });
  it('rejects a short RGBA buffer', () => {
    expect(() => fromRgba(new Uint8Array(7), 2, 1)).toThrow(/need 8 bytes, but got 7/);
  });
});

describe('tensor conversion', () => {
  beforeAll(() => useBackend('cpu'));
  it('round-trips HWC order and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const src = createImage(3, 2, 3, Float32Array.from({ length: 18 }, (_, i) => i / 18));
    const t = imageToTensor(src);
    expect(t.shape).toEqual([1, 2, 3, 3]);
    // Pixel (row 1, col 2), channel 1 sits at ((1·3)+2)·3+1 = 16.
    expect((await t.array())[0][1][2][1]).toBeCloseTo(16 / 18, 6);
    const back = await tensorToImage(t);
    t.dispose();
    expect(back).toEqual(src);
    expect(tf.memory().numTensors).toBe(before);
  });
  it('refuses a tensor that is not an image', async () => {
    const t = tf.zeros([2, 2]);
    await expect(tensorToImage(t)).rejects.toThrow(/not shape \[2,2\]/);
    t.dispose();
  });
});
