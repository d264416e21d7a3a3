import { describe, expect, it } from 'vitest';
import { estimateRemainingMs, fnv1a64, planJobs, recordId, remainingJobs, type BatchPlan } from './plan';
import type { ResultRecord } from '../results/types';

const plan: BatchPlan = {
  id: 'b1', createdAt: 0, protocol: 'interactive', models: ['m1', 'm2'], images: ['i1', 'i2'],
  attack: 'fmn', steps: 5, status: 'running',
};

describe('batch plan', () => {
  it('runs model by model over every image', () => {
    expect(planJobs(plan).map((j) => `${j.modelId}/${j.imageId}`)).toEqual(['m1/i1', 'm1/i2', 'm2/i1', 'm2/i2']);
  });
  it('resumes after the stored results of this batch only', () => {
    const stored = [
      { id: 'b1|m1|i1', batchId: 'b1' },
      { id: 'b0|m1|i2', batchId: 'b0' },
    ] as ResultRecord[];
    expect(remainingJobs(plan, stored).map(recordId)).toEqual(['b1|m1|i2', 'b1|m2|i1', 'b1|m2|i2']);
  });
  it('estimates time left from the median recent job', () => {
    expect(estimateRemainingMs([], 3)).toBeNull();
    expect(estimateRemainingMs([9000, 1000, 2000], 4)).toBe(8000);
    expect(estimateRemainingMs([1000, 3000], 2)).toBe(4000);
    expect(estimateRemainingMs([5], 0)).toBe(0);
  });
});

describe('fnv1a64 (the job-list hash)', () => {
  it('gives the published FNV-1a 64-bit test values', () => {
    // From the FNV reference test suite (Fowler, Noll, Vo).
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });
});
