import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planJobs, type BatchPlan } from '../core/batch/plan';
import type { ResultRecord } from '../core/results/types';
import { UsageError } from './args';
import { JsonlResultSink } from './resultFiles';

const dirs: string[] = [];
const tmpFile = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'results-'));
  dirs.push(d);
  return path.join(d, 'results-0-of-1.jsonl');
};
afterEach(() => {
  vi.restoreAllMocks();
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

const plan: BatchPlan = { id: 'b', createdAt: 0, protocol: 'interactive', models: ['m'], images: ['a', 'b', 'c'], attack: 'fmn', steps: 3, status: 'running' };
const jobs = planJobs(plan);

/** A result line of job `image` of this command (hash "h"), as the sink writes it. */
function line(image: string, status: 'done' | 'failed', hash = 'h'): string {
  const jobIndex = plan.images.indexOf(image);
  return JSON.stringify({ id: `b|m|${image}`, imageId: image, status, l2: status === 'done' ? 0.5 : null, jobListHash: hash, jobIndex, jobCount: 3 });
}

const record = (image: string): ResultRecord => ({ id: `b|m|${image}`, imageId: image, status: 'done', l2: 0.25 }) as ResultRecord;

describe('JsonlResultSink', () => {
  it('reads its file once: finished jobs, then what it appends, and a torn tail cut', async () => {
    const file = tmpFile();
    fs.writeFileSync(file, `${line('a', 'done')}\n${line('b', 'failed')}\n{"id":"b|m|c","sta`);
    const reads = vi.spyOn(fs, 'readFileSync');
    const sink = new JsonlResultSink(file, 'h', jobs);
    // A failed job is tried again; the torn line held no result.
    expect([...(await sink.storedIds(plan))]).toEqual(['b|m|a']);
    await sink.put(record('b'));
    await sink.put(record('c'));
    sink.close();
    expect([...sink.finished().keys()]).toEqual(['b|m|a', 'b|m|b', 'b|m|c']);
    expect(sink.finished().get('b|m|c')).toMatchObject({ l2: 0.25, jobListHash: 'h', jobIndex: 2, jobCount: 3 });
    expect(reads.mock.calls.filter(([f]) => f === file)).toHaveLength(1);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines.slice(0, 2)).toEqual([line('a', 'done'), line('b', 'failed')]);
    expect(lines.slice(2).map((l) => (l ? JSON.parse(l).id : l))).toEqual(['b|m|b', 'b|m|c', '']);
  });

  it('refuses a file of another command without touching it', () => {
    const file = tmpFile();
    const text = `${line('a', 'done', 'other')}\n{"torn`;
    fs.writeFileSync(file, text);
    expect(() => new JsonlResultSink(file, 'h', jobs)).toThrow(UsageError);
    expect(() => new JsonlResultSink(file, 'h', jobs)).toThrow(/job list other, this one is h/);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
  });
});
