import * as d3 from 'd3';
import { chartSize, chartTheme } from './theme';

/**
 * A per-step line chart (‖δ‖₂, logit margin, alignment) drawn with one d3 render chain.
 * Rendering is idempotent: calling it again with more steps only adds what changed, so the
 * attack view can call it on every step. Output is deterministic (stable ids, rounded numbers)
 * so tests can assert on the SVG.
 */

export interface StepSeries {
  id: string;
  label: string;
  color: string;
  /** values[i] is the value at step i; null = undefined there (drawn as a gap, never as 0). */
  values: readonly (number | null)[];
  dashed?: boolean;
  /** Draw a dot per defined value (each carries data-step). */
  points?: boolean;
}

export interface StepMarker {
  id: string;
  step: number;
  label: string;
  color: string;
}

/** A shaded stretch of steps [from, to] with a label, e.g. one phase of the ensemble attack. */
export interface StepBand {
  id: string;
  from: number;
  to: number;
  label: string;
}

export interface StepChartOptions {
  /** Prefix for element ids inside the SVG (clip path), unique per page. */
  id: string;
  title: string;
  yLabel: string;
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  /** Planned number of steps: the x axis spans 0 … max(steps, data length) − 1. */
  steps: number;
  series: StepSeries[];
  markers: StepMarker[];
  /** Shaded behind the data, every other one darker so neighbours stay apart. */
  bands: StepBand[];
  /** Horizontal rule at y = 0 (the margin chart's decision boundary). */
  zeroLine: boolean;
  /** Vertical cursor at the step the timeline shows; null hides it. */
  cursorStep: number | null;
  /** Fixed y range; null = fitted to the data (always including 0). */
  yDomain: [number, number] | null;
  /** Decimal digits kept in coordinates. */
  digits: number;
  /** Text shown when no series has a defined value. */
  emptyText: string;
}

export const STEP_CHART_DEFAULTS: StepChartOptions = {
  id: 'chart',
  title: '',
  yLabel: '',
  width: chartSize.width,
  height: chartSize.height,
  margin: { ...chartSize.margin },
  steps: 1,
  series: [],
  markers: [],
  bands: [],
  zeroLine: false,
  cursorStep: null,
  yDomain: null,
  digits: 2,
  emptyText: 'no data yet',
};

export class ChartOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartOptionsError';
  }
}

/** Fills defaults and checks the options; throws ChartOptionsError on values no chart can draw. */
export function normalizeStepChartOptions(options: Partial<StepChartOptions>): StepChartOptions {
  const o: StepChartOptions = {
    ...STEP_CHART_DEFAULTS,
    ...options,
    margin: { ...STEP_CHART_DEFAULTS.margin, ...options.margin },
  };
  if (!/^[A-Za-z][\w-]*$/.test(o.id)) {
    throw new ChartOptionsError(`The chart id "${o.id}" must start with a letter and hold only letters, digits, "-" and "_".`);
  }
  const innerW = o.width - o.margin.left - o.margin.right;
  const innerH = o.height - o.margin.top - o.margin.bottom;
  if (!(innerW > 0 && innerH > 0)) {
    throw new ChartOptionsError(`The chart "${o.id}" is ${o.width}×${o.height} px, too small for its margins.`);
  }
  if (!Number.isInteger(o.steps) || o.steps < 1) {
    throw new ChartOptionsError(`The chart "${o.id}" needs a whole number of steps ≥ 1, not ${o.steps}.`);
  }
  if (o.yDomain && !(o.yDomain[0] < o.yDomain[1])) {
    throw new ChartOptionsError(`The chart "${o.id}" has an empty y range [${o.yDomain.join(', ')}].`);
  }
  return o;
}

interface Point {
  step: number;
  value: number;
}

function definedPoints(values: readonly (number | null)[]): Point[] {
  const out: Point[] = [];
  values.forEach((v, step) => {
    if (v !== null && Number.isFinite(v)) out.push({ step, value: v });
  });
  return out;
}

function roundTo(digits: number): (v: number) => number {
  const k = 10 ** digits;
  // +0 turns -0 into 0 so the SVG text never shows "-0".
  return (v) => Math.round(v * k) / k + 0;
}

function fittedDomain(o: StepChartOptions): [number, number] {
  if (o.yDomain) return o.yDomain;
  let lo = 0;
  let hi = 0;
  for (const s of o.series) {
    for (const v of s.values) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === hi) hi = lo + 1;
  const pad = (hi - lo) * 0.05;
  return [lo < 0 ? lo - pad : 0, hi > 0 ? hi + pad : 0];
}

/** Draws (or updates) the chart inside `svgElement`. */
export function renderStepChart(svgElement: SVGSVGElement, options: Partial<StepChartOptions>): StepChartOptions {
  const o = normalizeStepChartOptions(options);
  const r = roundTo(o.digits);
  const { top, right, bottom, left } = o.margin;
  const innerW = o.width - left - right;
  const innerH = o.height - top - bottom;
  const dataLength = Math.max(0, ...o.series.map((s) => s.values.length));
  const lastStep = Math.max(o.steps, dataLength) - 1;
  const x = d3.scaleLinear().domain([0, Math.max(1, lastStep)]).range([0, innerW]);
  const y = d3.scaleLinear().domain(fittedDomain(o)).range([innerH, 0]).nice(4);
  const sx = (v: number) => r(x(v));
  const sy = (v: number) => r(y(v));

  const svg = d3
    .select(svgElement)
    .attr('viewBox', `0 0 ${o.width} ${o.height}`)
    .attr('role', 'img')
    .attr('aria-label', o.title)
    .style('font', chartTheme.font);

  // The one-of-a-kind child (group, axis, rule) of `parent`, created on the first render.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const once = (parent: d3.Selection<any, any, any, any>, tag: string, cls: string) =>
    parent
      .selectAll<SVGElement, null>(`:scope > ${tag}.${cls}`)
      .data([null])
      .join(tag)
      .attr('class', cls);

  const clipId = `${o.id}-clip`;
  once(once(svg, 'defs', 'defs'), 'clipPath', 'clip')
    .attr('id', clipId)
    .selectAll('rect')
    .data([null])
    .join('rect')
    .attr('x', 0)
    .attr('y', -2)
    .attr('width', innerW)
    .attr('height', innerH + 4);

  once(svg, 'text', 'title')
    .attr('x', left)
    .attr('y', 15)
    .attr('fill', chartTheme.text)
    .attr('font-size', chartTheme.titleSize)
    .attr('font-weight', 600)
    .text(o.title);

  const plot = once(svg, 'g', 'plot').attr('transform', `translate(${left},${top})`);

  const bands = once(plot, 'g', 'bands')
    .selectAll<SVGGElement, StepBand>('g.band')
    .data(o.bands, (b) => b.id)
    .join('g')
    .attr('class', 'band')
    .attr('data-band', (b) => b.id)
    .attr('data-from', (b) => b.from)
    .attr('data-to', (b) => b.to);
  bands
    .selectAll<SVGRectElement, StepBand>('rect')
    .data((b) => [b])
    .join('rect')
    .attr('x', (b) => sx(b.from))
    .attr('width', (b) => Math.max(0, sx(b.to) - sx(b.from)))
    .attr('y', 0)
    .attr('height', innerH)
    .attr('fill', chartTheme.grid)
    .attr('fill-opacity', (b) => (o.bands.indexOf(b) % 2 ? 0.8 : 0.4));
  bands
    .selectAll<SVGTextElement, StepBand>('text')
    .data((b) => [b])
    .join('text')
    .attr('x', (b) => sx(b.from) + 3)
    .attr('y', innerH - 4)
    .attr('fill', chartTheme.mutedText)
    .attr('font-size', 10)
    .text((b) => b.label);

  const yTicks = y.ticks(4);
  const yFormat = y.tickFormat(4);
  once(plot, 'g', 'grid')
    .selectAll('line')
    .data(yTicks)
    .join('line')
    .attr('x1', 0)
    .attr('x2', innerW)
    .attr('y1', sy)
    .attr('y2', sy)
    .attr('stroke', chartTheme.grid);

  const yAxis = once(plot, 'g', 'y-axis');
  yAxis
    .selectAll('text.tick')
    .data(yTicks)
    .join('text')
    .attr('class', 'tick')
    .attr('x', -6)
    .attr('y', sy)
    .attr('dy', '0.32em')
    .attr('text-anchor', 'end')
    .attr('fill', chartTheme.mutedText)
    .text(yFormat);
  once(yAxis, 'text', 'label')
    .attr('transform', `translate(${-left + 10},${r(innerH / 2)}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .attr('fill', chartTheme.mutedText)
    .text(o.yLabel);

  const xTicks = x.ticks(Math.min(5, Math.max(1, lastStep))).filter(Number.isInteger);
  const xAxis = once(plot, 'g', 'x-axis').attr('transform', `translate(0,${innerH})`);
  once(xAxis, 'line', 'domain').attr('x1', 0).attr('x2', innerW).attr('stroke', chartTheme.axis);
  xAxis
    .selectAll('text.tick')
    .data(xTicks)
    .join('text')
    .attr('class', 'tick')
    .attr('x', sx)
    .attr('y', 16)
    .attr('text-anchor', 'middle')
    .attr('fill', chartTheme.mutedText)
    .text(String);
  once(xAxis, 'text', 'label')
    .attr('x', innerW)
    .attr('y', 28)
    .attr('text-anchor', 'end')
    .attr('fill', chartTheme.mutedText)
    .text('step');

  once(plot, 'line', 'zero')
    .attr('display', o.zeroLine ? null : 'none')
    .attr('x1', 0)
    .attr('x2', innerW)
    .attr('y1', sy(0))
    .attr('y2', sy(0))
    .attr('stroke', chartTheme.zero)
    .attr('stroke-dasharray', '4 3');

  const data = once(plot, 'g', 'data').attr('clip-path', `url(#${clipId})`);
  const line = d3
    .line<Point>()
    .x((p) => x(p.step))
    .y((p) => y(p.value))
    .defined((p) => p !== null)
    .digits(o.digits);
  const seriesGroups = data
    .selectAll<SVGGElement, StepSeries>('g.series')
    .data(o.series, (s) => s.id)
    .join('g')
    .attr('class', 'series')
    .attr('data-series', (s) => s.id);
  seriesGroups
    .selectAll<SVGPathElement, StepSeries>('path.line')
    .data((s) => [s])
    .join('path')
    .attr('class', 'line')
    .attr('fill', 'none')
    .attr('stroke', (s) => s.color)
    .attr('stroke-width', chartTheme.lineWidth)
    .attr('stroke-dasharray', (s) => (s.dashed ? '5 3' : null))
    // Gaps where a value is undefined: one path segment per run of defined values.
    .attr('d', (s) => line(s.values.map((v, step) => (v === null || !Number.isFinite(v) ? null : { step, value: v })) as Point[]) ?? '');
  seriesGroups
    .selectAll<SVGCircleElement, Point>('circle.point')
    .data((s) => (s.points ? definedPoints(s.values) : []), (p) => String(p.step))
    .join('circle')
    .attr('class', 'point')
    .attr('data-step', (p) => p.step)
    .attr('cx', (p) => sx(p.step))
    .attr('cy', (p) => sy(p.value))
    .attr('r', chartTheme.pointRadius)
    .attr('fill', function () {
      return (d3.select(this.parentNode as SVGGElement).datum() as StepSeries).color;
    });

  const markers = plot
    .selectAll<SVGGElement, StepMarker>('g.marker')
    .data(o.markers, (m) => m.id)
    .join('g')
    .attr('class', 'marker')
    .attr('data-marker', (m) => m.id)
    .attr('data-step', (m) => m.step);
  markers
    .selectAll<SVGLineElement, StepMarker>('line')
    .data((m) => [m])
    .join('line')
    .attr('x1', (m) => sx(m.step))
    .attr('x2', (m) => sx(m.step))
    .attr('y1', 0)
    .attr('y2', innerH)
    .attr('stroke', (m) => m.color)
    .attr('stroke-dasharray', '2 2');
  // Labels sit right of their line, or left of it near the right edge so they stay inside.
  const nearRight = (m: StepMarker) => x(m.step) > innerW * 0.7;
  markers
    .selectAll<SVGTextElement, StepMarker>('text')
    .data((m) => [m])
    .join('text')
    .attr('x', (m) => (nearRight(m) ? sx(m.step) - 3 : sx(m.step) + 3))
    .attr('text-anchor', (m) => (nearRight(m) ? 'end' : 'start'))
    .attr('y', (m) => 10 + o.markers.indexOf(m) * 12)
    .attr('fill', (m) => m.color)
    .attr('font-size', 11)
    .text((m) => m.label);

  once(plot, 'line', 'cursor')
    .attr('display', o.cursorStep === null ? 'none' : null)
    .attr('x1', sx(o.cursorStep ?? 0))
    .attr('x2', sx(o.cursorStep ?? 0))
    .attr('y1', 0)
    .attr('y2', innerH)
    .attr('stroke', chartTheme.cursor)
    .attr('stroke-width', 1);

  const anyValue = o.series.some((s) => s.values.some((v) => v !== null && Number.isFinite(v)));
  once(plot, 'text', 'empty')
    .attr('display', anyValue ? 'none' : null)
    .attr('x', r(innerW / 2))
    .attr('y', r(innerH / 2))
    .attr('text-anchor', 'middle')
    .attr('fill', chartTheme.mutedText)
    .text(o.emptyText);

  return o;
}
