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

/** Records tf.profile lists that launch no computation: views of their input, and customGrad's scope. */
const NOT_LAUNCHED = new Set(['Identity', 'Reshape', 'unnamed scope']);

/**
 * Kernels one call runs, as tf.profile lists them, less the ones that compute nothing. At batch 1
 * a MobileNet on a real GPU is bound by kernel launches more than by arithmetic, so this count is the
 * part of the speed-up that does not depend on the machine.
 */
export async function kernelCount(f: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const info = await tf.profile(() => tf.tidy(f));
  tf.dispose(info.result as tf.Tensor | tf.Tensor[]);
  return info.kernels.filter((k) => !NOT_LAUNCHED.has(k.name)).length;
}

/** max |g₁ − g₂| / max |g₂| for the input gradients of two models of the same function. */
export async function gradientRelDiff(
  a: (x: tf.Tensor4D) => tf.Tensor2D,
  b: (x: tf.Tensor4D) => tf.Tensor2D,
  x: tf.Tensor4D,
): Promise<number> {
  const ratio = tf.tidy(() => {
    const [ga, gb] = [inputGradient(a, x), inputGradient(b, x)];
    return tf.div(tf.max(tf.abs(tf.sub(ga, gb))), tf.max(tf.abs(gb)));
  });
  const [v] = await ratio.data();
  ratio.dispose();
  return v;
}
