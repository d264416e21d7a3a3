import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasAssets } from '../../test/assets';
import { useBackend } from '../../test/backend';
import { loadCatalogueClassifier } from '../../test/models';
import type { Classifier } from '../models/types';
import { createAttack, runToEnd } from './createAttack';
import { configForProtocol } from './protocols';
import { findCase, readReferenceCases, readReferenceInput, within } from './testing/reference';
import type { RunResult } from './types';

// CI's share of the independent reference (npm run verify runs all of it): two inputs, 100 FMN
// steps, on the smaller MobileNet. Gradients cost ~0.5 s each on wasm here, so every run counts:
// the same four runs on input A also serve the protocol comparisons below.
const MODEL = 'mobilenet_v1_0.25_224';
const [A, B] = ['serre-lab_0_clean_224.f32', 'serre-lab_7_clean_224.f32'];

describe.skipIf(!hasAssets)(`FMN against the independent reference on ${MODEL}`, () => {
  const cases = hasAssets ? readReferenceCases() : [];
  let clf: Classifier;
  const runs: Record<string, RunResult> = {};

  beforeAll(async () => {
    await useBackend('wasm');
    clf = await loadCatalogueClassifier(MODEL);
  });
  afterAll(() => clf.dispose());

  async function attack(input: string, key: string, ...args: Parameters<typeof configForProtocol>) {
    const x0 = readReferenceInput(input);
    try {
      runs[key] = await runToEnd(clf.logits, x0, configForProtocol(...args));
    } finally {
      x0.dispose();
    }
    return runs[key];
  }

  it.each([
    [A, '1000-class'],
    [A, 'binary'],
    [B, '1000-class'],
  ] as const)('%s, %s read-out: 100 steps within 10 percent (or 0.005) of the reference minimum', async (input, readout) => {
    const ref = findCase(cases, input, MODEL, readout);
    const r = await attack(input, `${input}|${readout}`, readout === 'binary' ? '2025-corrected' : 'interactive', { steps: 100, previewSize: 8 });
    expect(r.label).toBe(ref.label);
    expect(r.success).toBe(true);
    expect(r.advClass).not.toBe(ref.label);
    expect(within(r.l2!, ref.best, 0.1, 0.005), `l2 ${r.l2} vs reference ${ref.best}`).toBe(true);
  });

  it('binary read-out: flips the animate/inanimate group with a larger L2 than the 1000-class read-out', () => {
    const [thousand, binary] = [runs[`${A}|1000-class`], runs[`${A}|binary`]];
    expect(binary.advClass).toBe(1 - binary.label);
    expect(binary.l2!).toBeGreaterThan(2 * thousand.l2!);
  });

  it('"2025 as published" reports about one step (≥ 0.9), several times the corrected FMN, near the reference', async () => {
    // The first 30 of its 1000 steps: the schedule is still ≈ 1 there and the best norm is that of
    // the first adversarial iterate; later iterates keep climbing the margin away from x0.
    const ref = findCase(cases, A, MODEL, 'binary');
    const x0 = readReferenceInput(A);
    const run = createAttack(clf.logits, x0, configForProtocol('2025-published', { previewSize: 8 }));
    x0.dispose();
    for (let i = 0; i <= 30; i++) await run.step();
    const published = await run.result();
    run.dispose();
    expect(published.protocol).toBe('2025-published');
    expect(published.l2!).toBeGreaterThanOrEqual(0.9);
    expect(published.l2!).toBeGreaterThan(3 * runs[`${A}|binary`].l2!);
    expect(within(published.l2!, ref.asPublished!, 0.05), `l2 ${published.l2} vs ${ref.asPublished}`).toBe(true);
  });

  it('the ensemble with 200 gradients lands within 5 percent of the best known norm (binary read-out)', async () => {
    const ref = findCase(cases, A, MODEL, 'binary');
    const r = await attack(A, 'ensemble', '2025-corrected', { attack: 'ensemble', steps: 200, previewSize: 8 });
    expect(r.attack).toBe('ensemble');
    expect(r.gradEvals).toBe(200);
    expect(r.advClass).toBe(1 - ref.label);
    const best = Math.min(ref.fmn!, ref.ddn!, runs[`${A}|binary`].l2!, r.l2!);
    expect(r.l2! / best, `l2 ${r.l2} vs best known ${best}`).toBeLessThanOrEqual(1.05);
  });

  it('FMN with 100 steps finds an L2 no larger than the 2023 paper protocol (PGD with ε search)', async () => {
    const before = tf.memory().numTensors;
    const paper = await attack(A, 'paper', '2023', { previewSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    expect(paper.success).toBe(true);
    expect(runs[`${A}|1000-class`].l2!).toBeLessThanOrEqual(paper.l2!);
  });
});
