import * as tf from '@tensorflow/tfjs';
import { AttackInputError, AttackStateError } from './errors';
import { asNoGradientError, Evaluator, type Evaluation, type LogitsFn, type Objective } from './evaluator';
import { readoutClass } from './readout';
import type { AttackConfig, AttackRun, RunResult, StepReport } from './types';

interface Best {
  delta: tf.Tensor4D;
  l2: number;
  linf: number;
  predicted: number;
  imagenetTop1: number;
}

/**
 * The bookkeeping every attack shares. Step 0 evaluates the starting point; step k ≥ 1 applies
 * update k−1 (from the previous evaluation's gradient) and evaluates the new point, so each step
 * costs one forward and at most one backward pass and reports the freshest perturbation.
 * The last step evaluates forward-only: no update will use its gradient.
 */
export abstract class BaseRun implements AttackRun {
  readonly config: AttackConfig;
  protected readonly x0: tf.Tensor4D;
  protected delta: tf.Tensor4D | null = null;
  protected last: Evaluation | null = null;
  /** Updates applied so far. */
  protected k = 0;
  /** Read-out classes, known once the run has started. */
  protected label = -1;
  protected target: number | undefined;
  protected finished = false;
  protected bestL2 = Infinity;
  protected evaluator: Evaluator | null = null;
  private best: Best | null = null;
  private gradEvals = 0;
  private wallMs = 0;
  private busy = false;
  private disposed = false;

  protected abstract readonly objective: Objective;
  /** The update from the last evaluation; returns the next δ (before clipping is the subclass's job). */
  protected abstract next(last: Evaluation): tf.Tensor4D;

  constructor(
    protected readonly logitsFn: LogitsFn,
    x0: tf.Tensor4D,
    config: AttackConfig,
  ) {
    if (x0.rank !== 4 || x0.shape[0] !== 1 || x0.shape[3] !== 3) {
      throw new AttackInputError(`The attack input must be one RGB image of shape [1, H, W, 3], got [${x0.shape.join(', ')}].`);
    }
    this.config = config;
    // A clone shares the data; it keeps the run valid if the caller disposes its tensor.
    this.x0 = x0.clone();
  }

  get done(): boolean {
    return this.finished;
  }

  /** Step budget shown in reports (an upper bound where the attack stops early). */
  protected get totalSteps(): number {
    return this.config.steps;
  }

  /** Starting perturbation; zero unless the attack starts at random. */
  protected initialDelta(): tf.Tensor4D {
    return tf.zerosLike(this.x0);
  }

  /** Whether the point about to be evaluated needs a gradient, i.e. another update will follow. */
  protected needsGrad(): boolean {
    return this.k < this.totalSteps;
  }

  protected currentEps(): number | undefined {
    return undefined;
  }

  protected isBetter(ev: Evaluation): boolean {
    return ev.isAdversarial && ev.l2 <= this.bestL2;
  }

  /** Hook after each evaluation (and after the best was updated). */
  protected afterEvaluate(_ev: Evaluation): void {}

  protected searchInfo(): StepReport['search'] {
    return undefined;
  }

  protected evaluateAt(delta: tf.Tensor4D, withGrad: boolean): Promise<Evaluation> {
    return this.evaluator!.evaluate(delta, withGrad);
  }

  /** Checks the input and fixes the label (the clean top-1 when not given). */
  private async start(): Promise<void> {
    const { config, x0 } = this;
    const checks = tf.tidy(() => {
      let logits: tf.Tensor2D;
      try {
        logits = this.logitsFn(x0);
      } catch (err) {
        throw asNoGradientError(err);
      }
      return tf.stack([x0.isNaN().any().cast('float32'), x0.min(), x0.max(), logits.argMax(1).reshape([]).cast('float32'), tf.scalar(logits.shape[1])]);
    });
    const [hasNaN, min, max, top1, classes] = await checks.data();
    checks.dispose();
    if (this.disposed) throw new AttackStateError('The run was disposed before its first step finished.');
    if (hasNaN) throw new AttackInputError('The input image contains NaN values; attacks need finite pixels in [0, 1].');
    if (min < -1e-6 || max > 1 + 1e-6) {
      throw new AttackInputError(`The input image must be in [0, 1], but its values span [${min}, ${max}].`);
    }
    for (const [name, cls] of [['label', config.label], ['target', config.target]] as const) {
      if (cls !== undefined && (!Number.isInteger(cls) || cls < 0 || cls >= classes)) {
        throw new AttackInputError(`The ${name} ${cls} is not a class of this model (0–${classes - 1}).`);
      }
    }
    this.label = readoutClass(config.readout, config.label ?? top1);
    this.target = config.target;
    this.evaluator = new Evaluator(this.logitsFn, x0, {
      readout: config.readout,
      label: this.label,
      target: this.target,
      objective: this.objective,
      previewSize: config.previewSize,
    });
    this.delta = this.initialDelta();
  }

  async step(): Promise<StepReport> {
    if (this.disposed) throw new AttackStateError('step() was called on a run that was cancelled or disposed.');
    if (this.finished) throw new AttackStateError('step() was called on a run that has already finished.');
    if (this.busy) throw new AttackStateError('step() was called while the previous step was still running.');
    this.busy = true;
    const t0 = performance.now();
    try {
      if (this.evaluator === null) {
        await this.start();
      } else {
        const nextDelta = this.next(this.last!);
        this.delta!.dispose();
        this.delta = nextDelta;
        this.k++;
      }
      const ev = await this.evaluateAt(this.delta!, this.needsGrad());
      if (this.disposed) {
        ev.grad?.dispose();
        throw new AttackStateError('The run was disposed while a step was running.');
      }
      this.gradEvals += ev.gradCount;
      this.last?.grad?.dispose();
      this.last = ev;
      if (this.isBetter(ev)) this.keepBest(ev);
      this.afterEvaluate(ev);
      if (this.k >= this.totalSteps) this.finished = true;
      return this.report(ev);
    } catch (err) {
      this.dispose();
      throw err;
    } finally {
      this.busy = false;
      this.wallMs += performance.now() - t0;
    }
  }

  private keepBest(ev: Evaluation): void {
    this.best?.delta.dispose();
    this.best = { delta: this.delta!.clone(), l2: ev.l2, linf: ev.linf, predicted: ev.predicted, imagenetTop1: ev.imagenetTop1 };
    this.bestL2 = ev.l2;
  }

  private report(ev: Evaluation): StepReport {
    const eps = this.currentEps();
    const search = this.searchInfo();
    return {
      step: this.k,
      totalSteps: this.totalSteps,
      l2: ev.l2,
      linf: ev.linf,
      ...(eps === undefined ? {} : { eps }),
      loss: ev.loss,
      margin: ev.margin,
      isAdversarial: ev.isAdversarial,
      predicted: ev.predicted,
      bestL2: this.best ? this.best.l2 : null,
      gradEvals: this.gradEvals,
      top5: ev.top5,
      delta: ev.delta,
      ...(search ? { search } : {}),
    };
  }

  protected extraResult(): Partial<RunResult> {
    return {};
  }

  async result(): Promise<RunResult> {
    const best = this.best;
    // A copy: the cpu backend's data() is the tensor's own storage, and the worker transfers this buffer.
    const data = best && !this.disposed ? (await best.delta.data<'float32'>()).slice() : null;
    const [, h, w] = this.x0.shape;
    return {
      attack: this.config.attack,
      ...(this.config.protocol ? { protocol: this.config.protocol } : {}),
      readout: this.config.readout,
      label: this.label,
      ...(this.target === undefined ? {} : { target: this.target }),
      success: best !== null,
      bestDelta: data ? { data, height: h, width: w, channels: 3, full: true } : null,
      l2: best ? best.l2 : null,
      linf: best ? best.linf : null,
      advClass: best ? best.predicted : null,
      advImagenetClass: best ? best.imagenetTop1 : null,
      gradEvals: this.gradEvals,
      steps: this.k,
      wallMs: this.wallMs,
      ...this.extraResult(),
    };
  }

  protected disposeExtra(): void {}

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.finished = true;
    this.last?.grad?.dispose();
    this.last = null;
    this.delta?.dispose();
    this.delta = null;
    this.best?.delta.dispose();
    this.x0.dispose();
    this.disposeExtra();
  }
}
