import { DEFAULT_PARAMS, DEFAULT_STEPS } from '../../core/attacks/defaults';
import type { AttackId } from '../../core/attacks/types';

/**
 * What the controls need to offer each attack: a name, a one-line explanation, and its
 * parameters with ranges and a hint on what each trades off. Defaults (values and step counts)
 * come from the engine's DEFAULT_PARAMS / DEFAULT_STEPS, so the UI never disagrees with it.
 */

export interface ParamSpec {
  key: string;
  label: string;
  kind: 'number' | 'integer' | 'boolean';
  default: number | boolean;
  min: number;
  max: number;
  step: number;
  help: string;
}

export interface AttackSpec {
  id: AttackId;
  label: string;
  summary: string;
  defaultSteps: number;
  /** Whether the attack has an ε the norm chart can show. */
  hasEps: boolean;
  /** True when the step budget is set by the attack itself (pgd-bisect). */
  fixedLength: boolean;
  params: ParamSpec[];
}

function defaultOf(attack: AttackId, key: string): number | boolean {
  return (DEFAULT_PARAMS[attack] as unknown as Record<string, number | boolean>)[key];
}

const num = (attack: AttackId, key: string, label: string, min: number, max: number, step: number, help: string): ParamSpec => ({
  key,
  label,
  kind: 'number',
  default: defaultOf(attack, key),
  min,
  max,
  step,
  help,
});

export const ATTACK_SPECS: Record<AttackId, AttackSpec> = {
  fmn: {
    id: 'fmn',
    label: 'FMN L2 (fast minimum-norm)',
    summary: 'Finds the smallest L2 perturbation that changes the prediction; shrinks it after the first success.',
    defaultSteps: DEFAULT_STEPS['fmn'],
    hasEps: true,
    fixedLength: false,
    params: [
      num('fmn', 'alphaMax', 'step size α (start)', 1e-4, 10, 0.01, 'Larger first steps find an adversarial sooner but overshoot. In units of ε when steps scale with ε.'),
      num('fmn', 'alphaMin', 'step size α (end)', 1e-6, 10, 0.001, 'Smaller final steps refine the norm more finely.'),
      { key: 'stepRelativeToEps', label: 'steps scale with ε', kind: 'boolean', default: defaultOf('fmn', 'stepRelativeToEps'), min: 0, max: 1, step: 1, help: 'α is a multiple of the current ε (AlignScope default) instead of an absolute length (Pintor et al.: α from 1 to 0.01).' },
      num('fmn', 'gamma0', 'ε rate γ (start)', 1e-5, 1, 0.001, 'How fast ε shrinks or grows at first.'),
      num('fmn', 'gammaMin', 'ε rate γ (end)', 1e-6, 1, 0.0001, 'How fast ε changes at the end.'),
    ],
  },
  ddn: {
    id: 'ddn',
    label: 'DDN L2 (decoupled direction and norm)',
    summary: 'Walks along the gradient and rescales δ to an ε that shrinks on success and grows on failure.',
    defaultSteps: DEFAULT_STEPS['ddn'],
    hasEps: true,
    fixedLength: false,
    params: [
      num('ddn', 'epsInit', 'initial ε', 1e-4, 100, 0.01, 'Starting norm of the perturbation.'),
      num('ddn', 'gamma', 'ε rate γ', 1e-4, 1, 0.001, 'Relative change of ε per step.'),
      num('ddn', 'alphaMax', 'step size α (start)', 1e-4, 10, 0.01, 'First step size.'),
      num('ddn', 'alphaMin', 'step size α (end)', 1e-6, 10, 0.001, 'Last step size.'),
    ],
  },
  'pgd-bisect': {
    id: 'pgd-bisect',
    label: 'PGD L2 + ε binary search (2023 paper)',
    summary: 'The 2023 paper’s protocol: a few PGD steps per ε, bisecting ε down to the smallest that succeeds.',
    defaultSteps: DEFAULT_STEPS['pgd-bisect'],
    hasEps: true,
    fixedLength: true,
    params: [
      num('pgd-bisect', 'alpha', 'step size α', 1e-5, 10, 0.001, 'The authors’ revision uses 1/255; the first version 0.5.'),
      { ...num('pgd-bisect', 'stepsPerEps', 'PGD steps per ε', 1, 100, 1, 'More steps find smaller ε but cost more gradients.'), kind: 'integer' },
      num('pgd-bisect', 'epsMax', 'largest ε', 0.01, 100, 0.1, 'Failing here means “not attackable”.'),
      num('pgd-bisect', 'epsMid', 'second ε', 0.001, 100, 0.1, 'Decides which bracket is bisected.'),
      num('pgd-bisect', 'epsLow', 'smallest ε', 1e-6, 10, 0.001, 'Lower end of the low bracket.'),
      num('pgd-bisect', 'tolLow', 'bisection width (low)', 1e-5, 10, 0.001, 'Stop width in [smallest ε, second ε].'),
      num('pgd-bisect', 'tolHigh', 'bisection width (high)', 1e-5, 10, 0.01, 'Stop width in [second ε, largest ε].'),
    ],
  },
  fgsm: {
    id: 'fgsm',
    label: 'FGSM (L∞, one step)',
    summary: 'One signed-gradient step of size ε: fast, fixed budget, the perturbation does not shrink.',
    defaultSteps: DEFAULT_STEPS['fgsm'],
    hasEps: true,
    fixedLength: false,
    params: [
      num('fgsm', 'eps', 'L∞ budget ε', 1e-4, 1, 1 / 255, 'Largest change of any pixel value.'),
      num('fgsm', 'alpha', 'step size α', 1e-5, 1, 1 / 255, 'Unused by FGSM (it steps by ε); kept for PGD.'),
      { key: 'randomStart', label: 'random start', kind: 'boolean', default: defaultOf('fgsm', 'randomStart'), min: 0, max: 1, step: 1, help: 'Start from a random point in the ε-box.' },
    ],
  },
  'pgd-linf': {
    id: 'pgd-linf',
    label: 'PGD L∞ (fixed budget)',
    summary: 'Signed-gradient steps kept inside an L∞ ball of radius ε; the perturbation does not shrink.',
    defaultSteps: DEFAULT_STEPS['pgd-linf'],
    hasEps: true,
    fixedLength: false,
    params: [
      num('pgd-linf', 'eps', 'L∞ budget ε', 1e-4, 1, 1 / 255, 'Largest change of any pixel value.'),
      num('pgd-linf', 'alpha', 'step size α', 1e-5, 1, 1 / 255, 'Size of each signed step.'),
      { key: 'randomStart', label: 'random start', kind: 'boolean', default: defaultOf('pgd-linf', 'randomStart'), min: 0, max: 1, step: 1, help: 'Start from a random point in the ε-box (seeded).' },
    ],
  },
  deepfool: {
    id: 'deepfool',
    label: 'DeepFool L2',
    summary: 'Linearises the classifier and jumps to the nearest decision boundary; stops once adversarial.',
    defaultSteps: DEFAULT_STEPS['deepfool'],
    hasEps: false,
    fixedLength: false,
    params: [
      num('deepfool', 'overshoot', 'overshoot', 0, 1, 0.01, 'Pushes a little past the boundary so the label really flips.'),
      { ...num('deepfool', 'candidates', 'candidate classes', 1, 999, 1, 'Classes checked per step; each costs one gradient.'), kind: 'integer' },
    ],
  },
  'fmn-as-published': {
    id: 'fmn-as-published',
    label: 'FMN as published (foolbox 3.3 behaviour)',
    summary: 'Reproduces how the 2025 table was measured: the ε projection never acts, so norms are not minimal.',
    defaultSteps: DEFAULT_STEPS['fmn-as-published'],
    hasEps: true,
    fixedLength: false,
    params: [
      num('fmn-as-published', 'maxStepsize', 'max step size', 1e-6, 10, 0.01, 'foolbox max_stepsize.'),
      num('fmn-as-published', 'minStepsize', 'min step size', 1e-8, 10, 1e-5, 'foolbox min_stepsize.'),
      num('fmn-as-published', 'gamma', 'γ', 1e-4, 100, 0.1, 'foolbox gamma, its initial ε change rate.'),
    ],
  },
  ensemble: {
    id: 'ensemble',
    label: 'Minimal ensemble (FMN → DDN → FMN)',
    summary:
      'FMN, then DDN from a first ε (ε₀, 1 unless set below), then FMN again from the smallest adversarial, on one gradient budget (the steps); keeps the smallest. Slower, but no single attack is best on every image.',
    defaultSteps: DEFAULT_STEPS['ensemble'],
    hasEps: true,
    fixedLength: false,
    params: [
      num('ensemble', 'fmnShare', 'FMN share of the budget', 0.01, 1, 0.05, 'Fraction of the gradients for the first FMN phase.'),
      num('ensemble', 'ddnShare', 'DDN share of the budget', 0, 0.99, 0.05, 'Fraction for the DDN phase; the refining FMN gets what is left.'),
      num('ensemble', 'ddnEpsInit', 'DDN initial ε', 1e-4, 100, 0.01, 'A long first step can land beyond a boundary FMN never heads for.'),
      num('ensemble', 'refineAlphaMax', 'refining step (× ε)', 1e-3, 10, 0.05, 'First step of the last FMN phase, in units of ε; small keeps it near the best adversarial.'),
    ],
  },
};

export function isAttackId(value: string): value is AttackId {
  return Object.hasOwn(ATTACK_SPECS, value);
}

export function paramDefaults(attack: AttackId): Record<string, number | boolean> {
  return Object.fromEntries(ATTACK_SPECS[attack].params.map((p) => [p.key, p.default]));
}
