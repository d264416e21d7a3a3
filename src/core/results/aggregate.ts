import { isFailed, protocolAlignment, type ProtocolId, type ResultRecord } from './types';

/** Mean and standard error (sample standard deviation, ddof = 1, over √n, as scipy.stats.sem). */
export interface MeanSe {
  mean: number | null;
  /** null when fewer than two values: one image says nothing about spread. */
  sem: number | null;
  n: number;
}

export function meanSe(values: readonly number[]): MeanSe {
  const n = values.length;
  if (n === 0) return { mean: null, sem: null, n };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, sem: null, n };
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, sem: Math.sqrt(ss / (n - 1)) / Math.sqrt(n), n };
}

/** One model under one protocol: the point the scatter draws and the row a per-model CSV holds. */
export interface ModelSummary {
  modelId: string;
  modelName: string;
  family: string;
  protocol: ProtocolId;
  /** Mean L2 of successful minimal adversarials on correctly classified images. */
  pt: MeanSe;
  /** Mean alignment in the protocol's own convention, over the same images where ρ is defined. */
  aa: MeanSe;
  /** Every stored run of this model under this protocol. */
  total: number;
  /** Clean prediction wrong: excluded (METHOD.md §4). */
  misclassified: number;
  /** Correct but no adversarial found: excluded, never averaged in. */
  failed: number;
  /** Counted in pt but not in aa, because the attack map was constant. */
  undefinedAlignment: number;
  /** Counted in pt but not in aa, because the image had no human map. */
  noHumanMap: number;
  /** Jobs that could not run (model did not open, corrupt record): in total, in nothing else. */
  jobFailed: number;
}

/**
 * Groups records by (model, protocol) and averages over the images that were classified correctly
 * and attacked successfully. Order: by first appearance, so the output is deterministic.
 */
export function aggregateByModel(records: readonly ResultRecord[]): ModelSummary[] {
  const groups = new Map<string, ResultRecord[]>();
  for (const r of records) {
    const key = `${r.protocol}\u0000${r.modelId}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map(summarise);
}

function summarise(all: ResultRecord[]): ModelSummary {
  const first = all.find((r) => !isFailed(r)) ?? all[0];
  const rs = all.filter((r) => !isFailed(r));
  const correct = rs.filter((r) => r.cleanCorrect);
  const counted = correct.filter((r) => r.success && r.l2 !== null && Number.isFinite(r.l2));
  const aligned = counted.map(protocolAlignment).filter((a): a is number => a !== null);
  return {
    modelId: first.modelId,
    modelName: first.modelName,
    family: first.family,
    protocol: first.protocol,
    pt: meanSe(counted.map((r) => r.l2 as number)),
    aa: meanSe(aligned),
    total: all.length,
    misclassified: rs.length - correct.length,
    failed: correct.length - counted.length,
    undefinedAlignment: counted.filter((r) => r.humanMap !== false).length - aligned.length,
    noHumanMap: counted.filter((r) => r.humanMap === false).length,
    jobFailed: all.length - rs.length,
  };
}
