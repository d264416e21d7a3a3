import { describe, expect, it } from 'vitest';
import type { JobExecutor, JobInput, JobOutput } from '../core/batch/runner';
import type { ModelInfo } from '../core/models/types';
import { TimedExecutor } from './timedExecutor';

/** An executor whose jobs take the given milliseconds on a hand-moved clock, 10 steps each. */
function timed(durations: number[]) {
  let clock = 0;
  const inner = {
    backend: 'wasm',
    loadModel: async () => ({}) as ModelInfo,
    execute: async () => {
      clock += durations.shift()!;
      return { result: { steps: 10 } } as unknown as JobOutput;
    },
    cancel: async () => {},
  } as JobExecutor;
  return new TimedExecutor(inner, () => clock);
}

describe('TimedExecutor', () => {
  it('counts steps per second over all jobs, and apart from each model\'s first job', async () => {
    const t = timed([300, 100, 100, 200]);
    const job = {} as JobInput;
    await t.loadModel('a');
    for (let i = 0; i < 3; i++) await t.execute(job);
    // 30 steps in 0.5 s; after the first job, 20 steps in 0.2 s.
    expect(t.stepsPerSecond()).toBeCloseTo(60, 10);
    expect(t.warmStepsPerSecond()).toBeCloseTo(100, 10);
    expect(t.fastest).toBeCloseTo(100, 10);
    await t.loadModel('b');
    await t.execute(job);
    // The second model's only job is its first: the warm figure stays; all jobs: 40 steps in 0.7 s.
    expect(t.warmStepsPerSecond()).toBeCloseTo(100, 10);
    expect(t.stepsPerSecond()).toBeCloseTo(400 / 7, 10);
  });
});
