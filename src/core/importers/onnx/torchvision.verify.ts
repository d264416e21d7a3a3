import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../test/backend';
import { buildOnnxModel } from './buildModel';
import { readOnnxModel } from './reader';
import { fixtureImage, hashed } from './testing';

/**
 * `npm run verify:onnx`: full-size torchvision architectures, exported with seeded random weights by
 * Debian's PyTorch (scripts/onnx-fixtures/export_torchvision_full.py), opened through the importer on
 * wasm. Prints one table: opens / logits max difference (relative to the largest) / top-1 agrees /
 * ms per forward and per input gradient. Not in CI (needs python3-torch, takes minutes).
 * Knobs: VERIFY_ONNX_MODELS=resnet50,vit_b_16 ; VERIFY_ONNX_DIR=folder of earlier exports (kept).
 */
const PYTHON = '/usr/bin/python3';
const env = process.env;
const names = env.VERIFY_ONNX_MODELS?.split(',') ?? [];
const keepDir = env.VERIFY_ONNX_DIR;
const dir = keepDir ?? mkdtempSync(join(tmpdir(), 'alignscope-onnx-'));

interface Row {
  model: string;
  opens: string;
  /** PyTorch's own float32 logits against float64, relative to the largest: what the oracle can resolve. */
  torchError?: number;
  maxDiff?: number;
  top1?: boolean;
  forwardMs?: number;
  gradientMs?: number;
}
const rows: Row[] = [];

function median(times: number[]): number {
  const s = [...times].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(f: () => tf.Tensor, reps: number): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k <= reps; k++) {
    const start = performance.now();
    const t = f();
    await t.data();
    t.dispose();
    if (k > 0) times.push(performance.now() - start); // the first call warms up
  }
  return median(times);
}

describe('torchvision architectures at full size through the ONNX importer (wasm)', () => {
  let models: string[] = [];
  beforeAll(async () => {
    await useBackend('wasm');
    if (!keepDir || !existsSync(join(dir, 'resnet50.json'))) {
      const run = spawnSync(PYTHON, ['scripts/onnx-fixtures/export_torchvision_full.py', dir, ...names], { stdio: 'inherit' });
      if (run.status !== 0) throw new Error('export_torchvision_full.py failed: install python3-torch python3-torchvision python3-onnx');
    }
    const listed = spawnSync(PYTHON, ['-c', 'import sys; sys.path.insert(0, "scripts/onnx-fixtures"); from export_torchvision_full import MODELS; print(",".join(MODELS))']);
    models = names.length ? names : String(listed.stdout).trim().split(',');
  }, 3600_000);

  afterAll(() => {
    const pad = (s: string, n: number) => s.padEnd(n);
    const line = (r: Row) =>
      `| ${pad(r.model, 20)} | ${pad(r.opens, 40)} | ${r.maxDiff === undefined ? '—' : r.maxDiff.toExponential(1)} | ${r.torchError?.toExponential(1) ?? '—'} | ${r.top1 === undefined ? '—' : r.top1 ? 'yes' : 'NO'} | ${r.forwardMs?.toFixed(0) ?? '—'} | ${r.gradientMs?.toFixed(0) ?? '—'} |`;
    console.log(
      ['| model | opens | logits max diff / largest | PyTorch f32 vs f64 | top-1 agrees | ms forward (wasm) | ms input gradient (wasm) |', '|---|---|---|---|---|---|---|', ...rows.map(line)].join('\n'),
    );
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  });

  it('opens each exported model and matches PyTorch', async () => {
    for (const model of models) {
      const meta = JSON.parse(readFileSync(join(dir, `${model}.json`), 'utf8'));
      const row: Row = { model, opens: 'yes', torchError: meta.torchFloat32Error };
      rows.push(row);
      if (meta.exportError) {
        row.opens = `torch cannot export it (${String(meta.exportError).slice(0, 60)})`;
        continue;
      }
      let raw;
      try {
        raw = buildOnnxModel(readOnnxModel(new Uint8Array(readFileSync(join(dir, `${model}.onnx`))), `${model}.onnx`)).raw;
      } catch (err) {
        row.opens = `no: ${(err as Error).message.slice(0, 200)}`;
        console.log(model, row.opens);
        continue;
      }
      const size = meta.size as number;
      const x = fixtureImage(hashed(3 * size * size, meta.inputHash), [1, 3, size, size]);
      const logits = tf.tidy(() => Array.from(raw.predict(x).dataSync()));
      const expected = meta.logits as number[];
      const largest = Math.max(...expected.map(Math.abs));
      row.maxDiff = Math.max(...logits.map((v, i) => Math.abs(v - expected[i]!))) / largest;
      const argmax = (v: number[]) => v.indexOf(Math.max(...v));
      row.top1 = argmax(logits) === argmax(expected);
      row.forwardMs = await timed(() => raw.predict(x), 2);
      const top = argmax(expected);
      const gradient = tf.grad((input) => tf.sum(tf.slice(raw.predict(input as tf.Tensor4D), [0, top], [1, 1])));
      row.gradientMs = await timed(() => gradient(x), 1);
      x.dispose();
      raw.dispose();
      console.log(model, JSON.stringify(row));
    }
    expect(rows.filter((r) => r.opens === 'yes').every((r) => r.top1 && r.maxDiff! < 1e-4)).toBe(true);
  });
});
