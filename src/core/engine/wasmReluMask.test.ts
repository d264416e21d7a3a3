import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backend';
import { reluMask } from './reluMask';
import { LIMITS_FLAG_OFFSET, RELU_MASK_WASM_BASE64 } from './wasmReluMask';

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
  it.each(['relu', 'relu6'] as const)('%s: equals the mask computed element by element in JS, SIMD groups and tail alike', async (kind) => {
    const n = 1027;
    const y = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 100 - 2); // -2 … 7.99, 0 and 6 included
    const dy = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
    const top = kind === 'relu' ? Infinity : 6;
    const want = y.map((v, i) => (v > 0 && v < top ? dy[i] : 0));
    const before = tf.memory().numTensors;
    const [ty, tdy] = [tf.tensor1d(y), tf.tensor1d(dy)];
    const profile = await tf.profile(() => reluMask(kind, ty, tdy));
    // The module ran, not the composed fallback, which gives the same numbers.
    expect(profile.kernelNames).toEqual(['AlignScopeReluMask']);
    const got = profile.result as tf.Tensor;
    expect(Array.from(got.dataSync())).toEqual(Array.from(want));
    tf.dispose([ty, tdy, got]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.skipIf(!hasWat2wasm)('embeds exactly what wat2wasm makes of wasmReluMask.wat', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'relumask-')), 'mask.wasm');
    execFileSync('wat2wasm', [path.join(__dirname, 'wasmReluMask.wat'), '-o', out]);
    expect(fs.readFileSync(out).toString('base64')).toBe(RELU_MASK_WASM_BASE64);
  });

  it('has the memory import\'s limits flag where the threaded build patches it: 0x01, a maximum, not shared', () => {
    const bytes = Buffer.from(RELU_MASK_WASM_BASE64, 'base64');
    // Import section entry "env" "memory", kind 2 (memory), then the flag, min 1, max 65536 (LEB128).
    expect(bytes.subarray(LIMITS_FLAG_OFFSET - 12, LIMITS_FLAG_OFFSET).toString('latin1')).toBe('\x03env\x06memory\x02');
    expect(bytes[LIMITS_FLAG_OFFSET]).toBe(0x01);
    expect(Array.from(bytes.subarray(LIMITS_FLAG_OFFSET + 1, LIMITS_FLAG_OFFSET + 5))).toEqual([0x01, 0x80, 0x80, 0x04]);
  });
});
