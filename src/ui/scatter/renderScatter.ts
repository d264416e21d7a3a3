import * as d3 from 'd3';
import { ARCHITECTURE_CLASSES } from '../../core/results/taxonomy';
import { PROTOCOL_LABELS } from '../../core/results/types';
import { chartTheme } from '../charts/theme';
import {
  axisTitles,
  comparabilityNotes,
  coordOf,
  LAYER_LABELS,
  LAYER_SHORT,
  protocolLinks,
  publishedLinks,
  shortProtocol,
  type Coord,
  type LayerId,
  type ScatterMode,
  type ScatterPoint,
} from './scatterData';
import { scatterTheme as theme } from './theme';

/**
 * The robustness-vs-alignment scatter (and its companion top-1 views) in one d3 render chain.
 * Calling it again with new points or options updates the same SVG; zoom and pan survive updates.
 * Coordinates are rounded so the SVG is deterministic for tests and exports.
 */

export interface ScatterOptions {
  /** Prefix for ids inside the SVG (clip path), unique per page. */
  id: string;
  width: number;
  height: number;
  mode: ScatterMode;
  colourBy: 'class' | 'top1';
  /** Log scale for a robustness x axis: the layers span 0.1 (minimal norms) to 25 (2023 tolerances). */
  logX: boolean;
  /** Draw the per-image points of the user layer. */
  showImages: boolean;
  /** With showImages: only this model's per-image points (a modelId); null: every model's. */
  imagesOf?: string | null;
  layers: Record<LayerId, boolean>;
  digits: number;
}

export const SCATTER_DEFAULTS: ScatterOptions = {
  id: 'scatter',
  width: 880,
  height: 560,
  mode: 'robustness-alignment',
  colourBy: 'class',
  logX: true,
  showImages: false,
  layers: { user: true, ref2025: true, ref2023: false, import: true },
  digits: 2,
};

export interface ScatterHandlers {
  onHover?: (point: ScatterPoint | null, at: { clientX: number; clientY: number }) => void;
  onSelect?: (point: ScatterPoint) => void;
}

interface Placed {
  p: ScatterPoint;
  c: Coord;
}

const LEGEND_WIDTH = 210;
const zooms = new WeakMap<SVGSVGElement, { zoom: d3.ZoomBehavior<SVGSVGElement, unknown>; place: (t: d3.ZoomTransform) => void }>();

export function normalizeScatterOptions(o: Partial<ScatterOptions>): ScatterOptions {
  const out = { ...SCATTER_DEFAULTS, ...o, layers: { ...SCATTER_DEFAULTS.layers, ...o.layers } };
  if (!(out.width > LEGEND_WIDTH + 120 && out.height > 160)) {
    throw new RangeError(`The scatter needs at least ${LEGEND_WIDTH + 121}×161 px; it was given ${out.width}×${out.height}.`);
  }
  return out;
}

/** Which points the chart shows for these options, in drawing order. */
export function visiblePoints(points: readonly ScatterPoint[], o: ScatterOptions): Placed[] {
  const rank = (l: LayerId) => theme.layerOrder.indexOf(l);
  return points
    .filter((p) => o.layers[p.layer] && (!p.imageId || (o.showImages && (!o.imagesOf || p.modelId === o.imagesOf))))
    .map((p) => ({ p, c: coordOf(p, o.mode) }))
    .filter((d): d is Placed => d.c !== null)
    .sort((a, b) => rank(a.p.layer) - rank(b.p.layer) || Number(!a.p.imageId) - Number(!b.p.imageId));
}

export function renderScatter(
  svgEl: SVGSVGElement,
  points: readonly ScatterPoint[],
  options: Partial<ScatterOptions> = {},
  handlers: ScatterHandlers = {},
): void {
  const o = normalizeScatterOptions(options);
  const shown = visiblePoints(points, o);
  const notes = comparabilityNotes(shown.map((d) => d.p));
  const titles = axisTitles(o.mode, shown.map((d) => d.p));
  const r = (v: number) => Number(v.toFixed(o.digits));
  const margin = { top: 16 + 16 * notes.length, right: LEGEND_WIDTH, bottom: 48, left: 72 };
  const w = o.width - margin.left - margin.right;
  const h = o.height - margin.top - margin.bottom;

  const svg = d3
    .select(svgEl)
    .attr('data-testid', 'scatter')
    .attr('xmlns', 'http://www.w3.org/2000/svg')
    .attr('width', o.width)
    .attr('height', o.height)
    .attr('viewBox', `0 0 ${o.width} ${o.height}`)
    .attr('role', 'img')
    .attr('aria-label', `${titles.y} against ${titles.x}`)
    .style('font', chartTheme.font)
    .style('background', chartTheme.background);

  const xs = shown.map((d) => d.c.x);
  const ys = shown.map((d) => d.c.y);
  const xIsRobustness = o.mode === 'robustness-alignment';
  const useLog = o.logX && xIsRobustness && xs.length > 0 && Math.min(...xs) > 0;
  const xScale = (useLog ? d3.scaleLog() : d3.scaleLinear())
    .domain(padDomain(xs, useLog, xIsRobustness ? [0.1, 3] : [40, 90]))
    .range([0, w]);
  if (!useLog) xScale.nice();
  const yScale = d3.scaleLinear().domain(padDomain(ys, false, [-0.2, 0.6])).range([h, 0]).nice();

  svg.selectAll('defs').data([null]).join('defs')
    .selectAll('clipPath').data([null]).join('clipPath').attr('id', `${o.id}-clip`)
    .selectAll('rect').data([null]).join('rect').attr('width', w).attr('height', h);

  svg.selectAll<SVGTextElement, string>('text.scatter-note')
    .data(notes)
    .join('text')
    .attr('class', 'scatter-note')
    .attr('data-testid', 'scatter-note')
    .attr('x', 8)
    .attr('y', (_, i) => 14 + 16 * i)
    .attr('fill', theme.note)
    .text((d) => d);

  const plot = svg.selectAll('g.plot').data([null]).join('g').attr('class', 'plot')
    .attr('transform', `translate(${margin.left},${margin.top})`);
  const xAxis = plot.selectAll<SVGGElement, null>('g.x-axis').data([null]).join('g').attr('class', 'x-axis')
    .attr('transform', `translate(0,${h})`);
  const yAxis = plot.selectAll<SVGGElement, null>('g.y-axis').data([null]).join('g').attr('class', 'y-axis');
  plot.selectAll('text.x-title').data([titles.x]).join('text').attr('class', 'x-title')
    .attr('x', w / 2).attr('y', h + 38).attr('text-anchor', 'middle').attr('fill', chartTheme.text).text((d) => d);
  const yTitle = plot.selectAll('text.y-title').data([null]).join('text').attr('class', 'y-title')
    .attr('transform', `translate(${-50},${h / 2}) rotate(-90)`).attr('text-anchor', 'middle').attr('fill', chartTheme.text);
  yTitle.selectAll('tspan').data([titles.y, titles.yNote]).join('tspan').attr('x', 0).attr('dy', (_, i) => (i ? '1.2em' : 0))
    .attr('class', (_, i) => (i ? 'y-note' : 'y-main')).style('font-size', (_, i) => (i ? '11px' : null))
    .attr('fill', (_, i) => (i ? chartTheme.mutedText : chartTheme.text)).text((d) => d);

  const body = plot.selectAll('g.body').data([null]).join('g').attr('class', 'body').attr('clip-path', `url(#${o.id}-clip)`);
  const zero = body.selectAll('line.zero').data(yScale.domain()[0] < 0 && yScale.domain()[1] > 0 ? [0] : []).join('line')
    .attr('class', 'zero').attr('stroke', chartTheme.grid).attr('x1', 0).attr('x2', w);
  const links = body.selectAll('g.links').data([null]).join('g').attr('class', 'links')
    .selectAll<SVGLineElement, ReturnType<typeof protocolLinks>[number]>('line.protocol-link')
    .data(o.mode === 'robustness-alignment' ? protocolLinks(shown.map((d) => d.p)) : [], (l) => l.model)
    .join('line').attr('class', 'protocol-link').attr('data-model', (l) => l.model)
    .attr('stroke', theme.protocolLink).attr('stroke-dasharray', '4 3').attr('stroke-width', 1.25);
  const toPublished = body.selectAll('g.published-links').data([null]).join('g').attr('class', 'published-links')
    .selectAll<SVGLineElement, ReturnType<typeof publishedLinks>[number]>('line.published-link')
    .data(o.mode === 'robustness-alignment' ? publishedLinks(shown.map((d) => d.p)) : [], (l) => `${l.from.key}>${l.to.key}`)
    .join('line').attr('class', 'published-link').attr('data-model', (l) => l.model).attr('data-protocol', (l) => l.from.protocol)
    .attr('stroke', theme.publishedLink).attr('stroke-width', 1.5);
  const withSe = shown.filter((d) => (d.p.layer === 'user' || d.p.layer === 'import') && !d.p.imageId);
  const bars = body.selectAll('g.se-bars').data([null]).join('g').attr('class', 'se-bars')
    .selectAll<SVGPathElement, Placed>('path.se-bar').data(withSe, (d) => d.p.key)
    .join('path').attr('class', 'se-bar').attr('data-model', (d) => d.p.model).attr('fill', 'none').attr('stroke', theme.errorBar).attr('stroke-width', 1);

  const colour = colourScale(o, shown);
  const symbol = (d: Placed) =>
    d3.symbol()
      .type(theme.layerSymbol[d.p.layer] === 'diamond' ? d3.symbolDiamond : theme.layerSymbol[d.p.layer] === 'square' ? d3.symbolSquare : d3.symbolCircle)
      .size(d.p.imageId ? theme.imagePointSize : theme.layerSize[d.p.layer])() ?? '';
  const marks = body.selectAll('g.points').data([null]).join('g').attr('class', 'points')
    .selectAll<SVGPathElement, Placed>('path.point').data(shown, (d) => d.p.key)
    .join('path')
    .attr('class', 'point')
    .attr('data-layer', (d) => d.p.layer)
    .attr('data-model', (d) => d.p.model)
    .attr('data-protocol', (d) => d.p.protocol)
    .attr('data-image', (d) => d.p.imageId ?? null)
    .attr('d', symbol)
    // The user's "as published" points are hollow: they reproduce inflated norms, not minimal ones.
    .attr('fill', (d) => (isHollow(d.p) ? chartTheme.background : colour(d)))
    .attr('fill-opacity', (d) => (d.p.imageId ? 0.5 : theme.layerOpacity[d.p.layer]))
    .attr('stroke', (d) => (isHollow(d.p) ? colour(d) : d.p.layer === 'user' && !d.p.imageId ? theme.userStroke : 'none'))
    .attr('stroke-width', (d) => (isHollow(d.p) ? 2.2 : 1.2))
    .attr('tabindex', (d) => (d.p.layer === 'user' && !d.p.imageId ? 0 : null))
    .attr('role', (d) => (d.p.layer === 'user' && !d.p.imageId ? 'button' : null))
    .style('cursor', (d) => (d.p.layer === 'user' ? 'pointer' : 'default'))
    .on('mouseenter', (e: MouseEvent, d) => handlers.onHover?.(d.p, e))
    .on('mouseleave', (e: MouseEvent) => handlers.onHover?.(null, e))
    .on('click', (_e, d) => handlers.onSelect?.(d.p))
    .on('keydown', (e: KeyboardEvent, d) => {
      if (e.key === 'Enter' || e.key === ' ') handlers.onSelect?.(d.p);
    });
  marks.selectAll('title').data((d) => [describePoint(d.p)]).join('title').text((t) => t);
  marks.attr('data-n', (d) => (d.p.n !== undefined && !d.p.imageId ? d.p.n : null));
  // Each of the user's model points says how many images it averages.
  const counts = body.selectAll('g.point-counts').data([null]).join('g').attr('class', 'point-counts')
    .selectAll<SVGTextElement, Placed>('text.point-n').data(shown.filter((d) => d.p.layer === 'user' && !d.p.imageId && d.p.n !== undefined), (d) => d.p.key)
    .join('text').attr('class', 'point-n').attr('data-model', (d) => d.p.model).attr('dx', 8).attr('dy', -6)
    .attr('fill', chartTheme.mutedText).style('font-size', '10px').text((d) => `n=${d.p.n}`);

  const place = (t: d3.ZoomTransform) => {
    const x = t.rescaleX(xScale);
    const y = t.rescaleY(yScale);
    const X = (v: number) => r(x(v));
    const Y = (v: number) => r(y(v));
    xAxis.call(d3.axisBottom(x).ticks(8, useLog ? '~g' : undefined)).call(styleAxis);
    yAxis.call(d3.axisLeft(y).ticks(8)).call(styleAxis);
    zero.attr('y1', (v) => Y(v)).attr('y2', (v) => Y(v));
    marks.attr('transform', (d) => `translate(${X(d.c.x)},${Y(d.c.y)})`);
    counts.attr('x', (d) => X(d.c.x)).attr('y', (d) => Y(d.c.y));
    toPublished.attr('x1', (l) => X(l.from.robustness ?? 0)).attr('y1', (l) => Y(l.from.alignment ?? 0))
      .attr('x2', (l) => X(l.to.robustness ?? 0)).attr('y2', (l) => Y(l.to.alignment ?? 0));
    links.attr('x1', (l) => X(l.from.robustness ?? 0)).attr('y1', (l) => Y(l.from.alignment ?? 0))
      .attr('x2', (l) => X(l.to.robustness ?? 0)).attr('y2', (l) => Y(l.to.alignment ?? 0));
    bars.attr('d', (d) => {
      const { x: cx, y: cy, xErr, yErr } = d.c;
      let path = '';
      if (xErr) path += `M${X(Math.max(cx - xErr, useLog ? cx / 10 : -Infinity))},${Y(cy)}H${X(cx + xErr)}`;
      if (yErr) path += `M${X(cx)},${Y(cy - yErr)}V${Y(cy + yErr)}`;
      return path || null;
    });
  };

  let state = zooms.get(svgEl);
  if (!state) {
    const zoom = d3.zoom<SVGSVGElement, unknown>().scaleExtent([0.5, 50]);
    state = { zoom, place };
    zooms.set(svgEl, state);
    d3.select(svgEl).call(zoom);
  }
  state.place = place;
  const current = state;
  state.zoom.extent([[0, 0], [o.width, o.height]]).on('zoom', (e: d3.D3ZoomEvent<SVGSVGElement, unknown>) => current.place(e.transform));
  place(d3.zoomTransform(svgEl));

  renderLegend(svg, o, shown, margin.top);
}

/** Back to the fitted view. */
export function resetScatterZoom(svgEl: SVGSVGElement): void {
  const state = zooms.get(svgEl);
  if (state) d3.select(svgEl).call(state.zoom.transform, d3.zoomIdentity);
}

const isHollow = (p: ScatterPoint) => p.layer === 'user' && !p.imageId && p.protocol === '2025-published';

function padDomain(values: number[], log: boolean, fallback: [number, number]): [number, number] {
  if (values.length === 0) return fallback;
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (log) return [lo / 1.3, hi * 1.3];
  if (lo === hi) [lo, hi] = [lo - Math.abs(lo || 1) * 0.1, hi + Math.abs(hi || 1) * 0.1];
  const pad = (hi - lo) * 0.06;
  return [lo - pad, hi + pad];
}

function colourScale(o: ScatterOptions, shown: Placed[]): (d: Placed) => string {
  if (o.colourBy === 'class') return (d) => theme.classColours[d.p.archClass];
  const top1 = shown.map((d) => d.p.top1).filter((v): v is number => v !== null);
  const scale = d3.scaleSequential(d3.interpolateViridis).domain(top1.length ? (d3.extent(top1) as [number, number]) : [0, 100]);
  return (d) => (d.p.top1 === null ? theme.missingColour : scale(d.p.top1));
}

function styleAxis(g: d3.Selection<SVGGElement, null, d3.BaseType, unknown>): void {
  g.selectAll('path,line').attr('stroke', chartTheme.axis);
  g.selectAll('text').attr('fill', chartTheme.mutedText);
}

const fmt = (v: number | null, se?: number | null) =>
  v === null ? 'n/a' : `${v.toFixed(3)}${se !== null && se !== undefined ? ` ± ${se.toFixed(3)}` : ''}`;

export function describePoint(p: ScatterPoint): string {
  return [
    `${p.model}${p.imageId ? ` · image ${p.imageId}` : ''} (${p.archClass}, ${p.family})`,
    `${LAYER_LABELS[p.layer]} · ${PROTOCOL_LABELS[p.protocol]}`,
    `robustness (L2) ${fmt(p.robustness, p.robustnessSe)}`,
    `alignment ${fmt(p.alignment, p.alignmentSe)}`,
    `ImageNet top-1 ${p.top1 === null ? 'unknown' : `${p.top1.toFixed(1)} %`}${p.n !== undefined ? ` · ${p.n} images` : ''}`,
  ].join('\n');
}

function renderLegend(
  svg: d3.Selection<SVGSVGElement, unknown, null, undefined>,
  o: ScatterOptions,
  shown: Placed[],
  top: number,
): void {
  const layers = theme.layerOrder.filter((l) => shown.some((d) => d.p.layer === l)).reverse();
  const items: { key: string; label: string; sub?: string[]; symbol: d3.SymbolType; fill: string; hollow?: boolean }[] = layers.map((l) => ({
    key: `layer-${l}`,
    label: LAYER_SHORT[l],
    sub: [...new Set(shown.filter((d) => d.p.layer === l).map((d) => shortProtocol(d.p.protocol)))],
    symbol: theme.layerSymbol[l] === 'diamond' ? d3.symbolDiamond : theme.layerSymbol[l] === 'square' ? d3.symbolSquare : d3.symbolCircle,
    fill: chartTheme.mutedText,
  }));
  if (shown.some((d) => isHollow(d.p))) {
    items.splice(1, 0, { key: 'hollow', label: 'hollow: yours, as published', symbol: d3.symbolCircle, fill: chartTheme.mutedText, hollow: true });
  }
  if (o.colourBy === 'class') {
    const classes = ARCHITECTURE_CLASSES.filter((c) => shown.some((d) => d.p.archClass === c));
    for (const c of classes) items.push({ key: `class-${c}`, label: c, symbol: d3.symbolCircle, fill: theme.classColours[c] });
  } else {
    const t = shown.map((d) => d.p.top1).filter((v): v is number => v !== null);
    if (t.length) {
      const [lo, hi] = d3.extent(t) as [number, number];
      items.push({ key: 'top1-lo', label: `top-1 ${lo.toFixed(1)} %`, symbol: d3.symbolCircle, fill: d3.interpolateViridis(0) });
      items.push({ key: 'top1-hi', label: `top-1 ${hi.toFixed(1)} %`, symbol: d3.symbolCircle, fill: d3.interpolateViridis(1) });
    }
    items.push({ key: 'top1-none', label: 'top-1 unknown', symbol: d3.symbolCircle, fill: theme.missingColour });
  }
  let y = 0;
  const rows = items.map((it) => {
    const row = { ...it, y };
    y += 18 + 13 * (it.sub?.length ?? 0);
    return row;
  });
  const legend = svg.selectAll('g.legend').data([null]).join('g').attr('class', 'legend')
    .attr('transform', `translate(${o.width - LEGEND_WIDTH + 16},${top + 4})`);
  const g = legend.selectAll<SVGGElement, (typeof rows)[number]>('g.legend-item').data(rows, (d) => d.key)
    .join('g').attr('class', 'legend-item').attr('transform', (d) => `translate(0,${d.y})`);
  g.selectAll('path').data((d) => [d]).join('path').attr('transform', 'translate(6,6)')
    .attr('d', (d) => d3.symbol().type(d.symbol).size(60)() ?? '')
    .attr('fill', (d) => (d.hollow ? chartTheme.background : d.fill))
    .attr('stroke', (d) => (d.hollow ? d.fill : 'none')).attr('stroke-width', 2);
  g.selectAll('text.label').data((d) => [d]).join('text').attr('class', 'label').attr('x', 18).attr('y', 10)
    .attr('fill', chartTheme.text).text((d) => d.label);
  g.selectAll('text.sub').data((d) => d.sub ?? []).join('text').attr('class', 'sub').attr('x', 18).attr('y', (_, i) => 23 + 13 * i)
    .attr('fill', chartTheme.mutedText).style('font-size', '11px').text((d) => d);
}
