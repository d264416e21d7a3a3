import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { aggregateByModel } from '../core/results/aggregate';
import { recordsToCsv, summariesToCsv } from '../core/results/exportCsv';
import type { ResultRecord } from '../core/results/types';
import { parsePublishedTable } from '../core/results/publishedTable';
import { parsePerImageCsv } from '../core/results/perImageCsv';
import { UsageError } from './args';
import { mergedCsvs, mergeMain, mergeResults } from './merge';
import type { PlanFile, ResultLine } from './resultFiles';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

const models = ['m1', 'm2'];
const images = ['a', 'b', 'c'];
const HASH = '00000000000000aa';

function line(jobIndex: number, over: Partial<ResultLine> = {}): ResultLine {
  const modelId = models[Math.floor(jobIndex / images.length)];
  const imageId = images[jobIndex % images.length];
  const rec: ResultRecord = {
    id: `cli-${HASH}|${modelId}|${imageId}`, batchId: `cli-${HASH}`, modelId, imageId, modelName: modelId, family: 'toy',
    label: 1, cleanPrediction: 1, cleanCorrect: true, success: true, l2: 0.1 * (jobIndex + 1), linf: 0.01,
    alignmentMean: 0.2, alignmentMax: 0.3 + jobIndex / 100, gradEvals: 10, wallMs: 100, backend: 'wasm', protocol: 'interactive',
    attack: 'fmn', steps: 10, finishedAt: 1_700_000_000_000 + jobIndex, status: 'done', imageSource: imageId, recordIndex: null, humanMap: true,
  };
  return { ...rec, jobListHash: HASH, jobIndex, jobCount: 6, ...over };
}

function folder(files: Record<string, ResultLine[] | string>, plan = true): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'merge-'));
  dirs.push(d);
  const p: PlanFile = { jobListHash: HASH, batchId: `cli-${HASH}`, protocol: 'interactive', attack: 'fmn', steps: 10, models, images, jobCount: 6 };
  if (plan) fs.writeFileSync(path.join(d, 'plan.json'), JSON.stringify(p));
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(d, name), typeof content === 'string' ? content : content.map((l) => JSON.stringify(l) + '\n').join(''));
  }
  return d;
}

describe('mergeResults', () => {
  it('restores the job order of one process from shards in any order, and writes the app export', () => {
    const d = folder({
      'results-2-of-3.jsonl': [line(4), line(5)],
      'results-0-of-3.jsonl': [line(1), line(0)],
      'results-1-of-3.jsonl': [line(2), line(3)],
    });
    const m = mergeResults(d);
    expect(m.records.map((r) => r.jobIndex)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(m).toMatchObject({ missing: [], duplicates: 0, failed: [] });
    const plain = [0, 1, 2, 3, 4, 5].map((i) => line(i));
    expect(mergedCsvs(m.records)).toEqual({ perImage: recordsToCsv(plain), perModel: summariesToCsv(aggregateByModel(plain)) });
    const { perModel, perImage } = mergedCsvs(m.records);
    expect(perModel.split('\n')[0].startsWith('model,pt,aa,pt_sem,aa_sem,')).toBe(true);
    // The scatter's import reads both files: the per-model one as a table, the per-image one as runs.
    expect(parsePublishedTable(perModel, 'per-model.csv').rows.map((r) => r.model)).toEqual(['m1', 'm2']);
    expect(parsePerImageCsv(perImage, 'per-image.csv').map((r) => r.id)).toEqual(plain.map((r) => r.id));
  });

  it('keeps each job once: a finished result over a failure, the later of two lines', () => {
    const d = folder({
      'results-0-of-2.jsonl': [line(0, { status: 'failed', message: 'boom', l2: null }), line(0), line(1), line(2, { l2: 9 })],
      'results-1-of-2.jsonl': [line(3), line(4), line(5), line(2, { l2: 7 }), line(5, { status: 'failed', message: 'late failure' })],
    });
    const m = mergeResults(d);
    expect(m.records).toHaveLength(6);
    expect(m.duplicates).toBe(3);
    expect(m.records[0].status).toBe('done');
    expect(m.records[2].l2).toBe(7);
    expect(m.records[5].status).toBe('done');
  });

  it('lists missing jobs by model and image, ignores a torn last line, and counts failed-only jobs', () => {
    const d = folder({
      'results-0-of-2.jsonl': [line(0), line(1, { status: 'failed', message: 'corrupt record' })].map((l) => JSON.stringify(l) + '\n').join('') + '{"id":"cli',
    });
    const m = mergeResults(d);
    expect(m.missing).toEqual(['m1 × c', 'm2 × a', 'm2 × b', 'm2 × c']);
    expect(m.failed).toEqual(['m1 × b: corrupt record']);
    expect(m.badLines).toEqual(['results-0-of-2.jsonl line 3']);
  });

  it('refuses files of different commands', () => {
    const d = folder({ 'results-0-of-2.jsonl': [line(0)], 'results-1-of-2.jsonl': [line(3, { jobListHash: 'ffffffffffffffff' })] });
    expect(() => mergeResults(d)).toThrow(UsageError);
    expect(() => mergeResults(d)).toThrow(/different commands.*ffffffffffffffff \(results-1-of-2.jsonl\)/);
  });

  it('refuses a folder without result files', () => {
    expect(() => mergeResults(folder({}))).toThrow(/no results-<i>-of-<n>.jsonl/);
  });
});

describe('mergeMain', () => {
  it('writes both CSVs; exits 0 when complete, 1 with missing jobs, 2 for mixed commands', () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const complete = folder({ 'results-0-of-1.jsonl': [0, 1, 2, 3, 4, 5].map((i) => line(i)) });
    expect(mergeMain([complete])).toBe(0);
    expect(fs.readFileSync(path.join(complete, 'per-model.csv'), 'utf8')).toBe(summariesToCsv(aggregateByModel([0, 1, 2, 3, 4, 5].map((i) => line(i)))));
    expect(mergeMain([folder({ 'results-0-of-1.jsonl': [line(0)] })])).toBe(1);
    expect(mergeMain([folder({ 'results-0-of-2.jsonl': [line(0)], 'results-1-of-2.jsonl': [line(3, { jobListHash: 'ff' })] })])).toBe(2);
  });
});
