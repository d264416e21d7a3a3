import * as tf from '@tensorflow/tfjs';
import { BaseRun } from './baseRun';
import { paramsFor } from './defaults';
import { asNoGradientError, type Evaluation, type LogitsFn } from './evaluator';
import { applyReadout } from './readout';
import { clipToBox } from './tensorMath';
import type { AttackConfig, DeepFoolParams } from './types';

/**
 * DeepFool L2 (Moosavi-Dezfooli et al. 2016): linearise the margins f_k − f_label of the candidate
 * classes, step to the nearest linearised boundary, accumulate, and stop once adversarial; the
 * final δ is (1 + overshoot) times the accumulated step. Candidates are the clean point's top
 * classes besides the label; their gradients come from one batched backward pass (one gradient
 * evaluation per candidate).
 */
export class DeepFoolRun extends BaseRun {
  protected readonly objective = 'margin' as const;
  private readonly params: DeepFoolParams;
  private candidates: number[] | null = null;
  /** Accumulated linearised step r_tot. */
  private total: tf.Tensor4D | null = null;
  /** Step towards the nearest linearised boundary, from the last evaluation. */
  private direction: tf.Tensor4D | null = null;

  constructor(logitsFn: LogitsFn, x0: tf.Tensor4D, config: AttackConfig) {
    super(logitsFn, x0, config);
    this.params = paramsFor(config, 'deepfool');
  }

  private async pickCandidates(): Promise<number[]> {
    const order = tf.tidy(() => {
      const r = applyReadout(this.logitsFn(this.x0), this.config.readout);
      return r.reshape([-1]).topk(r.shape[1]).indices;
    });
    const ranked = Array.from(await order.data());
    order.dispose();
    return ranked.filter((c) => c !== this.label).slice(0, Math.max(1, this.params.candidates));
  }

  protected async evaluateAt(delta: tf.Tensor4D, withGrad: boolean): Promise<Evaluation> {
    const ev = await super.evaluateAt(delta, false);
    if (!withGrad || ev.isAdversarial) return ev;
    this.candidates ??= await this.pickCandidates();
    const cands = this.candidates;
    let jac: tf.Tensor[];
    let diffs: tf.Tensor1D | null = null;
    try {
      jac = tf.tidy(() => {
        const x = this.x0.add(delta).tile([cands.length, 1, 1, 1]) as tf.Tensor4D;
        const { grad } = tf.valueAndGrad((xs: tf.Tensor4D) => {
          const r = applyReadout(this.logitsFn(xs), this.config.readout);
          const pick = tf.oneHot(tf.tensor1d(cands, 'int32'), r.shape[1]);
          const d = r.mul(pick).sum(1).sub(r.slice([0, this.label], [-1, 1]).reshape([-1])) as tf.Tensor1D;
          diffs = tf.keep(d);
          return d.sum();
        })(x);
        const norms = grad.reshape([cands.length, -1]).norm('euclidean', 1);
        const packed = tf.concat([diffs!, norms]);
        (diffs as tf.Tensor1D | null)?.dispose();
        return [packed, grad];
      });
    } catch (err) {
      (diffs as tf.Tensor1D | null)?.dispose();
      throw asNoGradientError(err);
    }
    const [packed, grads] = jac;
    const values = await packed.data();
    packed.dispose();
    // Nearest linearised boundary: smallest |f_k − f_label| / ‖w_k‖.
    let best = 0;
    const dist = (i: number) => Math.abs(values[i]) / Math.max(values[cands.length + i], 1e-12);
    for (let i = 1; i < cands.length; i++) if (dist(i) < dist(best)) best = i;
    const f = Math.abs(values[best]);
    const wNorm = Math.max(values[cands.length + best], 1e-12);
    this.direction?.dispose();
    this.direction = tf.tidy(() =>
      grads.slice([best, 0, 0, 0], [1, -1, -1, -1]).mul((f + 1e-4) / (wNorm * wNorm)) as tf.Tensor4D,
    );
    grads.dispose();
    return { ...ev, gradCount: cands.length };
  }

  protected afterEvaluate(ev: Evaluation): void {
    if (ev.isAdversarial) this.finished = true;
  }

  protected next(): tf.Tensor4D {
    const step = this.direction!;
    const total = this.total ? this.total.add(step) : step.clone();
    this.total?.dispose();
    this.total = total as tf.Tensor4D;
    return tf.tidy(() => clipToBox(this.x0, this.total!.mul(1 + this.params.overshoot)));
  }

  protected disposeExtra(): void {
    this.total?.dispose();
    this.direction?.dispose();
  }
}
