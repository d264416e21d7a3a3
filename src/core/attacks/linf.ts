import * as tf from '@tensorflow/tfjs';
import { BaseRun } from './baseRun';
import { paramsFor } from './defaults';
import type { Evaluation, LogitsFn } from './evaluator';
import { clipToBox } from './tensorMath';
import type { AttackConfig, LinfParams } from './types';

/**
 * FGSM (one sign step of size ε) and PGD L∞ (sign steps of size α, projected onto the ε-box,
 * optionally from a seeded random start). The budget is fixed: δ does not shrink, so the run
 * shows what a given L∞ budget buys rather than a minimal norm.
 */
export class LinfRun extends BaseRun {
  protected readonly objective = 'ce' as const;
  private readonly params: LinfParams;

  constructor(logitsFn: LogitsFn, x0: tf.Tensor4D, config: AttackConfig) {
    super(logitsFn, x0, config);
    this.params = paramsFor(config, config.attack === 'fgsm' ? 'fgsm' : 'pgd-linf');
  }

  protected get totalSteps(): number {
    return this.config.attack === 'fgsm' ? 1 : this.config.steps;
  }

  protected currentEps(): number {
    return this.params.eps;
  }

  protected initialDelta(): tf.Tensor4D {
    const { eps, randomStart } = this.params;
    if (this.config.attack === 'fgsm' || !randomStart) return tf.zerosLike(this.x0);
    return tf.tidy(() => clipToBox(this.x0, tf.randomUniform(this.x0.shape, -eps, eps, 'float32', this.config.seed)));
  }

  protected next(ev: Evaluation): tf.Tensor4D {
    const { eps } = this.params;
    const alpha = this.config.attack === 'fgsm' ? eps : this.params.alpha;
    const grad = ev.grad!;
    return tf.tidy(() => clipToBox(this.x0, this.delta!.add(grad.sign().mul(alpha)).clipByValue(-eps, eps) as tf.Tensor4D));
  }
}
