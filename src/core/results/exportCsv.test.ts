import { describe, expect, it } from 'vitest';
import { aggregateByModel } from './aggregate';
import { parseCsv } from './csv';
import { PER_IMAGE_COLUMNS, recordsToCsv, summariesToCsv } from './exportCsv';
import type { ResultRecord } from './types';

const rec = (imageId: string, over: Partial<ResultRecord> = {}): ResultRecord => ({
  id: `b|m|${imageId}`, batchId: 'b', modelId: 'file:mine.onnx', modelName: 'resnet50', family: 'CNN', imageId, label: 1,
  cleanPrediction: 1, cleanCorrect: true, success: true, l2: 0.5, linf: 0.1, alignmentMean: 0.2, alignmentMax: 0.3,
  gradEvals: 10, wallMs: 100, backend: 'wasm', protocol: 'interactive', attack: 'fmn', steps: 10, finishedAt: 0, ...over,
});

describe('exports with image sources', () => {
  it('writes the image source and record index per image, and failed jobs with their message', () => {
    const { records } = parseCsv(recordsToCsv([
      rec('shard:https://h/val-0.tfrecords#7'),
      rec('coffee'),
      rec('shard:val-0.tfrecords#2', { status: 'failed', message: 'bad, "record"', l2: null }),
    ]));
    const col = (name: (typeof PER_IMAGE_COLUMNS)[number]) => records.slice(1).map((r) => r[PER_IMAGE_COLUMNS.indexOf(name)]);
    expect(col('image_source')).toEqual(['https://h/val-0.tfrecords', 'coffee', 'val-0.tfrecords']);
    expect(col('record_index')).toEqual(['7', '', '2']);
    expect(col('status')).toEqual(['done', 'done', 'failed']);
    expect(col('message')).toEqual(['', '', 'bad, "record"']);
  });

  it('keeps the published columns first per model, and averages no failed job', () => {
    const csv = summariesToCsv(aggregateByModel([rec('a', { l2: 1 }), rec('b', { l2: 3 }), rec('c', { status: 'failed', l2: null })]));
    const { records } = parseCsv(csv);
    expect(records[0].slice(0, 5)).toEqual(['model', 'pt', 'aa', 'pt_sem', 'aa_sem']);
    // mean of 1 and 3 = 2; sem = sd(1,3)/√2 = √2/√2 = 1
    expect(records[1].slice(0, 5)).toEqual(['resnet50', '2', '0.2', '1', '0']);
    expect(records[1].slice(-2)).toEqual(['0', '1']);
  });
});
