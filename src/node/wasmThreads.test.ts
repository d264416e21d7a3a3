import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { startNodeBackend } from './backend';
import { availableCores } from './wasmThreads';

// Its own file: a process starts the wasm backend once, here threaded.
describe('the wasm backend in Node with threads', () => {
  it('runs tfjs\' threaded build with the threads asked for, and its convolutions equal the cpu backend\'s', async () => {
    await tf.setBackend('cpu');
    // A convolution big enough for XNNPACK to split it over the pool.
    const x = tf.randomUniform([1, 64, 64, 32], -1, 1, 'float32', 1);
    const w = tf.randomNormal([3, 3, 32, 64], 0, 1, 'float32', 2);
    const cpu = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').dataSync();

    expect(await startNodeBackend('wasm', { threads: 3 })).toBe('wasm, 3 threads');
    expect(getThreadsCount()).toBe(3);
    const [xw, ww] = [tf.tensor(x.dataSync(), x.shape), tf.tensor(w.dataSync(), w.shape)];
    const wasm = tf.conv2d(xw as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same').dataSync();
    let worst = 0;
    for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(cpu[i] - wasm[i]));
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('availableCores', () => {
  it('takes a Slurm task\'s --cpus-per-task, else the cores the process may use', () => {
    expect(availableCores({ SLURM_CPUS_PER_TASK: '6' })).toBe(6);
    expect(availableCores({ SLURM_CPUS_PER_TASK: 'x' })).toBe(os.availableParallelism());
    expect(availableCores({})).toBe(os.availableParallelism());
  });
});
