/**
 * The linear-model set-up the attack tests share: a 4×4×3 linear classifier on the CPU backend whose
 * nearest decision boundary lies at exactly LINEAR_MIN_L2 from x0 (see linearModel), an attack runner
 * that checks no tensor leaks, and a check of a returned adversarial against the model's plain-JS logits.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect } from 'vitest';
import { useBackend } from '../../../test/backend';
import { runToEnd } from '../createAttack';
import { defaultConfig } from '../defaults';
import type { AttackConfig, AttackId, RunResult, StepReport } from '../types';
import { linearModel, type LinearModel } from './linearModel';

/** Class 1's half-space is nearest: the minimal untargeted L2 adversarial distance is exactly 0.3. */
export const LINEAR_MIN_L2 = 0.3;

export interface LinearFixture {
  readonly model: LinearModel;
  readonly x0: tf.Tensor4D;
  /** Runs an attack to the end (previews off) and checks that it leaves no tensor behind. */
  attack(id: AttackId, overrides?: Partial<AttackConfig>): Promise<{ result: RunResult; reports: StepReport[] }>;
  /** The returned adversarial, checked with the model's plain-JS logits: not `notClass`, in the box, its norm the one reported. */
  expectValidAdversarial(result: RunResult, notClass?: number): void;
}

/** Builds the fixture before the file's tests and disposes it after them. */
export function useLinearFixture(): LinearFixture {
  let model: LinearModel;
  let x0: tf.Tensor4D;
  beforeAll(async () => {
    await useBackend('cpu');
    // Logit scale 5: a peaked softmax, where the CE gradient that DDN and PGD climb points at the
    // nearest boundary (with flat logits it mixes all classes and DDN settles elsewhere on its sphere).
    model = linearModel(4, [LINEAR_MIN_L2, 0.4, 0.5], 5);
    x0 = tf.tensor4d(model.x0, [1, ...model.shape]);
  });
  afterAll(() => {
    x0.dispose();
    model.dispose();
  });
  return {
    get model() {
      return model;
    },
    get x0() {
      return x0;
    },
    async attack(id, overrides = {}) {
      const reports: StepReport[] = [];
      const before = tf.memory().numTensors;
      const result = await runToEnd(model.logitsFn, x0, defaultConfig(id, { previewSize: 0, ...overrides }), (r) => reports.push(r));
      expect(tf.memory().numTensors).toBe(before);
      return { result, reports };
    },
    expectValidAdversarial(result, notClass = 0) {
      expect(result.success).toBe(true);
      const delta = result.bestDelta!.data;
      const x = Array.from(model.x0, (v, i) => v + delta[i]);
      expect(Math.min(...x)).toBeGreaterThanOrEqual(-1e-6);
      expect(Math.max(...x)).toBeLessThanOrEqual(1 + 1e-6);
      const logits = model.logitsOf(x);
      const top = logits.indexOf(Math.max(...logits));
      expect(top).not.toBe(notClass);
      expect(result.advClass).toBe(top);
      expect(result.l2).toBeCloseTo(Math.hypot(...delta), 4);
    },
  };
}
