import * as tf from '@tensorflow/tfjs';
import { BaseRun } from './baseRun';
import { paramsFor } from './defaults';
import type { Evaluation, LogitsFn } from './evaluator';
import { clipToBox, cosineAnneal, normalizeL2, projectL2Sphere } from './tensorMath';
import type { AttackConfig, DdnParams } from './types';

/**
 * DDN L2 (Rony et al. 2019), METHOD §3: a normalised CE step, then δ rescaled onto the sphere of
 * radius ε, which shrinks by (1 − γ) while the evaluated point is adversarial and grows otherwise.
 */
export class DdnRun extends BaseRun {
  protected readonly objective = 'ce' as const;
  private readonly params: DdnParams;
  private eps: number;

  constructor(logitsFn: LogitsFn, x0: tf.Tensor4D, config: AttackConfig) {
    super(logitsFn, x0, config);
    this.params = paramsFor(config, 'ddn');
    this.eps = this.params.epsInit;
  }

  protected currentEps(): number {
    return this.eps;
  }

  protected next(ev: Evaluation): tf.Tensor4D {
    const { alphaMax, alphaMin, gamma } = this.params;
    const alpha = cosineAnneal(alphaMax, alphaMin, this.k, this.totalSteps);
    this.eps *= ev.isAdversarial ? 1 - gamma : 1 + gamma;
    const grad = ev.grad!;
    return tf.tidy(() => clipToBox(this.x0, projectL2Sphere(this.delta!.add(normalizeL2(grad).mul(alpha)), this.eps)));
  }
}
