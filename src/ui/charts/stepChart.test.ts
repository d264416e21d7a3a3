// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { ChartOptionsError, STEP_CHART_DEFAULTS, normalizeStepChartOptions, renderStepChart } from './stepChart';

function svg(): SVGSVGElement {
  const el = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.appendChild(el);
  return el;
}

// A 200×100 chart with 0 margins except left/bottom keeps the arithmetic easy to check by hand.
const box = { width: 210, height: 110, margin: { top: 0, right: 0, bottom: 10, left: 10 } };

describe('step chart', () => {
  it('places points at hand-computed coordinates', () => {
    const el = svg();
    renderStepChart(el, {
      ...box,
      id: 'l2',
      steps: 5,
      yDomain: [0, 2],
      series: [{ id: 'l2', label: 'L2', color: '#000', values: [0, 0.5, 1, 2, 1.5], points: true }],
    });
    // x: step 0…4 → 0…200 (step 1 = 50); y: 0…2 → 100…0 (value 0.5 = 75).
    const pts = [...el.querySelectorAll('g.series[data-series="l2"] circle.point')].map((c) => [
      c.getAttribute('data-step'),
      c.getAttribute('cx'),
      c.getAttribute('cy'),
    ]);
    expect(pts).toEqual([
      ['0', '0', '100'],
      ['1', '50', '75'],
      ['2', '100', '50'],
      ['3', '150', '0'],
      ['4', '200', '25'],
    ]);
    expect(el.querySelector('path.line')!.getAttribute('d')).toBe('M0,100L50,75L100,50L150,0L200,25');
    expect(el.getAttribute('viewBox')).toBe('0 0 210 110');
    expect(el.querySelector('clipPath')!.id).toBe('l2-clip');
  });

  it('shades labelled bands (the ensemble\'s phases) at hand-computed spans', () => {
    const el = svg();
    const bands = [
      { id: 'phase-0', from: 0, to: 2, label: 'FMN' },
      { id: 'phase-1', from: 3, to: 4, label: 'DDN (ε₀ 1)' },
    ];
    renderStepChart(el, { ...box, id: 'banded', steps: 5, yDomain: [0, 1], bands, series: [{ id: 'l2', label: 'L2', color: '#000', values: [0, 1, 0, 1, 0] }] });
    // x: step 0…4 → 0…200, so steps 0–2 span 0…100 and steps 3–4 span 150…200.
    const got = [...el.querySelectorAll('g.band')].map((g) => [g.getAttribute('data-band'), g.querySelector('rect')!.getAttribute('x'), g.querySelector('rect')!.getAttribute('width'), g.querySelector('text')!.textContent]);
    expect(got).toEqual([
      ['phase-0', '0', '100', 'FMN'],
      ['phase-1', '150', '50', 'DDN (ε₀ 1)'],
    ]);
    renderStepChart(el, { ...box, id: 'banded', steps: 5, yDomain: [0, 1], series: [] });
    expect(el.querySelectorAll('g.band')).toHaveLength(0);
  });

  it('leaves gaps for undefined values and never draws them as 0', () => {
    const el = svg();
    renderStepChart(el, {
      ...box,
      id: 'align',
      steps: 4,
      yDomain: [-1, 1],
      series: [{ id: 'a', label: 'ρ', color: '#000', values: [null, 0.5, null, -0.5], points: true }],
    });
    expect([...el.querySelectorAll('circle.point')].map((c) => c.getAttribute('data-step'))).toEqual(['1', '3']);
    // Two separate one-point segments, no line through the undefined step 2.
    expect(el.querySelector('path.line')!.getAttribute('d')).toBe('M66.67,25ZM200,75Z');
  });

  it('rounds to the requested digits and updates in place', () => {
    const el = svg();
    const series = { id: 's', label: 's', color: '#000', values: [1 / 3], points: true };
    renderStepChart(el, { ...box, id: 'c', steps: 3, yDomain: [0, 1], series: [series] });
    expect(el.querySelector('circle.point')!.getAttribute('cy')).toBe('66.67');
    const first = el.querySelector('circle.point');
    renderStepChart(el, { ...box, id: 'c', steps: 3, yDomain: [0, 1], series: [{ ...series, values: [1 / 3, 1, 0] }] });
    // The existing dot is kept (keyed by step), two are added: no re-creation per step.
    expect(el.querySelector('circle.point')).toBe(first);
    expect(el.querySelectorAll('circle.point').length).toBe(3);
    expect(el.querySelectorAll('g.plot').length).toBe(1);
  });

  it('draws markers, the zero line and the cursor where asked', () => {
    const el = svg();
    renderStepChart(el, {
      ...box,
      id: 'm',
      steps: 5,
      yDomain: [-1, 1],
      zeroLine: true,
      cursorStep: 2,
      series: [{ id: 'margin', label: 'margin', color: '#000', values: [-1, -0.5, 0.2, 0.4, 0.1] }],
      markers: [
        { id: 'first-success', step: 2, label: 'first success', color: 'green' },
        { id: 'best', step: 4, label: 'best', color: 'red' },
      ],
    });
    const zero = el.querySelector('line.zero')!;
    expect([zero.getAttribute('y1'), zero.getAttribute('display')]).toEqual(['50', null]);
    expect([...el.querySelectorAll('g.marker')].map((m) => [m.getAttribute('data-marker'), m.querySelector('line')!.getAttribute('x1')])).toEqual([
      ['first-success', '100'],
      ['best', '200'],
    ]);
    // Near the right edge a label moves left of its line; labels stack one line apart.
    expect([...el.querySelectorAll('g.marker text')].map((t) => [t.getAttribute('x'), t.getAttribute('y'), t.getAttribute('text-anchor')])).toEqual([
      ['103', '10', 'start'],
      ['197', '22', 'end'],
    ]);
    expect(el.querySelector('line.cursor')!.getAttribute('x1')).toBe('100');
    expect(el.querySelector('text.empty')!.getAttribute('display')).toBe('none');
  });

  it('fits the y range to the data including 0 and shows the empty text without data', () => {
    const el = svg();
    renderStepChart(el, { ...box, id: 'e', steps: 10, series: [{ id: 's', label: 's', color: '#000', values: [null, null] }] });
    expect(el.querySelector('text.empty')!.getAttribute('display')).toBeNull();
    expect(el.querySelector('line.cursor')!.getAttribute('display')).toBe('none');
    renderStepChart(el, { ...box, id: 'e', steps: 2, series: [{ id: 's', label: 's', color: '#000', values: [0.3, 0.9] }] });
    const ticks = [...el.querySelectorAll('g.y-axis text.tick')].map((t) => t.textContent);
    expect(ticks[0]).toBe('0.0');
    expect(Number(ticks[ticks.length - 1])).toBeGreaterThanOrEqual(0.9);
  });

  it('fills defaults and rejects options no chart can draw', () => {
    expect(normalizeStepChartOptions({}).width).toBe(STEP_CHART_DEFAULTS.width);
    expect(normalizeStepChartOptions({ margin: { top: 1 } as never }).margin.left).toBe(STEP_CHART_DEFAULTS.margin.left);
    expect(() => normalizeStepChartOptions({ id: '1bad' })).toThrow(ChartOptionsError);
    expect(() => normalizeStepChartOptions({ width: 10 })).toThrow(/too small for its margins/);
    expect(() => normalizeStepChartOptions({ steps: 0 })).toThrow(/whole number of steps/);
    expect(() => normalizeStepChartOptions({ yDomain: [1, 1] })).toThrow(/empty y range/);
  });
});
