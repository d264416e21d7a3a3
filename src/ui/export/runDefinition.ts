import type { AttackConfig, AttackId, ProtocolId, ReadoutId } from '../../core/attacks/types';
import { ATTACK_SPECS, isAttackId, paramDefaults } from '../attack/attackSpecs';

/**
 * Everything that defines a run, as the URL carries it: opening the URL reproduces the run
 * (same numbers on the same backend). Parsing never throws on a user's URL: each bad value is
 * reported as a RunUrlError and replaced by its default.
 */

export type BackendChoice = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface RunDefinition {
  imageId: string | null;
  modelId: string | null;
  /** Forced backend; null = the best available. */
  backend: BackendChoice | null;
  protocol: ProtocolId;
  attack: AttackId;
  steps: number;
  /** The attack's parameters (every one, so a later change of defaults cannot change a shared run). */
  params: Record<string, number | boolean>;
  readout: ReadoutId;
  /** ImageNet class to reach; null = untargeted. */
  target: number | null;
  seed: number;
  convention: 'mean' | 'max';
  divideByCeiling: boolean;
}

export const DEFAULT_RUN_DEFINITION: RunDefinition = {
  imageId: null,
  modelId: null,
  backend: null,
  protocol: 'interactive',
  attack: 'fmn',
  steps: ATTACK_SPECS.fmn.defaultSteps,
  params: paramDefaults('fmn'),
  readout: '1000-class',
  target: null,
  seed: 0,
  convention: 'mean',
  divideByCeiling: false,
};

export class RunUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunUrlError';
  }
}

const PROTOCOLS: readonly ProtocolId[] = ['interactive', '2025-corrected', '2025-published', '2023'];
const BACKENDS: readonly BackendChoice[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
export const MAX_STEPS = 5000;

export interface ParsedRunUrl {
  definition: RunDefinition;
  /** `run=1`: start the run as soon as the page is ready. */
  autoRun: boolean;
  problems: RunUrlError[];
}

function parseNumber(raw: string): number | null {
  if (raw.trim() === '') return null;
  const v = Number(raw);
  return Number.isFinite(v) ? v : null;
}

export function parseRunUrl(search: string): ParsedRunUrl {
  const q = new URLSearchParams(search);
  const problems: RunUrlError[] = [];
  const def: RunDefinition = { ...DEFAULT_RUN_DEFINITION, params: { ...DEFAULT_RUN_DEFINITION.params } };
  const bad = (name: string, raw: string, why: string) =>
    problems.push(new RunUrlError(`The URL parameter ${name}=${raw} ${why}; the default is used instead.`));

  def.imageId = q.get('image') || null;
  def.modelId = q.get('model') || null;
  const backend = q.get('backend');
  if (backend !== null) {
    if ((BACKENDS as readonly string[]).includes(backend)) def.backend = backend as BackendChoice;
    else bad('backend', backend, `is not one of ${BACKENDS.join(', ')}`);
  }
  const protocol = q.get('protocol');
  if (protocol !== null) {
    if ((PROTOCOLS as readonly string[]).includes(protocol)) def.protocol = protocol as ProtocolId;
    else bad('protocol', protocol, `is not one of ${PROTOCOLS.join(', ')}`);
  }
  const attack = q.get('attack');
  if (attack !== null) {
    if (isAttackId(attack)) {
      def.attack = attack;
      def.steps = ATTACK_SPECS[attack].defaultSteps;
      def.params = paramDefaults(attack);
    } else {
      bad('attack', attack, `is not one of ${Object.keys(ATTACK_SPECS).join(', ')}`);
    }
  }
  const steps = q.get('steps');
  // pgd-bisect's length follows from its ε search; a steps value means nothing to it.
  if (steps !== null && !ATTACK_SPECS[def.attack].fixedLength) {
    const v = parseNumber(steps);
    if (v !== null && Number.isInteger(v) && v >= 1 && v <= MAX_STEPS) def.steps = v;
    else bad('steps', steps, `is not a whole number from 1 to ${MAX_STEPS}`);
  }
  for (const spec of ATTACK_SPECS[def.attack].params) {
    const raw = q.get(spec.key);
    if (raw === null) continue;
    if (spec.kind === 'boolean') {
      if (raw === '1' || raw === 'true') def.params[spec.key] = true;
      else if (raw === '0' || raw === 'false') def.params[spec.key] = false;
      else bad(spec.key, raw, 'is not 0 or 1');
      continue;
    }
    const v = parseNumber(raw);
    if (v !== null && v >= spec.min && v <= spec.max && (spec.kind !== 'integer' || Number.isInteger(v))) def.params[spec.key] = v;
    else bad(spec.key, raw, `is not a ${spec.kind === 'integer' ? 'whole ' : ''}number from ${spec.min} to ${spec.max}`);
  }
  const readout = q.get('readout');
  if (readout !== null) {
    if (readout === '1000-class' || readout === 'binary') def.readout = readout;
    else bad('readout', readout, 'is not 1000-class or binary');
  }
  const target = q.get('target');
  if (target !== null && target !== '') {
    const v = parseNumber(target);
    if (v !== null && Number.isInteger(v) && v >= 0 && v <= 999) def.target = v;
    else bad('target', target, 'is not an ImageNet class index from 0 to 999');
  }
  const seed = q.get('seed');
  if (seed !== null) {
    const v = parseNumber(seed);
    if (v !== null && Number.isInteger(v) && v >= 0) def.seed = v;
    else bad('seed', seed, 'is not a whole number ≥ 0');
  }
  const map = q.get('map');
  if (map !== null) {
    if (map === 'mean' || map === 'max') def.convention = map;
    else bad('map', map, 'is not mean or max');
  }
  const ceiling = q.get('ceiling');
  if (ceiling !== null) {
    if (ceiling === '1' || ceiling === '0') def.divideByCeiling = ceiling === '1';
    else bad('ceiling', ceiling, 'is not 0 or 1');
  }
  return { definition: def, autoRun: q.get('run') === '1', problems };
}

/** The query string (without "?") that reproduces `def`; parameters in a fixed order. */
export function runDefinitionToSearch(def: RunDefinition, autoRun = false): string {
  const q = new URLSearchParams();
  if (def.imageId) q.set('image', def.imageId);
  if (def.modelId) q.set('model', def.modelId);
  if (def.backend) q.set('backend', def.backend);
  q.set('protocol', def.protocol);
  q.set('attack', def.attack);
  q.set('steps', String(def.steps));
  for (const spec of ATTACK_SPECS[def.attack].params) {
    const v = def.params[spec.key] ?? spec.default;
    q.set(spec.key, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  q.set('readout', def.readout);
  if (def.target !== null) q.set('target', String(def.target));
  q.set('seed', String(def.seed));
  q.set('map', def.convention);
  q.set('ceiling', def.divideByCeiling ? '1' : '0');
  if (autoRun) q.set('run', '1');
  return q.toString();
}

/** The engine's AttackConfig for a definition. previewSize 0: the visualiser needs full δ for alignment. */
export function toAttackConfig(def: RunDefinition, label?: number): AttackConfig {
  return {
    attack: def.attack,
    steps: def.steps,
    params: { [def.attack]: { ...def.params } },
    readout: def.readout,
    label,
    target: def.target ?? undefined,
    seed: def.seed,
    previewSize: 0,
    protocol: def.protocol,
  };
}

/** Parameters this module writes besides image, model and backend (which the session owns). */
const RUN_KEYS = ['protocol', 'attack', 'steps', 'readout', 'target', 'seed', 'map', 'ceiling', 'run'];

/**
 * The current query string with the run's parameters replaced by `def`'s; image, model, backend
 * and anything else (tab, …) are left as they are. `run=1` is dropped so a reload does not restart.
 */
export function mergeRunSearch(search: string, def: RunDefinition): string {
  const current = new URLSearchParams(search);
  const allParamKeys = new Set(Object.values(ATTACK_SPECS).flatMap((a) => a.params.map((p) => p.key)));
  for (const key of [...current.keys()]) if (RUN_KEYS.includes(key) || allParamKeys.has(key)) current.delete(key);
  const mine = new URLSearchParams(runDefinitionToSearch({ ...def, imageId: null, modelId: null, backend: null }));
  for (const [k, v] of mine) current.set(k, v);
  const s = current.toString();
  return s ? `?${s}` : '';
}
