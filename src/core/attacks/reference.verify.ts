import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasAssets } from '../../test/assets';
import { useBackend } from '../../test/backend';
import { loadCatalogueClassifier } from '../../test/models';
import type { Classifier } from '../models/types';
import { createAttack } from './createAttack';
import { configForProtocol } from './protocols';
import { findCase, readReferenceCases, within, readReferenceInput } from './testing/reference';
import type { AttackConfig } from './types';

/**
 * The whole independent reference: every input × model × read-out.
 * Knobs (environment): VERIFY_MODELS=mobilenet_v1_0.25_224,... ; VERIFY_INPUTS=3 (first n) or
 * serre-lab_0,... ; VERIFY_LONG=0 skips the 1000-step FMN runs; VERIFY_PUBLISHED_STEPS=n runs
 * only the first n of the as-published attack's 1000 steps (default all 1000).
 */
const ALL_MODELS = ['mobilenet_v1_0.25_224', 'mobilenet_v1_0.75_224'];
const env = process.env;
const models = env.VERIFY_MODELS ? env.VERIFY_MODELS.split(',') : ALL_MODELS;
const long = env.VERIFY_LONG !== '0';
const publishedSteps = Number(env.VERIFY_PUBLISHED_STEPS ?? 1000);
const cases = hasAssets ? readReferenceCases() : [];
const allInputs = [...new Set(cases.map((c) => c.input))];
const inputs = !env.VERIFY_INPUTS
  ? allInputs
  : /^\d+$/.test(env.VERIFY_INPUTS)
    ? allInputs.slice(0, Number(env.VERIFY_INPUTS))
    : allInputs.filter((i) => env.VERIFY_INPUTS!.split(',').some((p) => i.startsWith(`${p}_`)));

interface Row {
  model: string;
  input: string;
  readout: string;
  ref: number;
  fmn100: number | null;
  fmn1000: number | null;
  pubRef?: number;
  pub?: number | null;
}
const rows: Row[] = [];

async function bestL2(clf: Classifier, input: string, config: AttackConfig, maxSteps = Infinity): Promise<number | null> {
  const x0 = readReferenceInput(input);
  const run = createAttack(clf.logits, x0, config);
  x0.dispose();
  try {
    for (let i = 0; !run.done && i <= maxSteps; i++) await run.step();
    return (await run.result()).l2;
  } finally {
    run.dispose();
  }
}

const pct = (v: number | null | undefined, ref: number) =>
  v == null ? '—' : `${v.toFixed(5)} (${v >= ref ? '+' : ''}${((100 * (v - ref)) / ref).toFixed(1)}%)`;

describe.skipIf(!hasAssets).each(models)('independent minimal-L2 reference on %s', (model) => {
  let clf: Classifier;
  beforeAll(async () => {
    await useBackend('wasm');
    clf = await loadCatalogueClassifier(model);
  });
  afterAll(() => clf.dispose());

  it.each(inputs)('%s', async (input) => {
    const before = tf.memory().numTensors;
    for (const readout of ['1000-class', 'binary'] as const) {
      const ref = findCase(cases, input, model, readout);
      const base = configForProtocol(readout === 'binary' ? '2025-corrected' : 'interactive', { previewSize: 8, label: undefined });
      const row: Row = { model, input, readout, ref: ref.best, fmn100: null, fmn1000: null };
      rows.push(row);
      row.fmn100 = await bestL2(clf, input, { ...base, steps: 100 });
      if (long) row.fmn1000 = await bestL2(clf, input, { ...base, steps: 1000 });
      if (ref.asPublished !== undefined) {
        row.pubRef = ref.asPublished;
        row.pub = await bestL2(clf, input, configForProtocol('2025-published', { previewSize: 8 }), publishedSteps);
      }
      // Progress as it goes: a full run takes hours on a CPU.
      console.log(`verify ${model} ${input} ${readout}: reference ${ref.best}, FMN 100 ${row.fmn100}, FMN 1000 ${row.fmn1000}, as-published ${row.pub ?? '—'} (reference ${row.pubRef ?? '—'})`);
      expect.soft(row.fmn100 !== null && within(row.fmn100, ref.best, 0.1, 0.005), `${readout} FMN 100 ${row.fmn100} vs ${ref.best}`).toBe(true);
      if (long) expect.soft(row.fmn1000 !== null && within(row.fmn1000, ref.best, 0.02, 0.002), `${readout} FMN 1000 ${row.fmn1000} vs ${ref.best}`).toBe(true);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('"2025 as published" within 5 percent of the published behaviour on at least 8 of 10 inputs', () => {
    const pub = rows.filter((r) => r.model === model && r.pubRef !== undefined);
    const good = pub.filter((r) => r.pub != null && within(r.pub, r.pubRef!, 0.05)).length;
    expect(good).toBeGreaterThanOrEqual(Math.ceil(0.8 * pub.length));
  });
});

afterAll(() => {
  const head = ['model', 'input', 'read-out', 'reference', 'FMN 100 (Δ)', 'FMN 1000 (Δ)', 'as-published ref', `as-published (${publishedSteps} st.)`];
  const body = rows.map((r) => [
    r.model,
    r.input.replace('_clean_224.f32', ''),
    r.readout,
    r.ref.toFixed(5),
    pct(r.fmn100, r.ref),
    pct(r.fmn1000, r.ref),
    r.pubRef?.toFixed(5) ?? '',
    r.pubRef === undefined ? '' : pct(r.pub, r.pubRef),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(['', line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n'));
});
