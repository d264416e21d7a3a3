/**
 * The runner end to end in this process, on WASM and real catalogue models: one job gives the same
 * L2 and alignment as the core computed directly (what the app's worker runs), with one shard or
 * three; bad input stops with exit 2 before any job; a torn last line is redone on resume.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runToEnd } from '../core/attacks/createAttack';
import { configForProtocol } from '../core/attacks/protocols';
import { cropResize } from '../core/image/resize';
import { makeStepAligner } from '../core/metrics/stepAligner';
import { hasAssets, assetPath } from '../test/assets';
import { useBackend } from '../test/backend';
import { loadImageFile } from '../test/images';
import { loadCatalogueClassifier } from '../test/models';
import { main } from './batch';
import { readJsonlFile } from './jsonlSink';
import { mergeResults } from './merge';
import type { ResultLine } from './resultFiles';

const MODELS = ['mobilenet_v1_0.25_224', 'mobilenet_v1_0.25_128_quant'];
const IMAGES = ['serre-lab_0', 'serre-lab_3'];
const STEPS = 5;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-batch-'));
const out = (name: string) => path.join(tmp, name);
const command = (dir: string, ...more: string[]) => [
  '--models', MODELS.join(','), '--images', IMAGES.join(','), '--steps', String(STEPS), '--out', dir, '--progress', 'lines', ...more,
];
const lines = (dir: string, file = 'results-0-of-1.jsonl') => readJsonlFile<ResultLine>(path.join(dir, file)).records;

beforeAll(() => {
  // The runner's progress lines are not this test's subject.
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(() => {
  vi.restoreAllMocks();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function relClose(actual: number | null, expected: number | null): void {
  expect(actual === null).toBe(expected === null);
  if (actual !== null && expected !== null) expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(expected), 1e-12));
}

describe.runIf(hasAssets)('npm run batch in-process on WASM', () => {
  it('runs every job once with one shard, and three shards give the same numbers', async () => {
    expect(await main(command(out('one')), {})).toBe(0);
    for (const i of [0, 1, 2]) expect(await main(command(out('three'), '--shard', `${i}/3`), {})).toBe(0);
    const one = mergeResults(out('one')).records;
    const three = mergeResults(out('three')).records;
    expect(one.map((r) => `${r.modelId} × ${r.imageId}`)).toEqual(MODELS.flatMap((m) => IMAGES.map((i) => `${m} × ${i}`)));
    expect(three.map((r) => r.id)).toEqual(one.map((r) => r.id));
    three.forEach((r, k) => {
      relClose(r.l2, one[k].l2);
      relClose(r.alignmentMean, one[k].alignmentMean);
      relClose(r.alignmentMax, one[k].alignmentMax);
    });
    // The 3 shards hold contiguous blocks: 4 jobs as 1, 1, 2.
    expect([0, 1, 2].map((i) => lines(out('three'), `results-${i}-of-3.jsonl`).map((r) => r.jobIndex))).toEqual([[0], [1], [2, 3]]);
  });

  it('gives the numbers of the core run directly, as the app worker runs a job', async () => {
    await useBackend('wasm');
    const one = lines(out('one'));
    const rows = JSON.parse(fs.readFileSync(assetPath('clickme-samples/index.json'), 'utf8')).samples as { id: string; image: string; heatmap: string; label: number }[];
    for (const modelId of MODELS) {
      const classifier = await loadCatalogueClassifier(modelId);
      const size = classifier.info.inputSize;
      for (const imageId of IMAGES) {
        const row = rows.find((r) => r.id === imageId)!;
        const pixels = cropResize(loadImageFile(assetPath(`clickme-samples/${row.image}`)), size).data;
        const map = cropResize(loadImageFile(assetPath(`clickme-samples/${row.heatmap}`), 1), size).data;
        const before = tf.memory().numTensors;
        const x0 = tf.tensor4d(pixels, [1, size, size, 3]);
        const result = await runToEnd(classifier.logits, x0, configForProtocol('interactive', { label: row.label, steps: STEPS, seed: 0 }));
        x0.dispose();
        expect(tf.memory().numTensors).toBe(before);
        const aligned = result.bestDelta ? makeStepAligner(map)(result.bestDelta) : null;
        const rec = one.find((r) => r.modelId === modelId && r.imageId === imageId)!;
        expect(rec.success).toBe(result.success);
        relClose(rec.l2, result.l2);
        relClose(rec.alignmentMean, aligned?.mean ?? null);
        relClose(rec.alignmentMax, aligned?.max ?? null);
      }
      classifier.dispose();
    }
  });

  it('redoes only a job whose line was torn, and leaves each job once in the file', async () => {
    const file = path.join(out('one'), 'results-0-of-1.jsonl');
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    const lastLine = JSON.parse(text[text.length - 1]) as ResultLine;
    fs.writeFileSync(file, `${text.slice(0, -1).join('\n')}\n${text[text.length - 1].slice(0, 40)}`);
    expect(await main(command(out('one')), {})).toBe(0);
    const after = lines(out('one'));
    expect(after.map((r) => r.jobIndex)).toEqual([0, 1, 2, 3]);
    expect(after[3].finishedAt).toBeGreaterThan(lastLine.finishedAt);
    relClose(after[3].l2, lastLine.l2);
  });

  it('exits 1 when a job has no result (a model that does not open), and records why', async () => {
    const bad = path.resolve(__dirname, '../core/importers/onnx/fixtures/bad-unsupported-ops.onnx');
    const argv = ['--models', bad, '--size', '224', '--images', 'serre-lab_0', '--steps', '1', '--out', out('fails'), '--progress', 'lines'];
    expect(await main(argv, {})).toBe(1);
    const [rec] = lines(out('fails'));
    expect(rec.status).toBe('failed');
    expect(rec.message).toMatch(/unsupported|not support/i);
    // A failure is tried again on the next run (a requeue often cures what failed).
    expect(await main(argv, {})).toBe(1);
    expect(lines(out('fails')).map((r) => r.status)).toEqual(['failed', 'failed']);
  });

  it.each([
    ['an unknown model id', ['--models', 'no_such_model'], /no model "no_such_model"/],
    ['an unreadable model file', ['--models', './missing/model.tflite'], /does not exist/],
    ['a shard that is not a TFRecord', ['--images', 'package.json#0-1'], /not a TFRecord file/],
    ['a range past the end', ['--images', '__SHARD__#0-99'], /goes past its end/],
    ['results of another command in --out', ['--steps', '7'], /another command/],
  ])('stops %s with exit 2 and one message, before any job', async (_what, change, message) => {
    const shard = path.join(tmp, 'tiny.tfrecords');
    if (!fs.existsSync(shard)) fs.writeFileSync(shard, (await import('../test/clickmeShard')).buildClickmeShard({ count: 2 }));
    const argv = command(change[0] === '--steps' ? out('one') : out('bad'));
    for (let k = 0; k < change.length; k += 2) {
      const at = argv.indexOf(change[k]);
      argv[at + 1] = change[k + 1].replace('__SHARD__', shard);
    }
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    try {
      expect(await main(argv, {})).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(fs.existsSync(path.join(out('bad'), 'results-0-of-1.jsonl'))).toBe(false);
  });
});
