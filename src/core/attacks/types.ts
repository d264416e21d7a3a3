/**
 * Public, plain-data types of the attack engine. Everything here survives structured clone
 * (no tensors, no functions except on AttackRun), so the worker can post configs, step reports
 * and results as they are and transfer the Float32Array buffers.
 * Method and defaults: shared/docs/METHOD.md §3 (attacks) and §6 (protocols).
 */

/**
 * - 'fmn': FMN L2 (Pintor et al. 2021), the working minimal-norm attack; AlignScope's default.
 * - 'ddn': DDN L2 (Rony et al. 2019).
 * - 'pgd-bisect': the 2023 paper's protocol, L2 PGD with a binary search on ε (corrected projection).
 * - 'fgsm', 'pgd-linf': fixed L∞ budget, for teaching; the perturbation does not shrink.
 * - 'deepfool': DeepFool L2 (Moosavi-Dezfooli et al. 2016).
 * - 'fmn-as-published': foolbox 3.3 L2FMNAttack as the 2025 follow-up called it, whose ε projection
 *   is a no-op. Exists only to reproduce the published numbers; never a default.
 * - 'ensemble': "Minimal (ensemble)": FMN, then DDN, then FMN again from the best adversarial, on
 *   one gradient budget; keeps the smallest adversarial (ensemble.ts).
 */
export type AttackId = 'fmn' | 'ddn' | 'pgd-bisect' | 'fgsm' | 'pgd-linf' | 'deepfool' | 'fmn-as-published' | 'ensemble';

/**
 * - '1000-class': the ImageNet classes; the attack moves away from `label` (or towards `target`).
 * - 'binary': the 2025 follow-up's read-out: logits max-reduced over classes 0–397 (animate, group 0)
 *   and 398–999 (inanimate, group 1); the label is the group of the ImageNet label.
 */
export type ReadoutId = '1000-class' | 'binary';

export type ProtocolId = 'interactive' | '2025-corrected' | '2025-published' | '2023';

/** Attack map from δ: |mean over channels| (2023 paper) or |max over channels| (2025 follow-up). */
export type AttackMapConvention = 'mean' | 'max';

/** FMN L2. α and γ are cosine-annealed from their max to their min over the run. */
export interface FmnParams {
  /**
   * Initial step size: a multiple of the current ε when `stepRelativeToEps` (default 1.5, i.e. a
   * first step of 1.5ε), else an absolute L2 length (Pintor et al. and foolbox: 1).
   */
  alphaMax: number;
  /** Final step size, in the same unit. Default alphaMax / 100. */
  alphaMin: number;
  /**
   * Step sizes scale with ε (default true). Minimal norms on ImageNet models span 0.003–0.7: an
   * absolute step of 1 is 2ε on one image and 300ε on another, and within 100 steps FMN then
   * often settles 10–35 % above the minimum (README, "Attack accuracy").
   */
  stepRelativeToEps: boolean;
  /** Initial ε change rate; larger shrinks ε faster but overshoots more. Default 0.05. */
  gamma0: number;
  /** Final ε change rate. Default 0.001. */
  gammaMin: number;
}

/** DDN L2. */
export interface DdnParams {
  /** Initial ε. Default 1. */
  epsInit: number;
  /** ε change rate per step (fixed). Default 0.05. */
  gamma: number;
  /** Step size annealed (cosine) from alphaMax to alphaMin. Defaults 1 and 0.01. */
  alphaMax: number;
  alphaMin: number;
}

/** The 2023 paper's L2 PGD with an ε binary search. Defaults from the authors' revision. */
export interface PgdBisectParams {
  /** PGD step size (normalised-gradient step). Default 1/255 (the first version used 0.5). */
  alpha: number;
  /** PGD steps at each ε. Default 3. More steps find smaller ε but cost more gradients. */
  stepsPerEps: number;
  /** First ε tried; failing here means "not attackable". Default 10. */
  epsMax: number;
  /** ε tried second; decides which bracket is bisected. Default 1. */
  epsMid: number;
  /** Lower end of the low bracket [epsLow, epsMid]. Default 0.001. */
  epsLow: number;
  /** Bisection stops at this width in the low bracket. Default 0.01. */
  tolLow: number;
  /** Bisection stops at this width in the high bracket [epsMid, epsMax]. Default 0.1. */
  tolHigh: number;
}

/** FGSM and PGD L∞ with a fixed budget. */
export interface LinfParams {
  /** L∞ budget. Default 8/255. */
  eps: number;
  /** PGD step size (sign step). Default 2/255; FGSM always steps by eps. */
  alpha: number;
  /** PGD starts from a uniform random point in the ε-box (seeded). Default true. */
  randomStart: boolean;
}

/** DeepFool L2. */
export interface DeepFoolParams {
  /** Final perturbation is (1 + overshoot) times the accumulated one. Default 0.02. */
  overshoot: number;
  /**
   * Classes considered per step: the top `candidates` clean classes besides the label. Each costs
   * one gradient per step. Default 10.
   */
  candidates: number;
}

/** foolbox 3.3 L2FMNAttack as called by the 2025 follow-up. */
export interface FmnPublishedParams {
  /** Default 1. */
  maxStepsize: number;
  /** Default 1e-5. */
  minStepsize: number;
  /** foolbox's `gamma`, its initial ε change rate. Default 10. */
  gamma: number;
}

/**
 * "Minimal (ensemble)". `steps` is the gradient budget of the whole run, split between three
 * phases run one after the other: FMN from x0, DDN from x0, and FMN again from the smallest
 * adversarial found by then (skipped when there is none). No single minimal-norm attack is best on
 * every image (AttackBench, Cinà et al. 2024): FMN follows the margin towards the class that is
 * nearest at first, DDN's long first steps can land beyond a lower boundary of another class, and
 * the last phase tightens whichever is smaller. The FMN and DDN phases take the `fmn` and `ddn`
 * parameters (defaults unless given).
 */
export interface EnsembleParams {
  /** Share of the gradient budget for the first FMN phase. Default 0.4. */
  fmnShare: number;
  /** Share for the DDN phase. Default 0.3; the refining FMN gets the rest. */
  ddnShare: number;
  /** ε₀ of the DDN phase. Default 1: a first step that long can cross a boundary FMN never heads for. */
  ddnEpsInit: number;
  /**
   * First step of the refining FMN in units of ε (its last is 1/100 of it). Default 0.5: it starts
   * on an adversarial near the boundary, where FMN's usual 1.5ε would throw the refinement away.
   */
  refineAlphaMax: number;
}

export type EnsemblePhaseId = 'fmn' | 'ddn' | 'fmn-refine';

export interface AttackParamsById {
  fmn: FmnParams;
  ddn: DdnParams;
  'pgd-bisect': PgdBisectParams;
  fgsm: LinfParams;
  'pgd-linf': LinfParams;
  deepfool: DeepFoolParams;
  'fmn-as-published': FmnPublishedParams;
  ensemble: EnsembleParams;
}

export interface AttackConfig {
  attack: AttackId;
  /**
   * Step budget. fmn/ddn default 100 (interactive; 1000 for the paper protocols), fgsm 1,
   * pgd-linf 10, deepfool 50 (stops early once adversarial), fmn-as-published 1000; for ensemble
   * the gradient budget of all its phases together (default 200).
   * pgd-bisect ignores it: its length follows from the search (about 27 sub-steps at 3 per ε).
   */
  steps: number;
  /** Per-attack overrides; anything left out takes the documented default. */
  params?: { [K in AttackId]?: Partial<AttackParamsById[K]> };
  readout: ReadoutId;
  /** ImageNet class the input belongs to; default: the model's clean top-1. */
  label?: number;
  /** Targeted attack: ImageNet class to reach (1000-class read-out; fmn, ddn, pgd-bisect, fgsm, pgd-linf). */
  target?: number;
  /** Seeds random starts (pgd-linf). Same seed, same model, same input → same run. */
  seed: number;
  /** Side of the downsampled δ preview in step reports; 0 sends δ at full resolution every step. */
  previewSize: number;
  /** The protocol preset that filled this config, recorded in the result. */
  protocol?: ProtocolId;
}

export interface Top5Entry {
  /** ImageNet class index (0–999). */
  classIndex: number;
  /** Softmax probability over the 1000 classes. */
  prob: number;
}

/** A perturbation image, HWC row-major float32 (values in [-1, 1]). */
export interface DeltaImage {
  data: Float32Array;
  height: number;
  width: number;
  channels: 3;
  /** False for a downsampled preview (bilinear). */
  full: boolean;
}

/** What one step reports, about the point the step evaluated (x0 + δ before the update). */
export interface StepReport {
  /** 0-based index of this step; for pgd-bisect a PGD sub-step. */
  step: number;
  /** Step budget of the run (for pgd-bisect an upper bound). */
  totalSteps: number;
  l2: number;
  linf: number;
  /** Current ε where the attack has one (fmn, ddn, pgd-bisect, fixed for L∞ attacks). */
  eps?: number;
  /** The quantity the attack follows: the logit margin for fmn/deepfool, CE for ddn/pgd. */
  loss: number;
  /**
   * Logit margin in the read-out: max over other classes minus the label's logit (untargeted),
   * or the target's logit minus the max over the others (targeted). > 0 means adversarial.
   */
  margin: number;
  isAdversarial: boolean;
  /** Class predicted under the read-out (ImageNet class, or group 0/1 for binary). */
  predicted: number;
  /** Norm of the best adversarial so far, null before the first. */
  bestL2: number | null;
  /** Gradient evaluations so far (forward-only evaluations are not counted). */
  gradEvals: number;
  /** Top-5 over the 1000 ImageNet classes at the evaluated point. */
  top5: Top5Entry[];
  /** δ at the evaluated point, preview or full resolution per config.previewSize. */
  delta: DeltaImage;
  /** pgd-bisect: which ε of the search this sub-step belongs to. */
  search?: { epsIndex: number; subStep: number; stepsPerEps: number };
  /**
   * ensemble: the phase this step belongs to (index 0-based of `count`). Each phase starts with its
   * own step 0; `step` keeps counting across phases.
   */
  phase?: { index: number; id: EnsemblePhaseId; count: number };
}

export interface RunResult {
  attack: AttackId;
  protocol?: ProtocolId;
  readout: ReadoutId;
  /** The label attacked (ImageNet class; for binary the group 0/1). */
  label: number;
  target?: number;
  success: boolean;
  /** pgd-bisect only: the attack failed at ε = epsMax ("not attackable"). */
  notAttackable?: boolean;
  /** Best adversarial δ at full resolution; null when unsuccessful. */
  bestDelta: DeltaImage | null;
  l2: number | null;
  linf: number | null;
  /** pgd-bisect: the smallest successful ε (the reported robustness is still l2). */
  eps?: number;
  /** Read-out class at the best adversarial (ImageNet class, or group). */
  advClass: number | null;
  /** ImageNet top-1 at the best adversarial (same as advClass for 1000-class). */
  advImagenetClass: number | null;
  gradEvals: number;
  steps: number;
  wallMs: number;
}

/**
 * A step-wise attack. The caller drives it: pausing is not calling step(), cancelling is
 * dispose(). step() after done throws.
 */
export interface AttackRun {
  readonly config: AttackConfig;
  readonly done: boolean;
  step(): Promise<StepReport>;
  /** Best result so far (final once done). Async: reading the best δ back may wait for the GPU. */
  result(): Promise<RunResult>;
  /** Frees every tensor the run holds; safe to call twice. */
  dispose(): void;
}

export interface ProtocolPreset {
  id: ProtocolId;
  /** Short label for menus and legends. */
  label: string;
  /** One or two sentences for tooltips: what it is and how to read its numbers. */
  description: string;
  attack: AttackId;
  steps: number;
  readout: ReadoutId;
  mapConvention: AttackMapConvention;
  /** Divide alignment by this human ceiling (0.65753 for the 2025 follow-up); null for raw ρ. */
  humanCeiling: number | null;
  /** True only for '2025-published': the numbers reproduce a known bug, not minimal norms. */
  reproducesPublishedBug: boolean;
}
