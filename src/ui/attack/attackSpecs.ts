import type { AttackId } from '../../core/attacks/types';

/**
 * What the controls need to offer each attack: a name, a one-line explanation, its step default
 * and its parameters with the defaults of METHOD.md §3 (the same ones src/core/attacks/types.ts
 * documents), ranges and a hint on what each trades off.
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

const num = (key: string, label: string, def: number, min: number, max: number, step: number, help: string): ParamSpec => ({
  key,
  label,
  kind: 'number',
  default: def,
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
    defaultSteps: 100,
    hasEps: true,
    fixedLength: false,
    params: [
      num('alphaMax', 'step size α (start)', 1, 1e-4, 10, 0.01, 'Larger first steps find an adversarial sooner but overshoot.'),
      num('alphaMin', 'step size α (end)', 0.01, 1e-6, 10, 0.001, 'Smaller final steps refine the norm more finely.'),
      num('gamma0', 'ε rate γ (start)', 0.05, 1e-5, 1, 0.001, 'How fast ε shrinks or grows at first.'),
      num('gammaMin', 'ε rate γ (end)', 0.001, 1e-6, 1, 0.0001, 'How fast ε changes at the end.'),
    ],
  },
  ddn: {
    id: 'ddn',
    label: 'DDN L2 (decoupled direction and norm)',
    summary: 'Walks along the gradient and rescales δ to an ε that shrinks on success and grows on failure.',
    defaultSteps: 100,
    hasEps: true,
    fixedLength: false,
    params: [
      num('epsInit', 'initial ε', 1, 1e-4, 100, 0.01, 'Starting norm of the perturbation.'),
      num('gamma', 'ε rate γ', 0.05, 1e-4, 1, 0.001, 'Relative change of ε per step.'),
      num('alphaMax', 'step size α (start)', 1, 1e-4, 10, 0.01, 'First step size.'),
      num('alphaMin', 'step size α (end)', 0.01, 1e-6, 10, 0.001, 'Last step size.'),
    ],
  },
  'pgd-bisect': {
    id: 'pgd-bisect',
    label: 'PGD L2 + ε binary search (2023 paper)',
    summary: 'The 2023 paper’s protocol: a few PGD steps per ε, bisecting ε down to the smallest that succeeds.',
    defaultSteps: 27,
    hasEps: true,
    fixedLength: true,
    params: [
      num('alpha', 'step size α', 1 / 255, 1e-5, 10, 0.001, 'The authors’ revision uses 1/255; the first version 0.5.'),
      { ...num('stepsPerEps', 'PGD steps per ε', 3, 1, 100, 1, 'More steps find smaller ε but cost more gradients.'), kind: 'integer' },
      num('epsMax', 'largest ε', 10, 0.01, 100, 0.1, 'Failing here means “not attackable”.'),
      num('epsMid', 'second ε', 1, 0.001, 100, 0.1, 'Decides which bracket is bisected.'),
      num('epsLow', 'smallest ε', 0.001, 1e-6, 10, 0.001, 'Lower end of the low bracket.'),
      num('tolLow', 'bisection width (low)', 0.01, 1e-5, 10, 0.001, 'Stop width in [smallest ε, second ε].'),
      num('tolHigh', 'bisection width (high)', 0.1, 1e-5, 10, 0.01, 'Stop width in [second ε, largest ε].'),
    ],
  },
  fgsm: {
    id: 'fgsm',
    label: 'FGSM (L∞, one step)',
    summary: 'One signed-gradient step of size ε: fast, fixed budget, the perturbation does not shrink.',
    defaultSteps: 1,
    hasEps: true,
    fixedLength: false,
    params: [
      num('eps', 'L∞ budget ε', 8 / 255, 1e-4, 1, 1 / 255, 'Largest change of any pixel value.'),
      num('alpha', 'step size α', 2 / 255, 1e-5, 1, 1 / 255, 'Unused by FGSM (it steps by ε); kept for PGD.'),
      { key: 'randomStart', label: 'random start', kind: 'boolean', default: true, min: 0, max: 1, step: 1, help: 'Start from a random point in the ε-box.' },
    ],
  },
  'pgd-linf': {
    id: 'pgd-linf',
    label: 'PGD L∞ (fixed budget)',
    summary: 'Signed-gradient steps kept inside an L∞ ball of radius ε; the perturbation does not shrink.',
    defaultSteps: 10,
    hasEps: true,
    fixedLength: false,
    params: [
      num('eps', 'L∞ budget ε', 8 / 255, 1e-4, 1, 1 / 255, 'Largest change of any pixel value.'),
      num('alpha', 'step size α', 2 / 255, 1e-5, 1, 1 / 255, 'Size of each signed step.'),
      { key: 'randomStart', label: 'random start', kind: 'boolean', default: true, min: 0, max: 1, step: 1, help: 'Start from a random point in the ε-box (seeded).' },
    ],
  },
  deepfool: {
    id: 'deepfool',
    label: 'DeepFool L2',
    summary: 'Linearises the classifier and jumps to the nearest decision boundary; stops once adversarial.',
    defaultSteps: 50,
    hasEps: false,
    fixedLength: false,
    params: [
      num('overshoot', 'overshoot', 0.02, 0, 1, 0.01, 'Pushes a little past the boundary so the label really flips.'),
      { ...num('candidates', 'candidate classes', 10, 1, 999, 1, 'Classes checked per step; each costs one gradient.'), kind: 'integer' },
    ],
  },
  'fmn-as-published': {
    id: 'fmn-as-published',
    label: 'FMN as published (foolbox 3.3 behaviour)',
    summary: 'Reproduces how the 2025 table was measured: the ε projection never acts, so norms are not minimal.',
    defaultSteps: 1000,
    hasEps: true,
    fixedLength: false,
    params: [
      num('maxStepsize', 'max step size', 1, 1e-6, 10, 0.01, 'foolbox max_stepsize.'),
      num('minStepsize', 'min step size', 1e-5, 1e-8, 10, 1e-5, 'foolbox min_stepsize.'),
      num('gamma', 'γ', 10, 1e-4, 100, 0.1, 'foolbox gamma, its initial ε change rate.'),
    ],
  },
};

export function isAttackId(value: string): value is AttackId {
  return Object.hasOwn(ATTACK_SPECS, value);
}

export function paramDefaults(attack: AttackId): Record<string, number | boolean> {
  return Object.fromEntries(ATTACK_SPECS[attack].params.map((p) => [p.key, p.default]));
}
