import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** A committed fixture: the .onnx bytes and what onnxruntime-web computed for it (scripts/onnx-fixtures/generate.mjs). */
export interface OnnxFixture {
  bytes: Uint8Array;
  opset: number;
  inputDims: number[];
  input: number[];
  logits: number[];
  gradientCheck: { weights: number[]; direction: number[]; h: number; derivative: number };
}

/** export_torch.py's pseudo-random values in [0, 1), steps of 1/256: ((i · 2654435761 + seed · 40503) mod 2³²) >> 24, over 256. */
export function hashed(count: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => ((Math.imul(i, 2654435761 | 0) + seed * 40503) >>> 0 >>> 24) / 256);
}

const FIXTURES_DIR = new URL('./fixtures/', import.meta.url);

/**
 * Every fixture with expected outputs: the Node generator's (fixtures/*.json) and, once a developer
 * has run scripts/onnx-fixtures/export_torch.py, PyTorch's (fixtures/torch/*.json).
 */
export function fixtureNames(): string[] {
  const names = (sub: string) => {
    const dir = new URL(sub, FIXTURES_DIR);
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => sub + f.replace(/\.json$/, ''));
  };
  return [...names(''), ...names('torch/')];
}

export function loadFixture(name: string): OnnxFixture {
  const dir = FIXTURES_DIR;
  const expected = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8'));
  if (expected.inputHash !== undefined) {
    // PyTorch fixtures state their input and direction by a seed instead of listing them (Inception's 299² inputs).
    const count = expected.inputDims.reduce((a: number, b: number) => a * b, 1);
    expected.input = hashed(count, expected.inputHash);
    expected.gradientCheck.direction = hashed(count, expected.inputHash + 1).map((v) => v * 2 - 1);
  }
  return { bytes: new Uint8Array(readFileSync(new URL(`${name}.onnx`, dir))), ...expected };
}

/** A fixture's input data (NCHW, or NHWC where the file takes that) as the NHWC image tensor AlignScope feeds. */
export function fixtureImage(data: number[], dims: number[]): tf.Tensor4D {
  const t = tf.tensor4d(data, dims as [number, number, number, number]);
  if (dims[1] !== 3) return t;
  const image = tf.transpose(t, [0, 2, 3, 1]);
  t.dispose();
  return image;
}
