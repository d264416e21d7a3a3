import * as d3 from 'd3';
import { chartTheme } from './theme';

/**
 * Top-5 probability bars as SVG, so the current step's predictions update through a store
 * subscription without React. Defaults, an options normaliser, one render chain.
 */

export interface BarEntry {
  classIndex: number;
  label: string;
  prob: number;
}

export interface PredictionBarsOptions {
  title: string;
  entries: BarEntry[];
  /** Class attacked (true or clean label): its bar is marked. */
  labelClass: number | null;
  /** Target class, if the attack has one. */
  targetClass: number | null;
  width: number;
  rowHeight: number;
  labelWidth: number;
  valueWidth: number;
  digits: number;
}

export const PREDICTION_BARS_DEFAULTS: PredictionBarsOptions = {
  title: '',
  entries: [],
  labelClass: null,
  targetClass: null,
  width: 320,
  rowHeight: 22,
  labelWidth: 130,
  valueWidth: 46,
  digits: 2,
};

export function normalizePredictionBarsOptions(options: Partial<PredictionBarsOptions>): PredictionBarsOptions {
  const o = { ...PREDICTION_BARS_DEFAULTS, ...options };
  return {
    ...o,
    // At most five rows, probabilities clamped to [0,1]: a bad value never draws outside the chart.
    entries: o.entries.slice(0, 5).map((e) => ({ ...e, prob: Number.isFinite(e.prob) ? Math.min(1, Math.max(0, e.prob)) : 0 })),
  };
}

export function renderPredictionBars(svgElement: SVGSVGElement, options: Partial<PredictionBarsOptions>): PredictionBarsOptions {
  const o = normalizePredictionBarsOptions(options);
  const k = 10 ** o.digits;
  const r = (v: number) => Math.round(v * k) / k;
  const top = 20;
  const height = top + 5 * o.rowHeight;
  const trackW = o.width - o.labelWidth - o.valueWidth - 8;
  const svg = d3
    .select(svgElement)
    .attr('viewBox', `0 0 ${o.width} ${height}`)
    .attr('role', 'img')
    .attr('aria-label', `${o.title}: ${o.entries.map((e) => `${e.label} ${(e.prob * 100).toFixed(1)}%`).join(', ')}`)
    .style('font', chartTheme.font);
  svg
    .selectAll('text.title')
    .data([o.title])
    .join('text')
    .attr('class', 'title')
    .attr('x', 0)
    .attr('y', 13)
    .attr('font-weight', 600)
    .attr('fill', chartTheme.text)
    .text((t) => t);

  const rows = svg
    .selectAll<SVGGElement, BarEntry>('g.row')
    .data(o.entries, (e) => String(e.classIndex))
    .join((enter) => {
      const g = enter.append('g').attr('class', 'row');
      g.append('text').attr('class', 'label').attr('dy', '0.32em').attr('fill', chartTheme.text);
      g.append('rect').attr('class', 'track').attr('rx', 4).attr('fill', '#eef0f5');
      g.append('rect').attr('class', 'bar').attr('rx', 4);
      g.append('text').attr('class', 'value').attr('dy', '0.32em').attr('text-anchor', 'end').attr('fill', chartTheme.mutedText);
      return g;
    })
    .attr('data-class', (e) => e.classIndex)
    .attr('data-mark', (e) => (e.classIndex === o.labelClass ? 'label' : e.classIndex === o.targetClass ? 'target' : null))
    .attr('transform', (_e, i) => `translate(0,${top + i * o.rowHeight + o.rowHeight / 2})`);
  const mark = (e: BarEntry) => (e.classIndex === o.labelClass ? ' ✓' : e.classIndex === o.targetClass ? ' ◎' : '');
  rows
    .select('text.label')
    .attr('x', 0)
    .attr('font-weight', (e) => (e.classIndex === o.labelClass ? 700 : 400))
    .text((e) => {
      const max = Math.floor(o.labelWidth / 7) - 2;
      const name = e.label.length > max ? `${e.label.slice(0, max - 1)}…` : e.label;
      return name + mark(e);
    });
  rows
    .select('rect.track')
    .attr('x', o.labelWidth)
    .attr('y', -6)
    .attr('width', trackW)
    .attr('height', 12);
  rows
    .select('rect.bar')
    .attr('x', o.labelWidth)
    .attr('y', -6)
    .attr('width', (e) => r(e.prob * trackW))
    .attr('height', 12)
    .attr('fill', (e) => (e.classIndex === o.labelClass ? chartTheme.firstSuccess : e.classIndex === o.targetClass ? chartTheme.eps : chartTheme.l2));
  rows
    .select('text.value')
    .attr('x', o.width)
    .text((e) => e.prob.toFixed(3));
  return o;
}
