import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { buildOnnxModel } from './buildModel';
import { readOnnxModel } from './reader';
import { fixtureImage } from './testing';

/** Test helpers: a small graph's outputs and directional derivative from onnxruntime-web, an independent runtime. */

ort.env.wasm.numThreads = 1;

export async function ortRun(bytes: Uint8Array, dims: number[], data: number[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(data), dims) });
  const out = result[session.outputNames[0]!]!;
  await session.release();
  return Array.from(out.data as Float32Array, Number);
}

/** d/dt Σ w · f(x + t v) at t = 0 by central differences in float32 (h = 1e-3). */
export async function ortDerivative(bytes: Uint8Array, dims: number[], x: number[], v: number[], w: number[]): Promise<number> {
  const h = 1e-3;
  const at = async (s: number) => (await ortRun(bytes, dims, x.map((xi, i) => xi + s * h * v[i]!))).reduce((a, y, i) => a + y * w[i]!, 0);
  return ((await at(1)) - (await at(-1))) / (2 * h);
}

/** The importer's outputs and directional derivative (tf.grad) for the same input. */
export function importerRun(bytes: Uint8Array, dims: number[], x: number[], v: number[], w: number[]): { out: number[]; derivative: number } {
  const { raw } = buildOnnxModel(readOnnxModel(bytes, 'op.onnx'));
  const result = tf.tidy(() => {
    const image = fixtureImage(x, dims);
    const direction = fixtureImage(v, dims);
    const out = raw.predict(image);
    const weights = tf.tensor(w, out.shape);
    const g = tf.grad((input) => tf.sum(tf.mul(raw.predict(input as tf.Tensor4D), weights)))(image);
    return { out: Array.from(out.dataSync()), derivative: tf.sum(tf.mul(g, direction)).dataSync()[0]! };
  });
  raw.dispose();
  return result;
}

/** Deterministic values in [-1, 1). */
export const wave = (n: number, phase = 0) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 1.7 + phase) * 0.9));
