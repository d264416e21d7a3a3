import { INTERPOLATIONS, type Interpolation } from '../image/resample';
import type { ModelInfo } from '../models/types';
import { DEFAULT_PREPROCESSING_SOURCE } from '../models/preprocessing';
import { lookupTop1, records, type Top1Table } from './referenceTables';

/** The eval data config timm's results tables list per model (columns crop_pct and interpolation). */
export interface TimmDataConfig {
  top1: number;
  /** The resolution of the evaluation (img_size); null where the table has no such column. */
  imgSize: number | null;
  cropPct: number;
  interpolation: Interpolation;
}

/** Rows by model name, in table order: a model evaluated at several resolutions has one row each. */
export type TimmDataConfigTable = Map<string, TimmDataConfig[]>;

/** Rows without a usable crop_pct or with a filter other than bilinear/bicubic are left out (none today). */
export function parseTimmDataConfigs(text: string, fileName: string): TimmDataConfigTable {
  const { header, rows } = records(text, fileName, ['model', 'top1', 'crop_pct', 'interpolation']);
  const [im, it, is, ic, ii] = ['model', 'top1', 'img_size', 'crop_pct', 'interpolation'].map((c) => header.indexOf(c));
  const out: TimmDataConfigTable = new Map();
  for (const r of rows) {
    const top1 = Number(r[it]);
    const imgSize = is >= 0 ? Number(r[is]) : NaN;
    const cropPct = Number(r[ic]);
    const interpolation = r[ii]?.trim() as Interpolation;
    if (!r[im] || !(cropPct > 0) || !INTERPOLATIONS.includes(interpolation)) continue;
    const row = { top1: Number.isFinite(top1) ? top1 : -Infinity, imgSize: imgSize > 0 ? imgSize : null, cropPct, interpolation };
    out.set(r[im], [...(out.get(r[im]) ?? []), row]);
  }
  return out;
}

/**
 * A timm name's data config, joined as its top-1 is (lookupTop1): the exact name, newest table
 * first, or for an untagged name the best model of that architecture. Of that model's rows, the one
 * evaluated at `inputSize` (timm lists some models at 224 with crop_pct 0.875 and at 288 with 1.0),
 * else its first (best) row.
 */
export function lookupTimmDataConfig(
  name: string,
  tables: readonly TimmDataConfigTable[],
  inputSize?: number,
): (TimmDataConfig & { matched: string }) | null {
  const top1Tables: Top1Table[] = tables.map((t) => new Map([...t].map(([model, rows]) => [model, rows[0].top1])));
  const match = lookupTop1(name, top1Tables);
  if (!match) return null;
  const rows = tables[match.table].get(match.matched)!;
  const config = rows.find((r) => r.imgSize === inputSize) ?? rows[0];
  return { ...config, matched: match.matched };
}

/** Whether a description names a timm model and leaves interpolation or cropPct open (so the table is worth reading). */
export function needsTimmDataConfig(info: ModelInfo): info is ModelInfo & { timmName: string } {
  return !!info.timmName && !(info.interpolation && info.cropPct !== undefined);
}

/**
 * Fills what a model's description leaves open (interpolation, cropPct) from timm's table when it
 * names a timm model; what a user or file stated stays. Without a timm name the description is
 * returned as it is; without a matching row the defaults apply and the source says so.
 */
export function withTimmDataConfig(info: ModelInfo, tables: readonly TimmDataConfigTable[]): ModelInfo {
  if (!needsTimmDataConfig(info)) return info;
  const row = lookupTimmDataConfig(info.timmName, tables, info.inputSize);
  if (!row) return { ...info, preprocessingSource: `${info.preprocessingSource ?? DEFAULT_PREPROCESSING_SOURCE}: timm's table has no row for "${info.timmName}"` };
  const stated = info.interpolation || info.cropPct !== undefined;
  return {
    ...info,
    interpolation: info.interpolation ?? row.interpolation,
    cropPct: info.cropPct ?? row.cropPct,
    preprocessingSource: `${stated ? `${info.preprocessingSource ?? 'stated'}; the rest from ` : ''}timm results table, row ${row.matched}${row.imgSize ? ` at ${row.imgSize} px` : ''}`,
  };
}
