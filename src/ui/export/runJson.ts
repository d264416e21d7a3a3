import type { EnsemblePhaseId, RunResult } from '../../core/attacks/types';
import type { RecordedStep, RunEnvironment, RunInputs, StepAlignment } from '../state/runStore';
import { HUMAN_CEILING } from '../state/runStore';
import { PROTOCOL_IDS } from '../../core/attacks/protocols';
import { CATALOGUE } from '../../core/models/catalogue';
import { isAttackId } from '../attack/attackSpecs';
import { checkPreprocessing, preprocessingJson, type RunJsonPreprocessing } from './runJsonPreprocessing';
import { decodeArray, encodeArray, Float32Base64Error, type EncodedArray } from './float32Base64';
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
  /** null where the value was not finite: JSON has no NaN or ∞. */
  loss: number | null;
  margin: number | null;
  adversarial: boolean;
  predicted: number;
  bestL2: number | null;
  gradEvals: number;
  alignmentMean: number | null;
  alignmentMax: number | null;
  /** The ensemble attack only: the phase the step belongs to. */
  phase?: EnsemblePhaseId;
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
  /** How the picture became the model input; null (or absent, in files from before it was recorded) when unknown. */
  preprocessing?: RunJsonPreprocessing | null;
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
    preprocessing: inputs.preprocessing ? preprocessingJson(inputs.preprocessing) : null,
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
      ...(s.phase ? { phase: s.phase.id } : {}),
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

const REQUIRED_TOP_LEVEL = [
  'format', 'version', 'definition', 'environment', 'steps', 'result', 'arrays', 'createdAt', 'url', 'status', 'label', 'cleanTop5', 'alignment',
] as const;

/** A run JSON read back: the document and its arrays decoded. */
export interface ParsedRunJson {
  json: RunJson;
  /** [size, size, 3]. */
  clean: Float32Array;
  /** [size, size, 3], or null when the run found no adversarial. */
  perturbation: Float32Array | null;
  /** [size, size], or null when the run had no human map. */
  humanMap: Float32Array | null;
  /** The model input's side. */
  size: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumberOrNull = (v: unknown) => v === null || isNumber(v);

const ENSEMBLE_PHASE_IDS: EnsemblePhaseId[] = ['fmn', 'ddn', 'fmn-refine'];
const STEP_NUMBERS = ['step', 'l2', 'linf', 'predicted', 'gradEvals'] as const;
// JSON writes a NaN or infinite loss as null, so a run's own export may carry one.
const STEP_NULLABLE = ['eps', 'loss', 'margin', 'bestL2', 'alignmentMean', 'alignmentMax'] as const;

/**
 * The fields the viewer reads, checked so a hand-edited or truncated file gives a sentence
 * naming the field rather than a blank view: `bad(field, what)` throws for the first one wrong.
 */
function checkFields(json: Record<string, unknown>, bad: (field: string, what: string) => never): void {
  const def = json.definition;
  if (!isObject(def)) bad('definition', 'an object');
  if (typeof def.attack !== 'string' || !isAttackId(def.attack)) bad('definition.attack', 'an AlignScope attack id');
  if (!Number.isInteger(def.steps) || (def.steps as number) < 0) bad('definition.steps', 'a whole number');
  // The definition goes back into the attack controls, which read every field.
  if (!PROTOCOL_IDS.includes(def.protocol as never)) bad('definition.protocol', PROTOCOL_IDS.join(', '));
  if (def.readout !== '1000-class' && def.readout !== 'binary') bad('definition.readout', '1000-class or binary');
  if (!isObject(def.params) || !Object.values(def.params).every((v) => isNumber(v) || typeof v === 'boolean')) {
    bad('definition.params', 'an object of numbers and booleans');
  }
  if (!isNumberOrNull(def.target)) bad('definition.target', 'a class index or null');
  if (!isNumber(def.seed)) bad('definition.seed', 'a number');
  if (def.convention !== 'mean' && def.convention !== 'max') bad('definition.convention', 'mean or max');
  if (typeof def.divideByCeiling !== 'boolean') bad('definition.divideByCeiling', 'true or false');
  for (const k of ['imageId', 'modelId', 'backend'] as const) {
    if (def[k] !== null && typeof def[k] !== 'string') bad(`definition.${k}`, 'text or null');
  }
  if (typeof json.url !== 'string') bad('url', 'a link');
  const env = json.environment;
  if (!isObject(env) || !['backend', 'adapter', 'modelName', 'imageName', 'userAgent'].every((k) => typeof env[k] === 'string')) {
    bad('environment', 'an object with backend, adapter, modelName, imageName and userAgent');
  }
  if (!['done', 'cancelled', 'failed'].includes(json.status as string)) bad('status', 'done, cancelled or failed');
  if (typeof json.createdAt !== 'string') bad('createdAt', 'an ISO 8601 time');
  if (!Array.isArray(json.steps)) bad('steps', 'a list');
  json.steps.forEach((st: unknown, i: number) => {
    if (!isObject(st)) bad(`steps[${i}]`, 'an object');
    for (const k of STEP_NUMBERS) if (!isNumber(st[k])) bad(`steps[${i}].${k}`, 'a number');
    for (const k of STEP_NULLABLE) if (!isNumberOrNull(st[k])) bad(`steps[${i}].${k}`, 'a number or null');
    if (typeof st.adversarial !== 'boolean') bad(`steps[${i}].adversarial`, 'true or false');
    if (st.phase !== undefined && !ENSEMBLE_PHASE_IDS.includes(st.phase as never)) bad(`steps[${i}].phase`, ENSEMBLE_PHASE_IDS.join(', '));
  });
  const result = json.result;
  if (result !== null) {
    if (!isObject(result) || typeof result.success !== 'boolean' || typeof result.notAttackable !== 'boolean') {
      bad('result', 'null or an object with success and notAttackable');
    }
    for (const k of ['gradEvals', 'steps', 'wallMs'] as const) if (!isNumber(result[k])) bad(`result.${k}`, 'a number');
    for (const k of ['l2', 'linf', 'eps', 'advClass', 'advImagenetClass', 'alignmentMean', 'alignmentMax'] as const) {
      if (!isNumberOrNull(result[k])) bad(`result.${k}`, 'a number or null');
    }
  }
  if (!isObject(json.label) || !isNumberOrNull(json.label.classIndex)) bad('label', 'an object with classIndex');
  checkPreprocessing(json.preprocessing, bad);
  if (!Array.isArray(json.cleanTop5) || !json.cleanTop5.every((t) => isObject(t) && isNumber(t.classIndex) && isNumber(t.prob))) {
    bad('cleanTop5', 'a list of {classIndex, prob}');
  }
  const align = json.alignment;
  if (!isObject(align) || (align.convention !== 'mean' && align.convention !== 'max') || typeof align.dividedByCeiling !== 'boolean') {
    bad('alignment', 'an object with convention "mean" or "max" and dividedByCeiling');
  }
  if (!['clickme', 'user-uploaded', 'user-drawn', 'none'].includes(align.humanMapSource as string)) bad('alignment.humanMapSource', 'clickme, user-uploaded, user-drawn or none');
  const arrays = json.arrays;
  if (!isObject(arrays)) bad('arrays', 'an object');
  for (const k of ['cleanInput', 'perturbation', 'humanMap'] as const) {
    const a = arrays[k];
    if (a === null && k !== 'cleanInput') continue;
    if (!isObject(a) || !Array.isArray(a.shape) || !a.shape.every((d) => Number.isInteger(d) && d > 0) || typeof a.base64 !== 'string') {
      bad(`arrays.${k}`, `an array {dtype, byteOrder, shape, base64}${k === 'cleanInput' ? '' : ' or null'}`);
    }
  }
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Reads a run JSON back (to check a file, or to open a shared run); `name` is the file name. */
export function parseRunJson(text: string, name = 'run JSON'): ParsedRunJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RunJsonError(`The file ${name} is not JSON.`);
  }
  if (!isObject(raw) || raw.format !== RUN_JSON_FORMAT) {
    throw new RunJsonError(`The file ${name} is not an AlignScope run (its "format" is not "${RUN_JSON_FORMAT}").`);
  }
  if (!Number.isInteger(raw.version) || (raw.version as number) < 1) {
    throw new RunJsonError(`The file ${name} has no valid "version" (a whole number from 1).`);
  }
  if ((raw.version as number) > RUN_JSON_VERSION) {
    throw new RunJsonError(`The file ${name} is run format version ${raw.version}; this AlignScope reads up to version ${RUN_JSON_VERSION}.`);
  }
  for (const key of REQUIRED_TOP_LEVEL) {
    if (!(key in raw)) throw new RunJsonError(`The file ${name} has no "${key}" field.`);
  }
  checkFields(raw, (field, what) => {
    throw new RunJsonError(`The file ${name} has a bad "${field}" field (expected ${what}).`);
  });
  const json = raw as unknown as RunJson;
  const { cleanInput, perturbation, humanMap } = json.arrays;
  // The viewer draws square model inputs; every array must be at that one size.
  const [size, width, channels] = cleanInput.shape;
  if (cleanInput.shape.length !== 3 || width !== size || channels !== 3) {
    throw new RunJsonError(`The clean input in ${name} has the shape [${cleanInput.shape.join(', ')}]; a model input is [size, size, 3].`);
  }
  const catalogued = CATALOGUE.find((m) => m.id === json.definition.modelId);
  if (catalogued && catalogued.inputSize !== size) {
    throw new RunJsonError(`The clean input in ${name} is ${size}×${size}, but the run's model ${catalogued.id} takes ${catalogued.inputSize}×${catalogued.inputSize}.`);
  }
  if (perturbation && !sameShape(perturbation.shape, cleanInput.shape)) {
    throw new RunJsonError(`The perturbation in ${name} has the shape [${perturbation.shape.join(', ')}], not the clean input's [${cleanInput.shape.join(', ')}].`);
  }
  if (humanMap && !sameShape(humanMap.shape, [size, size])) {
    throw new RunJsonError(`The human map in ${name} has the shape [${humanMap.shape.join(', ')}], not [${size}, ${size}] as the clean input.`);
  }
  try {
    return {
      json,
      clean: decodeArray(cleanInput, `clean input in ${name}`),
      perturbation: perturbation ? decodeArray(perturbation, `perturbation in ${name}`) : null,
      humanMap: humanMap ? decodeArray(humanMap, `human map in ${name}`) : null,
      size,
    };
  } catch (e) {
    if (e instanceof Float32Base64Error) throw new RunJsonError(e.message);
    throw e;
  }
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
  preprocessing: 'How the picture became the model input (null when unknown; absent in older files): inputSize, interpolation ("bilinear" | "bicubic", antialiased as PIL), cropPct (shorter side resized to inputSize / cropPct, then centre-cropped), normalization {name, scale, mean, std} applied inside the model, source (where interpolation and cropPct came from).',
  cleanTop5: 'Top-5 ImageNet classes of the clean image: classIndex, name, prob (softmax over 1000).',
  alignment: 'convention shown in the app, whether ρ was divided by the human ceiling (0.65753), and the human map source: clickme | user-uploaded | user-drawn | none.',
  'steps[]': 'Per step, about the point the step evaluated: step, l2 and linf of δ, eps (null where the attack has none), loss, margin (> 0 = adversarial), adversarial, predicted class, bestL2 (best adversarial norm so far, null before the first), gradEvals so far, alignmentMean and alignmentMax (raw Spearman ρ; null = undefined); for the ensemble attack also phase: fmn | ddn | fmn-refine.',
  result: 'Final metrics (null if the run ended without one): success, l2 and linf of the best adversarial, eps (pgd-bisect), advClass (read-out class), advImagenetClass and advLabel, gradEvals, steps, wallMs, notAttackable, alignmentMean and alignmentMax of the best adversarial (raw ρ).',
  'arrays.cleanInput': 'The model input: [H, W, 3] RGB in [0,1] after crop and resize, little-endian float32, base64.',
  'arrays.perturbation': 'The best adversarial δ = x_adv − x0: [H, W, 3], little-endian float32, base64 (null when unsuccessful).',
  'arrays.humanMap': 'The preprocessed human map at the model input size: [H, W] in [0,1], little-endian float32, base64 (null when none).',
};
