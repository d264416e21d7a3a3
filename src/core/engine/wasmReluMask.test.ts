import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { reluMask } from './reluMask';
import { RELU_MASK_WASM_BASE64 } from './wasmReluMask';

const hasWat2wasm = (() => {
  try {
    execFileSync('wat2wasm', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

beforeAll(() => useBackend('wasm'));

describe('the wasm ReLU mask kernel', () => {
  // 1027 = 256 SIMD groups of four and a scalar tail of three.
  it.each(['relu', 'relu6'] as const)('%s: equals the mask computed element by element in JS, SIMD groups and tail alike', (kind) => {
    const n = 1027;
    const y = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 100 - 2); // -2 … 7.99, 0 and 6 included
    const dy = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
    const top = kind === 'relu' ? Infinity : 6;
    const want = y.map((v, i) => (v > 0 && v < top ? dy[i] : 0));
    const before = tf.memory().numTensors;
    const [ty, tdy] = [tf.tensor1d(y), tf.tensor1d(dy)];
    const got = reluMask(kind, ty, tdy);
    expect(Array.from(got.dataSync())).toEqual(Array.from(want));
    tf.dispose([ty, tdy, got]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.skipIf(!hasWat2wasm)('embeds exactly what wat2wasm makes of wasmReluMask.wat', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'relumask-')), 'mask.wasm');
    execFileSync('wat2wasm', [path.join(__dirname, 'wasmReluMask.wat'), '-o', out]);
    expect(fs.readFileSync(out).toString('base64')).toBe(RELU_MASK_WASM_BASE64);
  });
});
