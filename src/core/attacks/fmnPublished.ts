import * as tf from '@tensorflow/tfjs';
import { paramsFor } from './defaults';
import type { LogitsFn } from './evaluator';
import { FmnRun } from './fmn';
import type { AttackConfig } from './types';

/**
 * foolbox 3.3 `L2FMNAttack` exactly as the 2025 follow-up called it
 * (steps=1000, max_stepsize=1, min_stepsize=1e-5, gamma=10), to reproduce the published numbers.
 * Its L2 `project` computes `factor = min(1, norms / norms)` with `norms = ‖x‖`, which is 1 for
 * every input, so the ε-ball never acts: the run is normalised-gradient ascent on the margin and
 * its best norm is that of the first adversarial iterate. γ still anneals to foolbox's fixed 0.001
 * and ε is still tracked (and reported) as foolbox does, with no effect on δ.
 */
export class FmnAsPublishedRun extends FmnRun {
  constructor(logitsFn: LogitsFn, x0: tf.Tensor4D, config: AttackConfig) {
    const p = paramsFor(config, 'fmn-as-published');
    super(logitsFn, x0, config, { alphaMax: p.maxStepsize, alphaMin: p.minStepsize, stepRelativeToEps: false, gamma0: p.gamma, gammaMin: 0.001 });
  }

  protected project(delta: tf.Tensor4D): tf.Tensor4D {
    return delta;
  }
}
