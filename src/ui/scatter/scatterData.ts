import type { ModelSummary } from '../../core/results/aggregate';
import type { PublishedRow } from '../../core/results/publishedTable';
import type { Digitized2023, Joined2023 } from '../../core/results/referenceTables';
import { architectureClass, modelFamily, type ArchitectureClass } from '../../core/results/taxonomy';
import {
  alignmentConvention,
  HUMAN_CEILING,
  PROTOCOL_LABELS,
  protocolAlignment,
  type ProtocolId,
  type ResultRecord,
} from '../../core/results/types';

/** `data-layer` of a plotted point: the user's runs, the 2025 table, the 2023 figures, an imported CSV. */
export type LayerId = 'user' | 'ref2025' | 'ref2023' | 'import';

/** What the chart plots: the paper's main picture, or one metric against ImageNet top-1. */
export type ScatterMode = 'robustness-alignment' | 'top1-robustness' | 'top1-alignment';

export interface ScatterPoint {
  /** Unique and stable within a chart (used as the d3 join key). */
  key: string;
  layer: LayerId;
  /** `data-model`: the model's name (for 2023 points, which have none, "<class> <top-1>%"). */
  model: string;
  /** Catalogue id of a user model, so a click can open its runs. */
  modelId?: string;
  /** Set on per-image points of the user layer. */
  imageId?: string;
  family: string;
  archClass: ArchitectureClass;
  protocol: ProtocolId;
  robustness: number | null;
  robustnessSe: number | null;
  alignment: number | null;
  alignmentSe: number | null;
  top1: number | null;
  /** Images averaged (user and imported points). */
  n?: number;
  /**
   * The 2023 figures only share the top-1 axis: joined pairs serve the main view, each figure's own
   * points the companion views.
   */
  view?: 'main' | 'top1';
}

export type Top1Of = (name: string) => number | null;

/** One point per (model, protocol) with a mean; models where every image was excluded are left out. */
export function userPoints(summaries: readonly ModelSummary[], top1Of: Top1Of): ScatterPoint[] {
  return summaries
    .filter((s) => s.pt.mean !== null)
    .map((s) => ({
      key: `user|${s.protocol}|${s.modelId}`,
      layer: 'user',
      model: s.modelName,
      modelId: s.modelId,
      family: s.family,
      archClass: architectureClass(s.modelName),
      protocol: s.protocol,
      robustness: s.pt.mean,
      robustnessSe: s.pt.sem,
      alignment: s.aa.mean,
      alignmentSe: s.aa.sem,
      top1: top1Of(s.modelName) ?? top1Of(s.modelId),
      n: s.pt.n,
    }));
}

/** One point per counted image (correct and attacked successfully), for the per-image view. */
export function imagePoints(records: readonly ResultRecord[], top1Of: Top1Of): ScatterPoint[] {
  return records
    .filter((r) => r.cleanCorrect && r.success && r.l2 !== null)
    .map((r) => ({
      key: `image|${r.id}`,
      layer: 'user',
      model: r.modelName,
      modelId: r.modelId,
      imageId: r.imageId,
      family: r.family,
      archClass: architectureClass(r.modelName),
      protocol: r.protocol,
      robustness: r.l2,
      robustnessSe: null,
      alignment: protocolAlignment(r),
      alignmentSe: null,
      top1: top1Of(r.modelName) ?? top1Of(r.modelId),
    }));
}

/** A per-model table in the published format: the 2025 reference, or a CSV the user imported. */
export function tablePoints(
  rows: readonly PublishedRow[],
  layer: 'ref2025' | 'import',
  protocol: ProtocolId,
  top1Of: Top1Of,
): ScatterPoint[] {
  return rows.map((r) => ({
    key: `${layer}|${r.protocol ?? protocol}|${r.model}`,
    layer,
    model: r.model,
    family: modelFamily(r.model),
    archClass: architectureClass(r.model),
    protocol: r.protocol ?? protocol,
    robustness: r.pt,
    robustnessSe: r.pt_sem,
    alignment: r.aa,
    alignmentSe: r.aa_sem,
    top1: top1Of(r.model),
    n: r.n,
  }));
}

const asClass = (c: string): ArchitectureClass =>
  c === 'HarmonizedControl' ? 'Control' : (['CNN', 'Transformer', 'Hybrid', 'AdvRobust', 'Harmonized', 'Control'].includes(c) ? c : 'CNN') as ArchitectureClass;

/** The 2023 layer: joined pairs for the main view, each figure's own points for the top-1 views. */
export function ref2023Points(
  joined: readonly Joined2023[],
  tolerance: readonly Digitized2023[],
  alignment: readonly Digitized2023[],
): ScatterPoint[] {
  const base = (legendClass: string, top1: number) => ({
    layer: 'ref2023' as const,
    model: `${legendClass} ${top1.toFixed(1)}%`,
    family: legendClass,
    archClass: asClass(legendClass),
    protocol: '2023' as const,
    robustnessSe: null,
    alignmentSe: null,
    top1,
  });
  return [
    ...joined.map((j, i) => ({ ...base(j.legendClass, j.top1), key: `ref2023|j${i}`, robustness: j.tolerance, alignment: j.alignment, view: 'main' as const })),
    ...tolerance.map((t, i) => ({ ...base(t.legendClass, t.top1), key: `ref2023|t${i}`, robustness: t.value, alignment: null, view: 'top1' as const })),
    ...alignment.map((a, i) => ({ ...base(a.legendClass, a.top1), key: `ref2023|a${i}`, robustness: null, alignment: a.value, view: 'top1' as const })),
  ];
}

export interface Coord {
  x: number;
  y: number;
  xErr: number | null;
  yErr: number | null;
}

/** Where a point goes in a mode, or null when it lacks a coordinate the mode needs. */
export function coordOf(p: ScatterPoint, mode: ScatterMode): Coord | null {
  if (p.view === (mode === 'robustness-alignment' ? 'top1' : 'main')) return null;
  const [x, xErr, y, yErr] =
    mode === 'robustness-alignment'
      ? [p.robustness, p.robustnessSe, p.alignment, p.alignmentSe]
      : mode === 'top1-robustness'
        ? [p.top1, null, p.robustness, p.robustnessSe]
        : [p.top1, null, p.alignment, p.alignmentSe];
  if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y)) return null;
  return { x, y, xErr, yErr };
}

/** Legend names (short enough for the chart's legend column). */
export const LAYER_SHORT: Record<LayerId, string> = {
  user: 'Your runs',
  ref2025: '2025 table (351 models)',
  ref2023: '2023 figures (digitised)',
  import: 'Imported CSV',
};

export const LAYER_LABELS: Record<LayerId, string> = {
  user: 'Your runs',
  ref2025: '2025 follow-up, 351 models (as published)',
  ref2023: '2023 paper, digitised (qualitative)',
  import: 'Imported CSV',
};

/** The user's model measured under both 2025 protocols: the segment that shows the published inflation. */
export interface ProtocolLink {
  model: string;
  from: ScatterPoint;
  to: ScatterPoint;
}

export function protocolLinks(points: readonly ScatterPoint[]): ProtocolLink[] {
  const pub = new Map<string, ScatterPoint>();
  for (const p of points) if (p.layer === 'user' && !p.imageId && p.protocol === '2025-published') pub.set(p.modelId ?? p.model, p);
  return points
    .filter((p) => p.layer === 'user' && !p.imageId && p.protocol === '2025-corrected' && pub.has(p.modelId ?? p.model))
    .map((p) => ({ model: p.model, from: pub.get(p.modelId ?? p.model) as ScatterPoint, to: p }));
}

/**
 * A user model named with a timm name, joined to the published point (2025 table or an imported
 * CSV) of that name under the same protocol: how far the user's own measurement lands from it.
 */
export function publishedLinks(points: readonly ScatterPoint[]): ProtocolLink[] {
  const published = new Map<string, ScatterPoint>();
  for (const p of points) if ((p.layer === 'ref2025' || p.layer === 'import') && !published.has(`${p.protocol}|${p.model}`)) published.set(`${p.protocol}|${p.model}`, p);
  return points
    .filter((p) => p.layer === 'user' && !p.imageId && published.has(`${p.protocol}|${p.model}`))
    .map((p) => ({ model: p.model, from: p, to: published.get(`${p.protocol}|${p.model}`) as ScatterPoint }));
}

/**
 * Sentences for every pair of visible layers measured under different protocols, so a user never
 * reads a cross-protocol comparison as like-for-like.
 */
export function comparabilityNotes(points: readonly ScatterPoint[]): string[] {
  const byLayer = new Map<LayerId, Set<ProtocolId>>();
  for (const p of points) {
    const s = byLayer.get(p.layer) ?? new Set<ProtocolId>();
    s.add(p.protocol);
    byLayer.set(p.layer, s);
  }
  const user = byLayer.get('user');
  const notes: string[] = [];
  if (user) {
    for (const layer of ['ref2025', 'ref2023', 'import'] as const) {
      const ref = byLayer.get(layer);
      if (!ref) continue;
      const other = [...user].filter((p) => !ref.has(p));
      if (other.length > 0) {
        notes.push(
          `Not directly comparable: your runs (${other.map(shortProtocol).join(', ')}) ` +
            `and the layer "${LAYER_LABELS[layer].split(',')[0]}" (${[...ref].map(shortProtocol).join(', ')}) were measured under different protocols.`,
        );
      }
    }
    if (user.size > 1) notes.push('Your runs mix protocols; each point is labelled with its own.');
  }
  if (byLayer.has('ref2023')) {
    notes.push('The 2023 points are digitised from figures and their tolerances are not minimal norms: read them qualitatively.');
  }
  return notes;
}

export const shortProtocol = (p: ProtocolId): string => PROTOCOL_LABELS[p].split(' (')[0];

/** Short convention names for an axis: which map, and whether ρ is divided by the human ceiling. */
export function conventionShort(p: ProtocolId): string {
  const c = alignmentConvention(p);
  return `|${c.map} over channels of δ|${c.divideByCeiling ? `, ρ ÷ ${HUMAN_CEILING}` : ', raw ρ'}`;
}

/**
 * Axis titles that name the metric, its units and, for alignment, every convention on show
 * (`yNote`, a second line: the full Spearman formulas do not fit along an axis).
 */
export function axisTitles(mode: ScatterMode, points: readonly ScatterPoint[]): { x: string; y: string; yNote: string } {
  const protocols = [...new Set(points.map((p) => p.protocol))];
  const robustness = 'Robustness: mean ‖δ‖₂ of successful minimal adversarials ([0,1] pixels)';
  const conventions = [...new Set(protocols.map(conventionShort))];
  const alignment = 'Alignment: mean Spearman ρ(attack map, human map)';
  const top1 = 'ImageNet top-1 accuracy (%)';
  const tail = protocols.length ? ` — ${protocols.map(shortProtocol).join(', ')}` : '';
  const yNote = mode === 'top1-robustness' ? tail.slice(3) : `attack map ${conventions.join(' or ') || '|mean over channels of δ|'}`;
  if (mode === 'robustness-alignment') return { x: robustness + tail, y: alignment, yNote };
  return { x: top1, y: mode === 'top1-robustness' ? robustness : alignment, yNote };
}
