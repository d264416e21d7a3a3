import * as tf from '@tensorflow/tfjs';
import { BaseRun } from './baseRun';
import { paramsFor } from './defaults';
import type { Evaluation, LogitsFn } from './evaluator';
import { clipToBox, cosineAnneal, normalizeL2, projectL2Ball } from './tensorMath';
import type { AttackConfig, FmnParams } from './types';

/**
 * FMN L2 (Pintor et al. 2021), as in METHOD §3 and foolbox's FMNAttackLp.run with a working
 * projection: climb the logit margin with normalised steps while an ε-ball adapts around the
 * decision boundary; the best adversarial δ is kept.
 */
export class FmnRun extends BaseRun {
  protected readonly objective = 'margin' as const;
  protected readonly params: FmnParams;
  protected eps = Infinity;
  private advFound = false;

  constructor(logitsFn: LogitsFn, x0: tf.Tensor4D, config: AttackConfig, params?: FmnParams) {
    super(logitsFn, x0, config);
    this.params = params ?? paramsFor(config, 'fmn');
  }

  protected currentEps(): number | undefined {
    return Number.isFinite(this.eps) ? this.eps : undefined;
  }

  /** Onto the ε-ball; the as-published variant overrides this. */
  protected project(delta: tf.Tensor4D, eps: number): tf.Tensor4D {
    return projectL2Ball(delta, eps);
  }

  protected next(ev: Evaluation): tf.Tensor4D {
    const { alphaMax, alphaMin, gamma0, gammaMin } = this.params;
    const alpha = cosineAnneal(alphaMax, alphaMin, this.k, this.totalSteps);
    const gamma = cosineAnneal(gamma0, gammaMin, this.k, this.totalSteps);
    if (ev.isAdversarial) {
      this.advFound = true;
      this.eps = Math.min(this.eps * (1 - gamma), this.bestL2);
    } else if (this.advFound) {
      this.eps *= 1 + gamma;
    } else {
      // Linear estimate of the distance to the boundary: where the margin would reach zero.
      this.eps = ev.l2 + Math.abs(ev.margin) / Math.max(ev.gradNorm, 1e-12);
    }
    const grad = ev.grad!;
    // A relative step is a multiple of the ε just updated, as the projection that follows uses.
    const step = this.params.stepRelativeToEps ? alpha * this.eps : alpha;
    return tf.tidy(() => clipToBox(this.x0, this.project(this.delta!.add(normalizeL2(grad).mul(step)), this.eps)));
  }
}
