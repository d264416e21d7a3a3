import * as tf from '@tensorflow/tfjs';

/** Median of `reps` timed calls after one untimed warm-up (shader compilation, kernel caches). */
export async function medianMs(reps: number, f: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const once = async () => {
    const t0 = performance.now();
    const out = f();
    const outs = Array.isArray(out) ? out : [out];
    // Reading back forces the work to finish on asynchronous backends.
    await Promise.all(outs.map((t) => t.data()));
    tf.dispose(outs);
    return performance.now() - t0;
  };
  await once();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Gradient of the top logit w.r.t. the input, as an attack step needs it. */
export function inputGradient(logits: (x: tf.Tensor4D) => tf.Tensor2D, x: tf.Tensor4D): tf.Tensor {
  return tf.grad((xi) => logits(xi as tf.Tensor4D).max())(x);
}
