import { AttackInputError } from './errors';
import type { AttackConfig, AttackId, AttackParamsById } from './types';

/** Documented defaults; see the field comments in types.ts for what each trades off. */
export const DEFAULT_PARAMS: AttackParamsById = {
  fmn: { alphaMax: 1.5, alphaMin: 0.015, stepRelativeToEps: true, gamma0: 0.05, gammaMin: 0.001 },
  ddn: { epsInit: 1, gamma: 0.05, alphaMax: 1, alphaMin: 0.01 },
  'pgd-bisect': { alpha: 1 / 255, stepsPerEps: 3, epsMax: 10, epsMid: 1, epsLow: 0.001, tolLow: 0.01, tolHigh: 0.1 },
  fgsm: { eps: 8 / 255, alpha: 8 / 255, randomStart: false },
  'pgd-linf': { eps: 8 / 255, alpha: 2 / 255, randomStart: true },
  deepfool: { overshoot: 0.02, candidates: 10 },
  'fmn-as-published': { maxStepsize: 1, minStepsize: 1e-5, gamma: 10 },
  ensemble: { fmnShare: 0.4, ddnShare: 0.3, ddnEpsInit: 1, refineAlphaMax: 0.5 },
};

export const DEFAULT_STEPS: Record<AttackId, number> = {
  fmn: 100,
  ddn: 100,
  'pgd-bisect': 0,
  fgsm: 1,
  'pgd-linf': 10,
  deepfool: 50,
  'fmn-as-published': 1000,
  ensemble: 200,
};

export const ATTACK_IDS = Object.keys(DEFAULT_STEPS) as AttackId[];

/** A complete config for `attack` with every default filled in; `overrides` win. */
export function defaultConfig(attack: AttackId, overrides: Partial<AttackConfig> = {}): AttackConfig {
  return { attack, steps: DEFAULT_STEPS[attack], readout: '1000-class', seed: 0, previewSize: 64, ...overrides };
}

/** The attack's parameters with defaults under the config's overrides. */
export function paramsFor<K extends AttackId>(config: AttackConfig, attack: K): AttackParamsById[K] {
  const given = (config.params?.[attack] ?? {}) as Partial<AttackParamsById[K]>;
  const merged = { ...DEFAULT_PARAMS[attack], ...given };
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new AttackInputError(`Attack parameter ${attack}.${key} must be a finite number, got ${value}.`);
    }
  }
  return merged;
}

/** Checks the plain fields of a config; tensor checks happen when the run starts. */
export function validateConfig(config: AttackConfig): void {
  if (!ATTACK_IDS.includes(config.attack)) {
    throw new AttackInputError(`Unknown attack "${String(config.attack)}"; expected one of ${ATTACK_IDS.join(', ')}.`);
  }
  if (config.readout !== '1000-class' && config.readout !== 'binary') {
    throw new AttackInputError(`Unknown read-out "${String(config.readout)}"; expected "1000-class" or "binary".`);
  }
  if (config.attack !== 'pgd-bisect' && (!Number.isInteger(config.steps) || config.steps < 1 || config.steps > 100_000)) {
    throw new AttackInputError(`Attack steps must be an integer between 1 and 100000, got ${config.steps}.`);
  }
  if (!Number.isInteger(config.previewSize) || config.previewSize < 0) {
    throw new AttackInputError(`previewSize must be a non-negative integer (0 = full resolution), got ${config.previewSize}.`);
  }
  if (config.target !== undefined) {
    if (config.readout === 'binary') {
      throw new AttackInputError('A target class needs the 1000-class read-out; the binary read-out is untargeted by design.');
    }
    if (config.attack === 'fmn-as-published') {
      throw new AttackInputError('"fmn-as-published" reproduces the published untargeted runs and takes no target.');
    }
    if (config.target === config.label) {
      throw new AttackInputError(`The target class ${config.target} equals the label; pick another class.`);
    }
  }
}
