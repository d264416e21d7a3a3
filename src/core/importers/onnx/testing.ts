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
