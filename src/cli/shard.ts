import { parseShard, UsageError, type ShardArg } from './args';

/**
 * Which shard this process owns: `--shard i/n`; else a Slurm array task (SLURM_ARRAY_TASK_ID of
 * SLURM_ARRAY_TASK_COUNT, the array submitted as --array=0-<n-1>; or of --shards n, when one task
 * is submitted again on its own as --array=<i>); else a Kubernetes Indexed Job
 * (JOB_COMPLETION_INDEX, with --shards n); else the whole job list as shard 0 of 1.
 */
export function resolveShard(shard: ShardArg | null, shards: number | null, env: NodeJS.ProcessEnv): ShardArg & { from: string } {
  if (shard) {
    if (shards !== null && shards !== shard.count) throw new UsageError(`--shard ${shard.index}/${shard.count} and --shards ${shards} disagree.`);
    return { ...shard, from: '--shard' };
  }
  const task = env.SLURM_ARRAY_TASK_ID;
  if (task !== undefined && task !== '') {
    // --shards names the count when one task is submitted again on its own (--array=<i>).
    if (shards !== null) return { ...parseShard(`${task}/${shards}`, 'SLURM_ARRAY_TASK_ID/--shards'), from: 'Slurm' };
    const count = env.SLURM_ARRAY_TASK_COUNT;
    if (!count) throw new UsageError('SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: submit with --array=0-<n-1>.');
    const min = Number(env.SLURM_ARRAY_TASK_MIN ?? '0');
    if (min !== 0) throw new UsageError(`The Slurm array starts at ${min}; submit it as --array=0-<n-1> so task ids are shard indices.`);
    return { ...parseShard(`${task}/${count}`, 'SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT'), from: 'Slurm' };
  }
  const completion = env.JOB_COMPLETION_INDEX;
  if (completion !== undefined && completion !== '') {
    if (shards === null) throw new UsageError('JOB_COMPLETION_INDEX is set: pass --shards <n> (the Indexed Job\'s completions) as well.');
    return { ...parseShard(`${completion}/${shards}`, 'JOB_COMPLETION_INDEX/--shards'), from: 'JOB_COMPLETION_INDEX' };
  }
  if (shards !== null && shards !== 1) throw new UsageError(`--shards ${shards} needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or --shard i/${shards}.`);
  return { index: 0, count: 1, from: 'default' };
}

/** Shard i of n: a contiguous block of the job list, sizes differing by at most one. */
export function shardRange(total: number, { index, count }: ShardArg): { start: number; end: number } {
  return { start: Math.floor((index * total) / count), end: Math.floor(((index + 1) * total) / count) };
}

export function shardFileName({ index, count }: ShardArg): string {
  return `results-${index}-of-${count}.jsonl`;
}
