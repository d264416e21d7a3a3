/**
 * The command line of `npm run batch`: what to run (models × images under a protocol), where the
 * results go, and which shard of the job list this process owns. Parsing only; nothing is opened.
 */
import { INTERPOLATIONS } from '../core/image/resample';
import { PROTOCOL_IDS, PROTOCOLS } from '../core/attacks/protocols';
import type { AttackId, ProtocolId } from '../core/attacks/types';
import { ATTACK_IDS } from '../core/attacks/defaults';
import { NORMALIZATION_NAMES, type NormalizationName } from '../core/models/normalizations';
import { checkCropPct } from '../core/models/preprocessing';

/** Short names for the shell, next to the app's own names ("ImageNet mean/std" needs quoting). */
const NORM_ALIASES: Record<string, NormalizationName> = {
  imagenet: 'ImageNet mean/std',
  inception: '[-1,1]',
  unit: '[0,1]',
  raw: '[0,255]',
};

function normalizationByName(name: string): NormalizationName | null {
  const exact = NORMALIZATION_NAMES.find((n) => n.toLowerCase() === name.toLowerCase());
  return exact ?? NORM_ALIASES[name.toLowerCase()] ?? null;
}

/** Bad input: the command stops before any job runs, prints this one message and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What the user states about a model file or URL that the file itself cannot say. */
export interface ModelFacts {
  norm?: string;
  size?: string;
  classes?: string;
  logits?: string;
  timm?: string;
  /** Resampling filter for the model's input (bilinear, bicubic). */
  interp?: string;
  /** timm's crop_pct. */
  crop?: string;
}

export interface ModelArg {
  /** As typed: a catalogue id, an http(s) URL or a path. */
  spec: string;
  facts: ModelFacts;
}

export type Backend = 'wasm' | 'cpu';

export interface ShardArg {
  index: number;
  count: number;
}

export interface BatchArgs {
  models: ModelArg[];
  /** As typed: `samples`, sample ids, folders, TFRecord shards with an optional `#from-to`. */
  images: string[];
  protocol: ProtocolId;
  /** The interactive protocol's attack (as the app's batch picks it); the other protocols fix theirs. */
  attack: AttackId;
  steps: number;
  out: string;
  backend: Backend;
  /** `--threads n`: wasm threads, the calling one included; null: the app's pool size for the cores this process may use. */
  threads: number | null;
  /** `--shard i/n`; null when not given (the environment may still name one). */
  shard: ShardArg | null;
  /** `--shards n`, for a Kubernetes Indexed Job's JOB_COMPLETION_INDEX. */
  shards: number | null;
  /** `--progress bar|lines`: default bar on a terminal, lines otherwise. */
  progress: 'bar' | 'lines' | null;
}

const FACT_FLAGS: Record<string, keyof ModelFacts> = {
  '--norm': 'norm',
  '--size': 'size',
  '--classes': 'classes',
  '--logits': 'logits',
  '--timm': 'timm',
  '--interp': 'interp',
  '--crop': 'crop',
};

export const USAGE = `Usage: npm run batch -- --models <list> --images <list> --out <dir> [options]

  --models <list>     catalogue ids, model URLs or paths (model.json, .tflite, .h5, .onnx), comma-separated;
                      may be repeated. After a path or URL:
                        --norm <${Object.keys(NORM_ALIASES).join('|')}> (or the app's names)  --size <px>  --classes <1000|1001>
                        --logits <layer>  --timm <timm name>  --interp <bilinear|bicubic>  --crop <crop_pct>
  --images <list>     samples, sample ids, folders of <name>.png (+ <name>_clickme.png map, classes in
                      labels.json or labels.csv), ClickMe TFRecord shards with an optional record
                      range, both ends included (val-0.tfrecords#0-999)
  --protocol <id>     ${PROTOCOL_IDS.join(', ')} (default interactive)
  --attack <id>       the interactive protocol's attack: ${ATTACK_IDS.join(', ')} (default fmn);
                      the other protocols fix theirs
  --steps <n>         attack steps (default: the protocol's)
  --out <dir>         where results-<i>-of-<n>.jsonl and the logs are written
  --backend <name>    wasm (default) or cpu
  --threads <n>       wasm threads (default: half the cores this process may use, at least 2 where
                      there are 2, as in the app; a Slurm task's cores are its --cpus-per-task;
                      1 runs the single-threaded build)
  --shard <i>/<n>     run shard i (0-based) of n; default SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT,
                      or JOB_COMPLETION_INDEX with --shards <n>, else everything
  --shards <n>        the shard count for a Kubernetes Indexed Job, or for one Slurm task
                      submitted again on its own (sbatch --array=<i>)
  --progress <mode>   bar or lines (default: a bar on a terminal, lines otherwise)`;

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A URL, a path (has a slash or a model file's extension), else a catalogue id. */
export function modelSpecKind(spec: string): 'url' | 'path' | 'catalogue' {
  if (/^https?:\/\//i.test(spec)) return 'url';
  if (/[/\\]/.test(spec) || /\.(json|tflite|h5|hdf5|onnx)$/i.test(spec)) return 'path';
  return 'catalogue';
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive whole number, not "${value}".`);
  return n;
}

export function parseShard(value: string, flag = '--shard'): ShardArg {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag} needs the form i/n (e.g. 0/3), not "${value}".`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new UsageError(`${flag} ${value}: the shard index must lie in 0…${Math.max(count - 1, 0)} (shards count from 0).`);
  return { index, count };
}

/** Parses `npm run batch` arguments; throws UsageError with one full sentence for any mistake. */
export function parseArgs(argv: readonly string[]): BatchArgs {
  const models: ModelArg[] = [];
  const images: string[] = [];
  let protocol: ProtocolId = 'interactive';
  let attack: AttackId | null = null;
  let steps: number | null = null;
  let out: string | null = null;
  let backend: Backend = 'wasm';
  let threads: number | null = null;
  let shard: ShardArg | null = null;
  let shards: number | null = null;
  let progress: BatchArgs['progress'] = null;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value.`);
      return v;
    };
    if (flag in FACT_FLAGS) {
      const last = models[models.length - 1];
      const v = value();
      if (!last) throw new UsageError(`${flag} ${v} must follow the model path or URL it describes (after --models).`);
      if (modelSpecKind(last.spec) === 'catalogue') {
        throw new UsageError(`${flag} describes a model file or URL, but "${last.spec}" before it is a catalogue id, whose facts are known.`);
      }
      last.facts[FACT_FLAGS[flag]] = v;
      continue;
    }
    switch (flag) {
      case '--models':
        models.push(...splitList(value()).map((spec) => ({ spec, facts: {} })));
        break;
      case '--images':
        images.push(...splitList(value()));
        break;
      case '--protocol': {
        const v = value();
        if (!(PROTOCOL_IDS as string[]).includes(v)) throw new UsageError(`--protocol "${v}" is not a protocol; use one of ${PROTOCOL_IDS.join(', ')}.`);
        protocol = v as ProtocolId;
        break;
      }
      case '--attack': {
        const v = value();
        if (!(ATTACK_IDS as string[]).includes(v)) throw new UsageError(`--attack "${v}" is not an attack; use one of ${ATTACK_IDS.join(', ')}.`);
        attack = v as AttackId;
        break;
      }
      case '--steps':
        steps = positiveInt('--steps', value());
        break;
      case '--out':
        out = value();
        break;
      case '--backend': {
        const v = value();
        if (v !== 'wasm' && v !== 'cpu') throw new UsageError(`--backend "${v}" is not available in Node; use wasm or cpu.`);
        backend = v;
        break;
      }
      case '--threads':
        threads = positiveInt('--threads', value());
        break;
      case '--shard':
        shard = parseShard(value());
        break;
      case '--shards':
        shards = positiveInt('--shards', value());
        break;
      case '--progress': {
        const v = value();
        if (v !== 'bar' && v !== 'lines') throw new UsageError(`--progress "${v}" is not a mode; use bar or lines.`);
        progress = v;
        break;
      }
      default:
        throw new UsageError(`Unknown argument "${arg}".`);
    }
  }
  if (!models.length) throw new UsageError('--models is missing: name at least one model.');
  if (!images.length) throw new UsageError('--images is missing: name at least one image source.');
  if (!out) throw new UsageError('--out is missing: name the folder the results go to.');
  for (const m of models) checkFacts(m);
  if (attack && protocol !== 'interactive' && attack !== PROTOCOLS[protocol].attack) {
    throw new UsageError(`--attack ${attack}: the protocol ${protocol} fixes its attack (${PROTOCOLS[protocol].attack}); pick an attack with --protocol interactive.`);
  }
  return {
    models, images, protocol, attack: attack ?? PROTOCOLS[protocol].attack, steps: steps ?? PROTOCOLS[protocol].steps,
    out, backend, threads, shard, shards, progress,
  };
}

function checkFacts({ spec, facts }: ModelArg): void {
  if (facts.norm !== undefined) {
    const name = normalizationByName(facts.norm);
    if (!name) {
      throw new UsageError(`--norm "${facts.norm}" for ${spec} is not a normalisation; use one of ${[...Object.keys(NORM_ALIASES), ...NORMALIZATION_NAMES].join(', ')}.`);
    }
    facts.norm = name;
  }
  if (facts.size !== undefined) positiveInt(`--size for ${spec}`, facts.size);
  if (facts.classes !== undefined && facts.classes !== '1000' && facts.classes !== '1001') {
    throw new UsageError(`--classes for ${spec} must be 1000 or 1001, not "${facts.classes}".`);
  }
  if (facts.interp !== undefined && !(INTERPOLATIONS as readonly string[]).includes(facts.interp)) {
    throw new UsageError(`--interp for ${spec} must be one of ${INTERPOLATIONS.join(', ')}, not "${facts.interp}".`);
  }
  if (facts.crop !== undefined) {
    try {
      checkCropPct(Number(facts.crop), `--crop for ${spec}`);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
}
