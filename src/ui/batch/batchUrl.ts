/**
 * The batch part of the automation contract: `?tab=batch&models=<id>,<id>&images=<spec>,<spec>
 * &protocol=<id>&steps=<n>[&attack=<id>]&run=1` defines (and with run=1 starts) a batch. A model id
 * is what `model=` takes, or `file:<name>`; image specs are `samples`, sample ids, `upload:<name>`,
 * `shard:<url>` with an optional `#<from>-<to>` record range.
 */
import { ATTACK_IDS } from '../../core/attacks/defaults';
import { PROTOCOL_IDS, PROTOCOLS } from '../../core/attacks/protocols';
import type { ProtocolId } from '../../core/results/types';
import { SHARD_IMAGE_PREFIX } from '../../core/batch/imageIds';

export interface BatchParams {
  models: string[];
  images: string[];
  protocol: ProtocolId;
  steps: number;
  attack?: string;
  run: boolean;
  /** What in the address could not be used, as sentences. */
  problems: string[];
}

const list = (v: string | null) => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/** Null unless the address is a batch definition (tab=batch with models or images). */
export function readBatchParams(search: string): BatchParams | null {
  const q = new URLSearchParams(search);
  if (q.get('tab') !== 'batch' || (!q.has('models') && !q.has('images'))) return null;
  const problems: string[] = [];
  let protocol = (q.get('protocol') ?? 'interactive') as ProtocolId;
  if (!PROTOCOL_IDS.includes(protocol)) {
    problems.push(`The address asks for protocol "${protocol}", which is not one of ${PROTOCOL_IDS.join(', ')}; using interactive.`);
    protocol = 'interactive';
  }
  let steps = Number(q.get('steps') ?? PROTOCOLS[protocol].steps);
  if (!Number.isInteger(steps) || steps < 1) {
    problems.push(`The address asks for ${q.get('steps')} steps; a whole number of at least 1 is needed, using ${PROTOCOLS[protocol].steps || 1}.`);
    steps = PROTOCOLS[protocol].steps || 1;
  }
  const attack = q.get('attack') ?? undefined;
  if (attack && !(ATTACK_IDS as string[]).includes(attack)) problems.push(`The address asks for attack "${attack}", which is not one of ${ATTACK_IDS.join(', ')}.`);
  return {
    models: list(q.get('models')),
    images: list(q.get('images')),
    protocol,
    steps,
    attack: attack && (ATTACK_IDS as string[]).includes(attack) ? attack : undefined,
    run: q.get('run') === '1',
    problems,
  };
}

/** The address for a batch that starts: its definition, without run=1 (a reload resumes the stored batch). */
export function writeBatchParams(
  search: string,
  def: { models: readonly string[]; images: readonly string[]; protocol: ProtocolId; steps: number; attack?: string },
): string {
  const q = new URLSearchParams(search);
  q.set('tab', 'batch');
  q.set('models', def.models.join(','));
  q.set('images', def.images.join(','));
  q.set('protocol', def.protocol);
  q.set('steps', String(def.steps));
  if (def.protocol === 'interactive' && def.attack) q.set('attack', def.attack);
  else q.delete('attack');
  q.delete('run');
  return `?${q.toString()}`;
}

/** Record indices as the shortest spec list: consecutive runs become `#from-to`. */
export function shardSpecs(shard: string, indices: readonly number[]): string[] {
  const sorted = [...indices].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(`${SHARD_IMAGE_PREFIX}${shard}#${sorted[i]}${j > i ? `-${sorted[j]}` : ''}`);
    i = j + 1;
  }
  return out;
}
