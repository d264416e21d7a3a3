import * as tf from '@tensorflow/tfjs';
import { createImage, ImageShapeError, type FloatImage } from './types';

/** A batch of one, [1, H, W, C], ready for a Classifier. The caller owns (disposes) the tensor. */
export function imageToTensor(img: FloatImage): tf.Tensor4D {
  return tf.tensor4d(img.data, [1, img.height, img.width, img.channels], 'float32');
}

/** Reads a [H, W, C] or [1, H, W, C] tensor back into a FloatImage; does not dispose the tensor. */
export async function tensorToImage(t: tf.Tensor): Promise<FloatImage> {
  const shape = t.shape.length === 4 && t.shape[0] === 1 ? t.shape.slice(1) : t.shape;
  if (shape.length !== 3) {
    throw new ImageShapeError(`Only [H, W, C] or [1, H, W, C] tensors can become images, not shape [${t.shape}].`);
  }
  const [h, w, c] = shape;
  return createImage(w, h, c, new Float32Array(await t.data()));
}
