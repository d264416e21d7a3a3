import { CsvSyntaxError, parseCsv } from './csv';
import { CsvImportError } from './publishedTable';

/** ImageNet top-1 (percent) by exact timm model name, from timm's results-imagenet.csv. */
export type Top1Table = Map<string, number>;

export function records(text: string, fileName: string, needed: string[]): { header: string[]; rows: string[][] } {
  let parsed;
  try {
    parsed = parseCsv(text, fileName);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new CsvImportError(e.message);
    throw e;
  }
  const [head = [], ...rows] = parsed.records;
  const header = head.map((h) => h.trim());
  const missing = needed.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new CsvImportError(`${fileName} lacks the column(s) ${missing.join(', ')}.`);
  return { header, rows };
}

export function parseTimmTable(text: string, fileName: string): Top1Table {
  const { header, rows } = records(text, fileName, ['model', 'top1']);
  const [im, it] = [header.indexOf('model'), header.indexOf('top1')];
  const out: Top1Table = new Map();
  for (const r of rows) {
    const top1 = Number(r[it]);
    if (r[im] && Number.isFinite(top1) && !out.has(r[im])) out.set(r[im], top1);
  }
  return out;
}

export interface Top1Match {
  top1: number;
  /** The table row that matched, which differs from the name for an untagged name. */
  matched: string;
  /** Index of the table (in the order given) that answered. */
  table: number;
}

/**
 * Joins a model name to its ImageNet top-1. Exact names first, newest table first; then, for a name
 * without a pretrained tag (`resnet50`), the table's best row of that architecture (`resnet50.a1_in1k`).
 * A tag starts with a letter: `resnet50_l2_eps0.01` is a full name whose dot belongs to a number.
 */
export function lookupTop1(name: string, tables: readonly Top1Table[]): Top1Match | null {
  for (let t = 0; t < tables.length; t++) {
    const v = tables[t].get(name);
    if (v !== undefined) return { top1: v, matched: name, table: t };
  }
  if (hasTag(name)) return null;
  for (let t = 0; t < tables.length; t++) {
    let best: Top1Match | null = null;
    for (const [model, top1] of tables[t]) {
      if (hasTag(model) && model.slice(0, model.indexOf('.')) === name && (!best || top1 > best.top1)) {
        best = { top1, matched: model, table: t };
      }
    }
    if (best) return best;
  }
  return null;
}

function hasTag(name: string): boolean {
  const dot = name.indexOf('.');
  return dot > 0 && /[a-z]/i.test(name[dot + 1] ?? '');
}

/** A point digitised from one of the 2023 paper's figures: top-1 against tolerance or alignment. */
export interface Digitized2023 {
  legendClass: string;
  top1: number;
  value: number;
  /** Overlapping dots the digitiser merged into this blob. */
  dots: number;
}

export function parseDigitized2023(text: string, fileName: string, kind: 'tolerance' | 'alignment'): Digitized2023[] {
  const valueCol = kind === 'tolerance' ? 'perturbation_tolerance_L2' : 'adversarial_alignment_spearman';
  const { header, rows } = records(text, fileName, ['legend_class', 'imagenet_top1_pct', valueCol]);
  const [ic, it, iv, id] = ['legend_class', 'imagenet_top1_pct', valueCol, 'dots_in_blob'].map((c) => header.indexOf(c));
  return rows
    .map((r) => ({
      legendClass: r[ic],
      top1: Number(r[it]),
      value: Number(r[iv]),
      dots: id >= 0 && Number(r[id]) > 0 ? Number(r[id]) : 1,
    }))
    .filter((p) => p.legendClass && Number.isFinite(p.top1) && Number.isFinite(p.value));
}

export interface Joined2023 {
  legendClass: string;
  /** Mean of the two figures' top-1 readings. */
  top1: number;
  tolerance: number;
  alignment: number;
}

/**
 * The two 2023 figures share only the top-1 axis, so a model's (tolerance, alignment) pair is
 * recovered by matching points of the same legend class whose top-1 readings differ by at most
 * `maxGap` points, closest pairs first, each point used once. Approximate by construction: the
 * digitiser missed overlapping dots, so some points stay unmatched.
 */
export function join2023(tolerance: readonly Digitized2023[], alignment: readonly Digitized2023[], maxGap = 0.3): Joined2023[] {
  const pairs: { i: number; j: number; gap: number }[] = [];
  tolerance.forEach((t, i) =>
    alignment.forEach((a, j) => {
      const gap = Math.abs(t.top1 - a.top1);
      if (t.legendClass === a.legendClass && gap <= maxGap) pairs.push({ i, j, gap });
    }),
  );
  pairs.sort((p, q) => p.gap - q.gap || p.i - q.i || p.j - q.j);
  const usedT = new Set<number>();
  const usedA = new Set<number>();
  const out: Joined2023[] = [];
  for (const { i, j } of pairs) {
    if (usedT.has(i) || usedA.has(j)) continue;
    usedT.add(i);
    usedA.add(j);
    const t = tolerance[i];
    const a = alignment[j];
    out.push({ legendClass: t.legendClass, top1: (t.top1 + a.top1) / 2, tolerance: t.value, alignment: a.value });
  }
  return out.sort((p, q) => p.legendClass.localeCompare(q.legendClass) || p.top1 - q.top1);
}
