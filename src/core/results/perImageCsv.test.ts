import { describe, expect, it } from 'vitest';
import { recordsToCsv } from './exportCsv';
import { isPerImageCsv, parsePerImageCsv } from './perImageCsv';
import { CsvImportError } from './publishedTable';
import type { ResultRecord } from './types';

const base: ResultRecord = {
  id: 'b1|m,1|shard:val-0.tfrecords#7', batchId: 'b1', modelId: 'm,1', imageId: 'shard:val-0.tfrecords#7', modelName: '=evil', family: 'CNN',
  label: 3, cleanPrediction: 3, cleanCorrect: true, success: true, l2: 0.125, linf: 0.0078125, alignmentMean: -0.25, alignmentMax: 0.5,
  gradEvals: 10, wallMs: 1234, backend: 'wasm', protocol: '2025-corrected', attack: 'fmn', steps: 10, finishedAt: Date.UTC(2026, 11, 7, 20, 0, 0, 123),
  status: 'done', imageSource: 'val-0.tfrecords', recordIndex: 7,
};

describe('parsePerImageCsv', () => {
  it('reads back what recordsToCsv wrote: quoted ids, formula-looking names, nulls and a failed job', () => {
    const failed: ResultRecord = {
      ...base, id: 'b1|m2|coffee', modelId: 'm2', imageId: 'coffee', modelName: 'm2', l2: null, linf: null, alignmentMean: null,
      alignmentMax: null, success: false, cleanCorrect: false, status: 'failed', message: 'The model "m2" did not open, "really".',
      imageSource: 'coffee', recordIndex: null,
    };
    const text = recordsToCsv([base, failed]);
    expect(isPerImageCsv(text)).toBe(true);
    expect(parsePerImageCsv(text, 'runs.csv')).toEqual([base, failed]);
  });

  it('reads a file from before the image-source columns', () => {
    const plain = { ...base, id: 'b1|m1|serre-lab_0', modelId: 'm1', modelName: 'm1', imageId: 'serre-lab_0' };
    const text = recordsToCsv([plain]).split('\n').map((l) => l.split(',').slice(0, 20).join(',')).join('\n');
    const [r] = parsePerImageCsv(text, 'old.csv');
    expect(r.l2).toBe(0.125);
    expect(r.imageSource).toBeUndefined();
  });

  it('is not a per-model file', () => {
    expect(isPerImageCsv('model,pt,aa,pt_sem,aa_sem\nx,1,0.2,,\n')).toBe(false);
  });

  it.each([
    ['model,model_id,family,image\nx,y,z,w\n', /lacks the columns label/],
    [recordsToCsv([base]).replace('2025-corrected', 'nope'), /line 2: the protocol "nope"/],
    [recordsToCsv([base]).replace(',0.125,', ',abc,'), /line 2: l2 is "abc", not a number/],
  ])('names the file, line and problem', (text, message) => {
    expect(() => parsePerImageCsv(text, 'bad.csv')).toThrow(CsvImportError);
    expect(() => parsePerImageCsv(text, 'bad.csv')).toThrow(message);
  });
});
