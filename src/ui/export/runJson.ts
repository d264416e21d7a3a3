import type { RunResult } from '../../core/attacks/types';
import type { RecordedStep, RunEnvironment, RunInputs, StepAlignment } from '../state/runStore';
import { HUMAN_CEILING } from '../state/runStore';
import { decodeArray, encodeArray, type EncodedArray } from './float32Base64';
import type { RunDefinition } from './runDefinition';
import { runDefinitionToSearch } from './runDefinition';

/**
 * The run as a JSON document anyone can re-check elsewhere: the definition, every step's
 * numbers, the final metrics, where it ran, and the clean input, final perturbation and human
 * map as little-endian float32 arrays. Field by field documentation: RUN_JSON_FIELDS below.
 */

export const RUN_JSON_FORMAT = 'alignscope-run';
export const RUN_JSON_VERSION = 1;

export interface RunJsonStep {
  step: number;
  l2: number;
  linf: number;
  eps: number | null;
  loss: number;
  margin: number;
  adversarial: boolean;
  predicted: number;
  bestL2: number | null;
  gradEvals: number;
  alignmentMean: number | null;
  alignmentMax: number | null;
}

export interface RunJson {
  format: typeof RUN_JSON_FORMAT;
  version: number;
  createdAt: string;
  definition: RunDefinition;
  url: string;
  environment: RunEnvironment & { userAgent: string };
  status: string;
  label: { classIndex: number | null; name: string | null };
  cleanTop5: { classIndex: number; name: string; prob: number }[];
  alignment: {
    convention: 'mean' | 'max';
    dividedByCeiling: boolean;
    humanCeiling: number;
    humanMapSource: RunInputs['humanMapSource'];
  };
  steps: RunJsonStep[];
  result: {
    success: boolean;
    l2: number | null;
    linf: number | null;
    eps: number | null;
    advClass: number | null;
    advImagenetClass: number | null;
    advLabel: string | null;
    gradEvals: number;
    steps: number;
    wallMs: number;
    notAttackable: boolean;
    alignmentMean: number | null;
    alignmentMax: number | null;
  } | null;
  arrays: {
    cleanInput: EncodedArray;
    perturbation: EncodedArray | null;
    humanMap: EncodedArray | null;
  };
}

export class RunJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunJsonError';
  }
}

export interface RunJsonInput {
  definition: RunDefinition;
  status: string;
  inputs: RunInputs;
  environment: RunEnvironment;
  steps: readonly RecordedStep[];
  result: RunResult | null;
  resultAlignment: StepAlignment | null;
  convention: 'mean' | 'max';
  divideByCeiling: boolean;
  /** Page origin + path, to write the reproducing URL. */
  baseUrl: string;
  userAgent: string;
  now: Date;
}

export function buildRunJson(r: RunJsonInput): RunJson {
  const { inputs, result } = r;
  const size = inputs.size;
  return {
    format: RUN_JSON_FORMAT,
    version: RUN_JSON_VERSION,
    createdAt: r.now.toISOString(),
    definition: r.definition,
    url: `${r.baseUrl}?${runDefinitionToSearch(r.definition)}`,
    environment: { ...r.environment, userAgent: r.userAgent },
    status: r.status,
    label: { classIndex: inputs.label, name: inputs.label === null ? null : inputs.labelName(inputs.label) },
    cleanTop5: inputs.cleanTop5.map((t) => ({ classIndex: t.classIndex, name: inputs.labelName(t.classIndex), prob: t.prob })),
    alignment: {
      convention: r.convention,
      dividedByCeiling: r.divideByCeiling,
      humanCeiling: HUMAN_CEILING,
      humanMapSource: inputs.humanMapSource,
    },
    steps: r.steps.map((s) => ({
      step: s.step,
      l2: s.l2,
      linf: s.linf,
      eps: s.eps,
      loss: s.loss,
      margin: s.margin,
      adversarial: s.isAdversarial,
      predicted: s.predicted,
      bestL2: s.bestL2,
      gradEvals: s.gradEvals,
      alignmentMean: s.alignment.mean,
      alignmentMax: s.alignment.max,
    })),
    result: result && {
      success: result.success,
      l2: result.l2,
      linf: result.linf,
      eps: result.eps ?? null,
      advClass: result.advClass,
      advImagenetClass: result.advImagenetClass,
      advLabel: result.advImagenetClass === null ? null : inputs.labelName(result.advImagenetClass),
      gradEvals: result.gradEvals,
      steps: result.steps,
      wallMs: result.wallMs,
      notAttackable: result.notAttackable ?? false,
      alignmentMean: r.resultAlignment?.mean ?? null,
      alignmentMax: r.resultAlignment?.max ?? null,
    },
    arrays: {
      cleanInput: encodeArray(inputs.clean, [size, size, 3]),
      perturbation: result?.bestDelta
        ? encodeArray(result.bestDelta.data, [result.bestDelta.height, result.bestDelta.width, 3])
        : null,
      humanMap: inputs.humanMap ? encodeArray(inputs.humanMap, [size, size]) : null,
    },
  };
}

const REQUIRED_TOP_LEVEL = ['format', 'version', 'definition', 'environment', 'steps', 'result', 'arrays'] as const;

/** Reads a run JSON back (to check a file, or to replay a shared run); `name` is the file name. */
export function parseRunJson(text: string, name = 'run JSON'): { json: RunJson; clean: Float32Array; perturbation: Float32Array | null; humanMap: Float32Array | null } {
  let json: RunJson;
  try {
    json = JSON.parse(text) as RunJson;
  } catch {
    throw new RunJsonError(`The file ${name} is not JSON.`);
  }
  if (typeof json !== 'object' || json === null || json.format !== RUN_JSON_FORMAT) {
    throw new RunJsonError(`The file ${name} is not an AlignScope run (its "format" is not "${RUN_JSON_FORMAT}").`);
  }
  if (json.version > RUN_JSON_VERSION) {
    throw new RunJsonError(`The file ${name} is run format version ${json.version}; this AlignScope reads up to version ${RUN_JSON_VERSION}.`);
  }
  for (const key of REQUIRED_TOP_LEVEL) {
    if (!(key in json)) throw new RunJsonError(`The file ${name} has no "${key}" field.`);
  }
  return {
    json,
    clean: decodeArray(json.arrays.cleanInput, `clean input in ${name}`),
    perturbation: json.arrays.perturbation ? decodeArray(json.arrays.perturbation, `perturbation in ${name}`) : null,
    humanMap: json.arrays.humanMap ? decodeArray(json.arrays.humanMap, `human map in ${name}`) : null,
  };
}

/** Field documentation, for the README and the export dialog. */
export const RUN_JSON_FIELDS: Record<string, string> = {
  format: `Always "${RUN_JSON_FORMAT}".`,
  version: 'Format version (1).',
  createdAt: 'ISO 8601 time of the export.',
  definition: 'The run definition: imageId, modelId, backend (null = best available), protocol, attack, steps, params (every attack parameter), readout, target (null = untargeted), seed, convention ("mean" | "max"), divideByCeiling.',
  url: 'A URL that reproduces the run (same numbers on the same backend).',
  environment: 'backend and adapter the run used, modelName, imageName, userAgent.',
  status: 'done | cancelled | failed (a cancelled run keeps its steps).',
  label: 'The ImageNet class attacked (the true label if known, else the clean top-1) and its name.',
  cleanTop5: 'Top-5 ImageNet classes of the clean image: classIndex, name, prob (softmax over 1000).',
  alignment: 'convention shown in the app, whether ρ was divided by the human ceiling (0.65753), and the human map source: clickme | user-uploaded | user-drawn | none.',
  'steps[]': 'Per step, about the point the step evaluated: step, l2 and linf of δ, eps (null where the attack has none), loss, margin (> 0 = adversarial), adversarial, predicted class, bestL2 (best adversarial norm so far, null before the first), gradEvals so far, alignmentMean and alignmentMax (raw Spearman ρ; null = undefined).',
  result: 'Final metrics (null if the run ended without one): success, l2 and linf of the best adversarial, eps (pgd-bisect), advClass (read-out class), advImagenetClass and advLabel, gradEvals, steps, wallMs, notAttackable, alignmentMean and alignmentMax of the best adversarial (raw ρ).',
  'arrays.cleanInput': 'The model input: [H, W, 3] RGB in [0,1] after crop and resize, little-endian float32, base64.',
  'arrays.perturbation': 'The best adversarial δ = x_adv − x0: [H, W, 3], little-endian float32, base64 (null when unsuccessful).',
  'arrays.humanMap': 'The preprocessed human map at the model input size: [H, W] in [0,1], little-endian float32, base64 (null when none).',
};
