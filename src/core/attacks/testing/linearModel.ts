import * as tf from '@tensorflow/tfjs';
import type { LogitsFn } from '../evaluator';

/** Small seeded PRNG (mulberry32) so test fixtures are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LinearModel {
  logitsFn: LogitsFn;
  /** Plain-JS logits of a flat HWC image, independent of tfjs. */
  logitsOf(x: ArrayLike<number>): number[];
  x0: Float32Array;
  shape: [number, number, number];
  /** Distance from x0 to the half-space where class j beats class 0, per j (index 0 unused). */
  distances: number[];
  dispose(): void;
}

/**
 * A linear softmax classifier f(x) = W x + b on side×side×3 images, with x0 = 0.5 everywhere
 * classified as class 0 and class j's decision half-space {f_j ≥ f_0} at exactly `distances[j-1]`
 * from x0. `scale` sets the logit scale (larger: peakier softmax). The minimal untargeted L2 adversarial distance is then min(distances) in closed form,
 * attained inside the [0,1] box as long as that distance is below 0.5.
 */
export function linearModel(side: number, distances: number[], scale = 1, seed = 1): LinearModel {
  const n = side * side * 3;
  const classes = distances.length + 1;
  const rand = seededRandom(seed);
  const w = Array.from({ length: classes }, () => Array.from({ length: n }, () => (rand() - 0.5) * scale));
  const x0 = new Float32Array(n).fill(0.5);
  const dot = (a: number[], x: ArrayLike<number>) => a.reduce((s, v, i) => s + v * x[i], 0);
  const b = [0];
  for (let j = 1; j < classes; j++) {
    const diff = w[0].map((v, i) => v - w[j][i]);
    const norm = Math.hypot(...diff);
    // f_0 − f_j at x0 = diff·x0 + b_0 − b_j = distances[j−1] · ‖w_0 − w_j‖.
    b.push(dot(diff, x0) - distances[j - 1] * norm);
  }
  const wT = tf.tensor2d(w).transpose();
  const bias = tf.tensor1d(b);
  return {
    logitsFn: (x) => tf.tidy(() => x.reshape([x.shape[0], n]).matMul(wT).add(bias) as tf.Tensor2D),
    logitsOf: (x) => w.map((row, j) => dot(row, x) + b[j]),
    x0,
    shape: [side, side, 3],
    distances: [NaN, ...distances],
    dispose: () => {
      wT.dispose();
      bias.dispose();
    },
  };
}
