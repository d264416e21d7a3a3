import * as tf from '@tensorflow/tfjs';
import { AttackNumericError, NoGradientError } from './errors';
import { crossEntropy, marginLoss } from './losses';
import { applyReadout } from './readout';
import { l2Norm } from './tensorMath';
import type { DeltaImage, ReadoutId, Top5Entry } from './types';

/** [N, H, W, 3] in [0,1] → [N, classes] logits; a Classifier's `logits` fits. */
export type LogitsFn = (x: tf.Tensor4D) => tf.Tensor2D;

/** What the attack climbs: the logit margin (FMN, DeepFool) or the cross-entropy (DDN, PGD, FGSM). */
export type Objective = 'margin' | 'ce';

export interface EvaluatorOptions {
  readout: ReadoutId;
  /** Read-out class of the label. */
  label: number;
  /** Read-out class of the target, for targeted attacks. */
  target?: number;
  objective: Objective;
  /** 0 = full resolution. */
  previewSize: number;
}

/** Everything known about one point x0 + δ after one forward (and optionally one backward) pass. */
export interface Evaluation {
  margin: number;
  /** The objective's value: margin, or cross-entropy with the label (target when targeted). */
  loss: number;
  l2: number;
  linf: number;
  /** ‖∇‖₂ of the climbed objective; NaN without a gradient. */
  gradNorm: number;
  isAdversarial: boolean;
  predicted: number;
  imagenetTop1: number;
  top5: Top5Entry[];
  delta: DeltaImage;
  /** Gradient of the climbed objective w.r.t. x (owned by whoever holds the evaluation), or null. */
  grad: tf.Tensor4D | null;
  gradCount: number;
}

const INFO_HEAD = 4; // margin, loss, predicted, imagenetTop1

/**
 * Evaluates points near x0 with one forward(+backward) pass and a single GPU read-back of a few
 * scalars and the δ image, so a step costs no more synchronisation than it must.
 */
export class Evaluator {
  constructor(
    private readonly logitsFn: LogitsFn,
    private readonly x0: tf.Tensor4D,
    private readonly options: EvaluatorOptions,
  ) {}

  /** Read-out logits and the quantities reported with them, for the point x. */
  private infoAndObjective(x: tf.Tensor4D): { info: tf.Tensor1D; objective: tf.Scalar } {
    const { readout, label, target, objective } = this.options;
    const logits = this.logitsFn(x);
    const r = applyReadout(logits, readout);
    const margin = marginLoss(r, label, target);
    const cls = target ?? label;
    const ce = objective === 'ce' ? crossEntropy(r, cls) : null;
    // Untargeted attacks climb the CE of the label; targeted ones descend the CE of the target.
    const climbed = ce === null ? margin : target === undefined ? ce : ce.neg();
    const k = Math.min(5, logits.shape[1]);
    const probs = tf.softmax(logits);
    const top = tf.topk(probs.reshape([-1]), k);
    const info = tf.concat([
      tf.stack([margin, ce ?? margin, r.argMax(1).reshape([]).cast('float32'), logits.argMax(1).reshape([]).cast('float32')]),
      top.indices.cast('float32'),
      top.values,
    ]) as tf.Tensor1D;
    return { info, objective: climbed };
  }

  private previewShape(delta: tf.Tensor4D): [number, number] {
    const size = this.options.previewSize;
    const [, h, w] = delta.shape;
    return size === 0 || (size >= h && size >= w) ? [h, w] : [size, size];
  }

  async evaluate(delta: tf.Tensor4D, withGrad: boolean): Promise<Evaluation> {
    const previewShape = this.previewShape(delta);
    let outputs: tf.Tensor[];
    let kept: tf.Tensor1D | null = null;
    try {
      outputs = tf.tidy(() => {
        const x = this.x0.add(delta) as tf.Tensor4D;
        let info: tf.Tensor1D;
        let g: tf.Tensor4D | null = null;
        if (withGrad) {
          const { grad: gx } = tf.valueAndGrad((xi: tf.Tensor4D) => {
            const out = this.infoAndObjective(xi);
            kept = tf.keep(out.info);
            return out.objective;
          })(x);
          info = kept!;
          g = gx as tf.Tensor4D;
        } else {
          info = this.infoAndObjective(x).info;
        }
        const preview = previewShape[0] === delta.shape[1] ? delta : tf.image.resizeBilinear(delta, previewShape);
        const norms = tf.stack([l2Norm(delta), delta.abs().max(), g ? l2Norm(g) : tf.scalar(NaN)]);
        const packedAll = tf.concat([info, norms, preview.reshape([-1])]);
        // Kept out of the gradient's own tidy scope, so this one does not free it.
        if (withGrad) info.dispose();
        return g ? [packedAll, g] : [packedAll];
      });
    } catch (err) {
      (kept as tf.Tensor1D | null)?.dispose();
      throw asNoGradientError(err);
    }
    const packed = outputs[0];
    const grad = (outputs[1] as tf.Tensor4D | undefined) ?? null;
    const values = await packed.data<'float32'>();
    packed.dispose();
    const k = (values.length - INFO_HEAD - 3 - previewShape[0] * previewShape[1] * 3) / 2;
    const at = INFO_HEAD + 2 * k;
    const [margin, loss, predicted, imagenetTop1] = values;
    const [l2, linf, gradNorm] = [values[at], values[at + 1], values[at + 2]];
    if (!Number.isFinite(margin) || !Number.isFinite(loss) || (withGrad && !Number.isFinite(gradNorm))) {
      grad?.dispose();
      throw new AttackNumericError(
        `The model produced a non-finite ${!Number.isFinite(margin) ? 'logit' : 'gradient'} at this point; the attack cannot continue.`,
      );
    }
    const top5: Top5Entry[] = [];
    for (let i = 0; i < k; i++) top5.push({ classIndex: values[INFO_HEAD + i], prob: values[INFO_HEAD + k + i] });
    const [h, w] = previewShape;
    return {
      margin,
      loss,
      l2,
      linf,
      gradNorm,
      isAdversarial: margin > 0,
      predicted,
      imagenetTop1,
      top5,
      delta: { data: values.slice(at + 3), height: h, width: w, channels: 3, full: h === delta.shape[1] && w === delta.shape[2] },
      grad,
      gradCount: withGrad ? 1 : 0,
    };
  }
}

interface EngineTapeState {
  state: { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
}

/**
 * tfjs 4.22's engine.gradients throws "Cannot compute gradient" after the forward pass without
 * freeing the tensors its tape saved for the backward pass (it frees them only on success), and
 * the next gradient call drops the tape: free them here, unless a gradient is still being taken.
 */
function releaseAbandonedTape(): void {
  const { state } = tf.engine() as unknown as EngineTapeState;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}

/** tfjs reports a missing gradient path in several ways; give the user one clear message. */
export function asNoGradientError(err: unknown): unknown {
  const message = err instanceof Error ? err.message : String(err);
  releaseAbandonedTape();
  if (/Cannot compute gradient|gradient function not found|not registered for backend/i.test(message)) {
    return new NoGradientError(
      `The model gives no gradient with respect to its input, so it cannot be attacked (${message}). ` +
        'Load it as a differentiable model, or pick a backend that has its backward kernels.',
    );
  }
  return err;
}
