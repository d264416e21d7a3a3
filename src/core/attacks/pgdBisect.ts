import * as tf from '@tensorflow/tfjs';
import { BaseRun } from './baseRun';
import { paramsFor } from './defaults';
import type { Evaluation, LogitsFn } from './evaluator';
import { clipToBox, normalizeL2, projectL2Ball } from './tensorMath';
import type { AttackConfig, PgdBisectParams, RunResult, StepReport } from './types';

type Phase = 'max' | 'mid' | 'bisect';

/** Bisection rounds needed to narrow [lo, hi] to `tol`, as the search loop counts them. */
function bisections(lo: number, hi: number, tol: number): number {
  let n = 0;
  for (let width = hi - lo; width > tol; width /= 2) n++;
  return n;
}

/**
 * The 2023 paper's protocol (METHOD §3): L2 PGD on the CE with `stepsPerEps` steps from x0 at each
 * ε; ε = epsMax first (failure there means "not attackable"), then epsMid, then a bisection of
 * [epsLow, epsMid] or [epsMid, epsMax]. Uses the corrected projection (δ rescaled onto the ε-ball),
 * not the first code version's additive one. Each step is one PGD sub-step; the clean gradient is
 * computed once and reused by the first sub-step of every ε, and a round's last iterate is checked
 * with a forward pass only, so a round costs stepsPerEps − 1 gradients.
 */
export class PgdBisectRun extends BaseRun {
  protected readonly objective = 'ce' as const;
  private readonly params: PgdBisectParams;
  private readonly maxSteps: number;
  private cleanGrad: tf.Tensor4D | null = null;
  private phase: Phase = 'max';
  private eps: number;
  /** ε of the round the last evaluated point belongs to (eps may already name the next round's). */
  private evalEps: number;
  private lo = 0;
  private hi = 0;
  private tol = 0;
  private round = 0;
  /** Sub-step within the current round of the point last evaluated (−1: the clean start). */
  private sub = -1;
  private bestEps: number | undefined;
  private notAttackable = false;

  constructor(logitsFn: LogitsFn, x0: tf.Tensor4D, config: AttackConfig) {
    super(logitsFn, x0, config);
    const p = (this.params = paramsFor(config, 'pgd-bisect'));
    this.eps = p.epsMax;
    this.evalEps = p.epsMax;
    const rounds = 2 + Math.max(bisections(p.epsLow, p.epsMid, p.tolLow), bisections(p.epsMid, p.epsMax, p.tolHigh));
    this.maxSteps = rounds * p.stepsPerEps;
  }

  protected get totalSteps(): number {
    return this.maxSteps;
  }

  protected currentEps(): number {
    return this.evalEps;
  }

  protected needsGrad(): boolean {
    return this.sub + 1 < this.params.stepsPerEps;
  }

  protected searchInfo(): StepReport['search'] {
    return { epsIndex: this.round, subStep: Math.max(this.sub, 0), stepsPerEps: this.params.stepsPerEps };
  }

  protected next(ev: Evaluation): tf.Tensor4D {
    const roundStart = this.sub === -1 || this.sub === this.params.stepsPerEps - 1;
    const grad = roundStart ? this.cleanGrad! : ev.grad!;
    const { alpha } = this.params;
    this.sub = roundStart ? 0 : this.sub + 1;
    this.evalEps = this.eps;
    return tf.tidy(() => {
      const from = roundStart ? tf.zerosLike(this.x0) : this.delta!;
      return clipToBox(this.x0, projectL2Ball(from.add(normalizeL2(grad).mul(alpha)), this.eps));
    });
  }

  protected isBetter(ev: Evaluation): boolean {
    return this.sub === this.params.stepsPerEps - 1 && ev.isAdversarial;
  }

  protected afterEvaluate(ev: Evaluation): void {
    if (this.sub === -1) {
      this.cleanGrad = ev.grad!.clone();
      return;
    }
    if (this.sub < this.params.stepsPerEps - 1) return;
    const p = this.params;
    const success = ev.isAdversarial;
    if (success) this.bestEps = this.eps;
    this.round++;
    if (this.phase === 'max') {
      if (!success) {
        this.notAttackable = true;
        this.finished = true;
        return;
      }
      this.phase = 'mid';
      this.eps = p.epsMid;
      return;
    }
    if (this.phase === 'mid') {
      [this.lo, this.hi, this.tol] = success ? [p.epsLow, p.epsMid, p.tolLow] : [p.epsMid, p.epsMax, p.tolHigh];
      this.phase = 'bisect';
    } else if (success) {
      this.hi = this.eps;
    } else {
      this.lo = this.eps;
    }
    if (this.hi - this.lo > this.tol) this.eps = (this.lo + this.hi) / 2;
    else this.finished = true;
  }

  protected extraResult(): Partial<RunResult> {
    return {
      ...(this.bestEps === undefined ? {} : { eps: this.bestEps }),
      ...(this.notAttackable ? { notAttackable: true } : {}),
    };
  }

  protected disposeExtra(): void {
    this.cleanGrad?.dispose();
  }
}
