import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregateByModel } from './aggregate';
import { parseCsv } from './csv';
import { recordsToCsv, summariesToCsv, PER_IMAGE_COLUMNS } from './exportCsv';
import { CsvImportError, describeProblems, parsePublishedTable } from './publishedTable';
import type { ResultRecord } from './types';
import { assetPath } from '../../test/assets';

const HEADER = 'model,pt,aa,pt_sem,aa_sem';

// Table-driven like netron's test/models.json: each broken row and the problem it must report.
const BROKEN: [string, RegExp][] = [
  ['onlyname', /has 1 cells where the header has 5/],
  [',1,0.1,0.01,0.01', /no model name/],
  ['m,abc,0.1,0.01,0.01', /pt "abc" is not a non-negative number/],
  ['m,-1,0.1,0.01,0.01', /pt "-1"/],
  ['m,1,,0.01,0.01', /aa "" is not a number/],
  ['m,1,0.1,x,0.01', /pt_sem "x"/],
  ['m,1,0.1,0.01,-2', /aa_sem "-2"/],
];

describe('parsePublishedTable', () => {
  it('reports each malformed row with its line number and keeps the good ones', () => {
    const text = [HEADER, 'good_a,1.5,0.2,0.05,0.01', ...BROKEN.map((b) => b[0]), 'good_b,2,-0.07,,'].join('\n');
    const imp = parsePublishedTable(text, 'cluster.csv');
    expect(imp.rows).toEqual([
      { model: 'good_a', pt: 1.5, aa: 0.2, pt_sem: 0.05, aa_sem: 0.01 },
      { model: 'good_b', pt: 2, aa: -0.07, pt_sem: null, aa_sem: null },
    ]);
    expect(imp.problems.map((p) => p.line)).toEqual(BROKEN.map((_, i) => i + 3));
    BROKEN.forEach(([, re], i) => expect(imp.problems[i].message).toMatch(re));
    expect(describeProblems(imp)[0]).toBe('cluster.csv, line 3: has 1 cells where the header has 5.');
  });

  it('reports a repeated model and keeps the first', () => {
    const imp = parsePublishedTable(`${HEADER}\nm,1,0.1,0,0\nm,2,0.2,0,0\n`, 'dup.csv');
    expect(imp.rows.map((r) => r.pt)).toEqual([1]);
    expect(imp.problems).toEqual([{ line: 3, message: 'repeats model "m" (the first row is kept).' }]);
  });

  it('rejects whole files that cannot be a per-model table', () => {
    const cases: [string, RegExp][] = [
      ['', /x\.csv is empty/],
      ['name,score\na,1', /x\.csv has no column "model", "pt", "aa"/],
      [`${HEADER}\nm,"1,0.1,0,0`, /never closed/],
      [`${HEADER}\nm,zz,0.1,0,0`, /no usable row \(line 2 pt "zz"/],
    ];
    for (const [text, re] of cases) {
      expect(() => parsePublishedTable(text, 'x.csv')).toThrow(CsvImportError);
      expect(() => parsePublishedTable(text, 'x.csv')).toThrow(re);
    }
  });

  it('reads the 2025 follow-up table from the mirror: 351 models', () => {
    const imp = parsePublishedTable(fs.readFileSync(assetPath('reference/aa2025_l2fmn_per_model.csv'), 'utf8'), 'aa2025');
    expect(imp.problems).toEqual([]);
    expect(imp.rows).toHaveLength(351);
    // METHOD.md §5 quotes this row.
    const mnv2 = imp.rows.find((r) => r.model === 'mobilenetv2_100.ra_in1k');
    expect(mnv2?.pt).toBeCloseTo(1.59, 2);
    expect(mnv2?.aa).toBeCloseTo(0.21, 2);
  });
});

function rec(modelId: string, imageId: string, l2: number, alignmentMax: number, name = modelId): ResultRecord {
  return {
    id: `b|${modelId}|${imageId}`, batchId: 'b', modelId, modelName: name, family: 'f', imageId, label: 3,
    cleanPrediction: 0, cleanCorrect: true, success: true, l2, linf: l2 / 10, alignmentMean: 0,
    alignmentMax, gradEvals: 1000, wallMs: 12.3, backend: 'webgpu', protocol: '2025-corrected',
    attack: 'fmn', steps: 1000, finishedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  };
}

describe('CSV export', () => {
  it('per-model export reads back as a published table with the same numbers', () => {
    const summaries = aggregateByModel([
      rec('a', 'i1', 1, 0.1), rec('a', 'i2', 3, 0.3),
      rec('=evil', 'i1', 0.5, -0.2, '=HYPERLINK("x")'), rec('=evil', 'i2', 0.5, -0.4, '=HYPERLINK("x")'),
    ]);
    const csv = summariesToCsv(summaries);
    expect(csv.split('\n')[0]).toMatch(/^model,pt,aa,pt_sem,aa_sem,n_pt,/);
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    const back = parsePublishedTable(csv, 'export.csv');
    expect(back.problems).toEqual([]);
    // a: L2 1 and 3 → mean 2, sem = sd(√2)/√2 = 1; aa = mean(0.1, 0.3)/0.65753
    expect(back.rows[0]).toMatchObject({ model: 'a', pt: 2, pt_sem: 1, protocol: '2025-corrected', n: 2 });
    expect(back.rows[0].aa).toBeCloseTo(0.2 / 0.65753, 12);
    expect(back.rows[0].aa_sem).toBeCloseTo(0.1 / 0.65753, 12);
    expect(back.rows[1]).toMatchObject({ model: '=HYPERLINK("x")', pt: 0.5, pt_sem: 0 });
    expect(back.rows[1].aa).toBeCloseTo(-0.3 / 0.65753, 12);
  });

  it('per-image export has one escaped row per record with both alignments', () => {
    const csv = recordsToCsv([rec('a', '+img', 0.25, -0.5)]);
    const { records } = parseCsv(csv);
    expect(records[0]).toEqual([...PER_IMAGE_COLUMNS]);
    const row = Object.fromEntries(records[0].map((h, i) => [h, records[1][i]]));
    expect(row).toMatchObject({
      model: 'a', image: "'+img", l2: '0.25', linf: '0.025', alignment_max: '-0.5', clean_correct: 'true',
      wall_ms: '12', protocol: '2025-corrected', finished_at: '2026-01-02T03:04:05.000Z',
    });
  });
});
