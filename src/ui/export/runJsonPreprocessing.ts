import { INTERPOLATIONS, type Interpolation } from '../../core/image/resample';
import type { Preprocessing } from '../../core/models/preprocessing';

/** The run JSON's `preprocessing` field: how the picture became the model input. */
export interface RunJsonPreprocessing {
  inputSize: number;
  interpolation: Interpolation;
  cropPct: number;
  normalization: { name: string; scale: number; mean: number[]; std: number[] };
  source: string;
}

export function preprocessingJson(p: Preprocessing): RunJsonPreprocessing {
  const { scale, mean, std } = p.normalization;
  return {
    inputSize: p.inputSize,
    interpolation: p.interpolation,
    cropPct: p.cropPct,
    normalization: { name: p.normalizationName, scale, mean: [...mean], std: [...std] },
    source: p.source,
  };
}

/** The run's preprocessing read back; undefined for files without one. */
export function preprocessingFromJson(p: RunJsonPreprocessing | null | undefined): Preprocessing | undefined {
  if (!p) return undefined;
  const [m, s] = [p.normalization.mean, p.normalization.std];
  return {
    inputSize: p.inputSize,
    interpolation: p.interpolation,
    cropPct: p.cropPct,
    normalization: { scale: p.normalization.scale, mean: [m[0], m[1], m[2]], std: [s[0], s[1], s[2]] },
    normalizationName: p.normalization.name,
    source: p.source,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Optional: files written before preprocessing was recorded have none. */
export function checkPreprocessing(p: unknown, bad: (field: string, what: string) => never): void {
  if (p === undefined || p === null) return;
  const what = 'null or {inputSize, interpolation, cropPct, normalization {name, scale, mean, std}, source}';
  if (!isObject(p) || !Number.isInteger(p.inputSize) || !INTERPOLATIONS.includes(p.interpolation as Interpolation)) bad('preprocessing', what);
  if (!isNumber(p.cropPct) || p.cropPct <= 0 || typeof p.source !== 'string') bad('preprocessing', what);
  const n = p.normalization;
  const triple = (v: unknown) => Array.isArray(v) && v.length === 3 && v.every(isNumber);
  if (!isObject(n) || typeof n.name !== 'string' || !isNumber(n.scale) || !triple(n.mean) || !triple(n.std)) bad('preprocessing.normalization', what);
}

