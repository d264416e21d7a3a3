// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../core/results/aggregate';
import type { PublishedRow } from '../../core/results/publishedTable';
import { renderScatter } from './renderScatter';
import { ref2023Points, tablePoints, userPoints, type ScatterPoint } from './scatterData';

const se = (mean: number, sem: number | null, n: number) => ({ mean, sem, n });
function summary(modelId: string, protocol: ModelSummary['protocol'], pt: number, aa: number): ModelSummary {
  return {
    modelId, modelName: modelId, family: 'mobilenet', protocol, pt: se(pt, 0.02, 2), aa: se(aa, 0.05, 2),
    total: 2, misclassified: 0, failed: 0, undefinedAlignment: 0, noHumanMap: 0, jobFailed: 0,
  };
}
const top1: Record<string, number> = { mobilenet_v1_0_25: 49.8, mobilenet_v1_0_75: 68.4, 'resnet50.a1_in1k': 81.2 };
const top1Of = (n: string) => top1[n] ?? null;

const ref: PublishedRow[] = [
  { model: 'resnet50.a1_in1k', pt: 1.5, aa: 0.2, pt_sem: 0.05, aa_sem: 0.01 },
  { model: 'vit_base_patch16_224.augreg_in1k', pt: 2.5, aa: -0.05, pt_sem: 0.05, aa_sem: 0.01 },
  { model: 'resnet50_l2_eps3', pt: 6, aa: 0.4, pt_sem: 0.1, aa_sem: 0.01 },
];

function svgEl(): SVGSVGElement {
  const el = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  document.body.append(el);
  return el;
}

function points(): ScatterPoint[] {
  return [
    ...userPoints([summary('mobilenet_v1_0_25', 'interactive', 0.2, 0.3), summary('mobilenet_v1_0_75', 'interactive', 0.25, 0.35)], top1Of),
    ...tablePoints(ref, 'ref2025', '2025-published', top1Of),
    ...ref2023Points(
      [{ legendClass: 'CNN', top1: 76, tolerance: 12, alignment: 0.2 }],
      [{ legendClass: 'CNN', top1: 76, value: 12, dots: 1 }, { legendClass: 'Hybrid', top1: 80, value: 9, dots: 1 }],
      [{ legendClass: 'CNN', top1: 76.1, value: 0.2, dots: 1 }],
    ),
  ];
}

const count = (el: Element, sel: string) => el.querySelectorAll(sel).length;

describe('renderScatter', () => {
  it('draws one point per model per visible layer with data-layer and data-model', () => {
    const el = svgEl();
    renderScatter(el, points(), { layers: { user: true, ref2025: true, ref2023: true, import: true } });
    expect(el.getAttribute('data-testid')).toBe('scatter');
    expect(count(el, '[data-layer="user"]')).toBe(2);
    expect(count(el, '[data-layer="ref2025"]')).toBe(3);
    // main view: only the joined 2023 pair, not the single-figure points
    expect(count(el, '[data-layer="ref2023"]')).toBe(1);
    expect([...el.querySelectorAll('[data-layer="user"]')].map((n) => n.getAttribute('data-model'))).toEqual([
      'mobilenet_v1_0_25', 'mobilenet_v1_0_75',
    ]);
    // user points are drawn last (on top) and carry SE bars; reference points do not
    expect(el.querySelector('path.point:last-of-type')?.getAttribute('data-layer')).toBe('user');
    expect(count(el, 'path.se-bar')).toBe(2);
  });

  it('says when layers under different protocols are shown together, and names conventions on the axes', () => {
    const el = svgEl();
    renderScatter(el, points(), { layers: { user: true, ref2025: true, ref2023: false, import: true } });
    const notes = [...el.querySelectorAll('[data-testid="scatter-note"]')].map((n) => n.textContent);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toBe(
      'Not directly comparable: your runs (Interactive) and the layer "2025 follow-up" (2025 follow-up as published) were measured under different protocols.',
    );
    expect(el.querySelector('.y-title .y-main')?.textContent).toBe('Alignment: mean Spearman ρ(attack map, human map)');
    const y = el.querySelector('.y-title .y-note')?.textContent;
    expect(y).toContain('|mean over channels of δ|, raw ρ');
    expect(y).toContain('|max over channels of δ|, ρ ÷ 0.65753');
    renderScatter(el, points(), { layers: { user: true, ref2025: false, ref2023: false, import: true } });
    expect(count(el, '[data-testid="scatter-note"]')).toBe(0);
    expect(count(el, '[data-layer="ref2025"]')).toBe(0);
  });

  it('places points on the scales: a linear x axis puts equal values at equal positions', () => {
    const el = svgEl();
    const pts = userPoints([summary('a', 'interactive', 1, 0), summary('b', 'interactive', 3, 1), summary('c', 'interactive', 2, 0.5)], () => null);
    renderScatter(el, pts, { logX: false });
    const xy = [...el.querySelectorAll('[data-layer="user"]')].map((n) =>
      (n.getAttribute('transform') ?? '').match(/translate\(([-\d.]+),([-\d.]+)\)/)!.slice(1).map(Number),
    );
    // c lies halfway between a and b on both axes
    expect(xy[2][0]).toBeCloseTo((xy[0][0] + xy[1][0]) / 2, 1);
    expect(xy[2][1]).toBeCloseTo((xy[0][1] + xy[1][1]) / 2, 1);
    expect(xy[1][1]).toBeLessThan(xy[0][1]);
  });

  it('joins a model measured as published and corrected with a line', () => {
    const el = svgEl();
    const pts = userPoints([summary('m', '2025-published', 1.4, 0.2), summary('m', '2025-corrected', 0.3, 0.25)], () => null);
    renderScatter(el, pts);
    const link = el.querySelectorAll('line.protocol-link');
    expect(link).toHaveLength(1);
    expect(link[0].getAttribute('data-model')).toBe('m');
    expect(Number(link[0].getAttribute('x1'))).toBeGreaterThan(Number(link[0].getAttribute('x2')));
    // the as-published point is hollow, in its class colour; the corrected one filled
    const published = el.querySelector('[data-protocol="2025-published"]')!;
    expect([published.getAttribute('fill'), published.getAttribute('stroke')]).toEqual(['#ffffff', '#0072b2']);
    expect(el.querySelector('[data-protocol="2025-corrected"]')!.getAttribute('fill')).toBe('#0072b2');
    expect([...el.querySelectorAll('.legend-item .label')].map((t) => t.textContent)).toContain('hollow: yours, as published');
  });

  it('companion views plot each 2023 figure against top-1 and skip points without a top-1', () => {
    const el = svgEl();
    renderScatter(el, points(), { mode: 'top1-robustness', layers: { user: true, ref2025: true, ref2023: true, import: true } });
    expect(count(el, '[data-layer="ref2023"]')).toBe(2);
    expect(count(el, '[data-layer="ref2025"]')).toBe(1);
    expect(count(el, '[data-layer="user"]')).toBe(2);
    expect(el.querySelector('.x-title')?.textContent).toBe('ImageNet top-1 accuracy (%)');
    renderScatter(el, points(), { mode: 'top1-alignment', layers: { user: false, ref2025: false, ref2023: true, import: true } });
    expect(count(el, '[data-layer="ref2023"]')).toBe(1);
  });

  it('colours by top-1 with a grey for unknown accuracy, and is deterministic', () => {
    const a = svgEl();
    const b = svgEl();
    renderScatter(a, points(), { colourBy: 'top1' });
    renderScatter(b, points(), { colourBy: 'top1' });
    expect(a.outerHTML).toBe(b.outerHTML);
    const vit = a.querySelector('[data-model="vit_base_patch16_224.augreg_in1k"]');
    expect(vit?.getAttribute('fill')).toBe('#9aa5b1');
    expect(a.querySelector('[data-model="resnet50.a1_in1k"] title')?.textContent).toMatch(/top-1 81\.2 %/);
  });

  it('refuses a size no chart fits in', () => {
    expect(() => renderScatter(svgEl(), [], { width: 100 })).toThrow(/needs at least/);
  });
});

describe('user models against the published table', () => {
  it('draws SE bars and n for user models, a line to the published point of the same timm name and protocol, and per-image points of one model', () => {
    const el = svgEl();
    const mine = { ...summary('resnet50.a1_in1k', '2025-published', 1.2, 0.25), modelId: 'file:resnet50.onnx', pt: se(1.2, 0.1, 3), aa: se(0.25, 0.02, 3) };
    const other = { ...summary('vit_base_patch16_224.augreg_in1k', 'interactive', 0.9, 0.1), modelId: 'https://h/vit.onnx#timm=vit' };
    const image = (modelId: string, i: number): ScatterPoint => ({
      key: `image|${modelId}|${i}`, layer: 'user', model: modelId, modelId, imageId: `shard:s#${i}`, family: 'f', archClass: 'CNN',
      protocol: 'interactive', robustness: 1 + i, robustnessSe: null, alignment: 0.1, alignmentSe: null, top1: null,
    });
    const pts = [
      ...userPoints([mine, other], top1Of),
      ...tablePoints(ref, 'ref2025', '2025-published', top1Of),
      image('file:resnet50.onnx', 0), image('file:resnet50.onnx', 1), image('https://h/vit.onnx#timm=vit', 0),
    ];
    renderScatter(el, pts, { showImages: true, imagesOf: 'file:resnet50.onnx' });
    expect([...el.querySelectorAll('path.se-bar')].map((b) => b.getAttribute('data-model')).sort()).toEqual(['resnet50.a1_in1k', 'vit_base_patch16_224.augreg_in1k']);
    expect(el.querySelector('path.se-bar[data-model="resnet50.a1_in1k"]')?.getAttribute('d')).toMatch(/H.*V/);
    expect([...el.querySelectorAll('text.point-n')].map((t) => t.textContent).sort()).toEqual(['n=2', 'n=3']);
    // The vit point is interactive and the table 2025-published: no line; the resnet one joins its published point.
    const links = [...el.querySelectorAll('line.published-link')];
    expect(links.map((l) => [l.getAttribute('data-model'), l.getAttribute('data-protocol')])).toEqual([['resnet50.a1_in1k', '2025-published']]);
    expect(Number(links[0].getAttribute('x2'))).toBeGreaterThan(Number(links[0].getAttribute('x1')));
    expect([...el.querySelectorAll('path.point[data-image]')].map((p) => p.getAttribute('data-model'))).toEqual(['file:resnet50.onnx', 'file:resnet50.onnx']);
    renderScatter(el, pts, { showImages: true, imagesOf: null });
    expect(count(el, 'path.point[data-image]')).toBe(3);
  });
});
