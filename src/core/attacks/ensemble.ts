import * as tf from '@tensorflow/tfjs';
import { DdnRun } from './ddn';
import { paramsFor } from './defaults';
import { AttackInputError, AttackStateError } from './errors';
import type { LogitsFn } from './evaluator';
import { FmnRun } from './fmn';
import type { AttackConfig, AttackRun, EnsembleParams, EnsemblePhaseId, RunResult, StepReport } from './types';

export interface EnsemblePhase {
  id: EnsemblePhaseId;
  /** Gradients (= steps) of this phase. */
  steps: number;
}

/**
 * The phases a budget of `budget` gradients runs: FMN gets round(fmnShare · budget) (at least 1),
 * DDN round(ddnShare · budget) of what is left, the refining FMN the rest. Phases with no
 * gradient are left out, so the gradients of the phases add up to the budget exactly.
 */
export function ensemblePhases(budget: number, params: EnsembleParams): EnsemblePhase[] {
  const { fmnShare, ddnShare } = params;
  if (!(fmnShare > 0 && ddnShare >= 0 && fmnShare + ddnShare <= 1)) {
    throw new AttackInputError(`Ensemble shares must satisfy 0 < fmnShare, 0 ≤ ddnShare and fmnShare + ddnShare ≤ 1, got ${fmnShare} and ${ddnShare}.`);
  }
  if (!(params.ddnEpsInit > 0) || !(params.refineAlphaMax > 0)) {
    throw new AttackInputError('The ensemble\'s DDN ε₀ and refining step must be positive.');
  }
  const fmn = Math.min(budget, Math.max(1, Math.round(fmnShare * budget)));
  const ddn = Math.min(budget - fmn, Math.round(ddnShare * budget));
  const phases: EnsemblePhase[] = [
    { id: 'fmn', steps: fmn },
    { id: 'ddn', steps: ddn },
    { id: 'fmn-refine', steps: budget - fmn - ddn },
  ];
  return phases.filter((p) => p.steps > 0);
}

/** FMN whose first point is a given δ (the ensemble's best adversarial) instead of zero. */
class FmnFromRun extends FmnRun {
  constructor(
    logitsFn: LogitsFn,
    x0: tf.Tensor4D,
    config: AttackConfig,
    private readonly startDelta: Float32Array,
  ) {
    const fmn = paramsFor(config, 'fmn');
    const alphaMax = paramsFor(config, 'ensemble').refineAlphaMax;
    super(logitsFn, x0, config, { ...fmn, alphaMax, alphaMin: alphaMax / 100 });
  }

  protected initialDelta(): tf.Tensor4D {
    return tf.tensor4d(this.startDelta, this.x0.shape);
  }
}

/**
 * "Minimal (ensemble)": the phases of ensemblePhases() one after the other on one gradient
 * budget, keeping the smallest adversarial of all. Each phase is an ordinary FmnRun or DdnRun;
 * between phases the best δ is read back once, which the last phase starts from.
 */
export class EnsembleRun implements AttackRun {
  readonly config: AttackConfig;
  private readonly x0: tf.Tensor4D;
  private readonly params: EnsembleParams;
  private readonly phases: EnsemblePhase[];
  private readonly plannedSteps: number;
  private phaseIndex = 0;
  private current: AttackRun | null = null;
  /** Best result of the finished phases; `latest` is the last finished phase's (for the label). */
  private best: RunResult | null = null;
  private latest: RunResult | null = null;
  private stepIndex = 0;
  private doneGradEvals = 0;
  private doneWallMs = 0;
  private finished = false;
  private busy = false;
  private disposed = false;

  constructor(
    private readonly logitsFn: LogitsFn,
    x0: tf.Tensor4D,
    config: AttackConfig,
  ) {
    this.config = config;
    this.params = paramsFor(config, 'ensemble');
    this.phases = ensemblePhases(config.steps, this.params);
    // Each phase reports its starting point as its step 0, then one step per gradient.
    this.plannedSteps = config.steps + this.phases.length - 1;
    this.x0 = x0.clone();
  }

  get done(): boolean {
    return this.finished;
  }

  private startPhase(): AttackRun {
    const { id, steps } = this.phases[this.phaseIndex];
    const base: AttackConfig = { ...this.config, steps };
    if (id === 'fmn') return new FmnRun(this.logitsFn, this.x0, { ...base, attack: 'fmn' });
    if (id === 'ddn') {
      const ddn = { ...this.config.params?.ddn, epsInit: this.params.ddnEpsInit };
      return new DdnRun(this.logitsFn, this.x0, { ...base, attack: 'ddn', params: { ...this.config.params, ddn } });
    }
    return new FmnFromRun(this.logitsFn, this.x0, { ...base, attack: 'fmn' }, this.best!.bestDelta!.data);
  }

  async step(): Promise<StepReport> {
    if (this.disposed) throw new AttackStateError('step() was called on a run that was cancelled or disposed.');
    if (this.finished) throw new AttackStateError('step() was called on a run that has already finished.');
    if (this.busy) throw new AttackStateError('step() was called while the previous step was still running.');
    this.busy = true;
    try {
      this.current ??= this.startPhase();
      const run = this.current;
      const report = await run.step();
      const index = this.phaseIndex;
      const bestBefore = this.best?.l2 ?? null;
      const gradEvals = this.doneGradEvals + report.gradEvals;
      if (run.done) await this.endPhase(run);
      const bests = [bestBefore, report.bestL2].filter((v): v is number => v !== null);
      return {
        ...report,
        step: this.stepIndex++,
        totalSteps: this.plannedSteps,
        gradEvals,
        bestL2: bests.length ? Math.min(...bests) : null,
        phase: { index, id: this.phases[index].id, count: this.phases.length },
      };
    } catch (err) {
      this.dispose();
      throw err;
    } finally {
      this.busy = false;
    }
  }

  private async endPhase(run: AttackRun): Promise<void> {
    const result = await run.result();
    run.dispose();
    this.current = null;
    this.latest = result;
    this.doneGradEvals += result.gradEvals;
    this.doneWallMs += result.wallMs;
    if (result.success && (this.best === null || result.l2! < this.best.l2!)) this.best = result;
    this.phaseIndex++;
    const next = this.phases[this.phaseIndex];
    // Without an adversarial there is nothing to refine: the run ends under its budget.
    if (!next || (next.id === 'fmn-refine' && this.best === null)) this.finished = true;
  }

  async result(): Promise<RunResult> {
    let best = this.best;
    let gradEvals = this.doneGradEvals;
    let wallMs = this.doneWallMs;
    let latest = this.latest;
    if (this.current && !this.disposed) {
      const partial = await this.current.result();
      gradEvals += partial.gradEvals;
      wallMs += partial.wallMs;
      latest = partial;
      if (partial.success && (best === null || partial.l2! < best.l2!)) best = partial;
    }
    const base = best ?? latest;
    const { protocol } = this.config;
    return {
      ...(base ?? { readout: this.config.readout, label: -1, bestDelta: null, l2: null, linf: null, advClass: null, advImagenetClass: null }),
      attack: 'ensemble',
      ...(protocol ? { protocol } : {}),
      success: best !== null,
      ...(best === null ? { bestDelta: null, l2: null, linf: null, advClass: null, advImagenetClass: null } : {}),
      gradEvals,
      steps: Math.max(0, this.stepIndex - 1),
      wallMs,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.finished = true;
    this.current?.dispose();
    this.current = null;
    this.x0.dispose();
  }
}
