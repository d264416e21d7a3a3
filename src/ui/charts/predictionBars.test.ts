// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { normalizePredictionBarsOptions, renderPredictionBars } from './predictionBars';

function svg(): SVGSVGElement {
  return document.body.appendChild(document.createElementNS('http://www.w3.org/2000/svg', 'svg'));
}

describe('prediction bars', () => {
  it('draws one row per class with widths proportional to the probability and the label marked', () => {
    const el = svg();
    // width 320, label 130, value 46 → track 136 px.
    renderPredictionBars(el, {
      title: 'Clean image',
      labelClass: 7,
      targetClass: 9,
      entries: [
        { classIndex: 7, label: 'cock', prob: 0.5 },
        { classIndex: 8, label: 'hen', prob: 0.25 },
        { classIndex: 9, label: 'ostrich', prob: 0.125 },
      ],
    });
    const rows = [...el.querySelectorAll('g.row')];
    expect(rows.map((g) => [g.getAttribute('data-class'), g.getAttribute('data-mark'), g.querySelector('rect.bar')!.getAttribute('width'), g.querySelector('text.value')!.textContent])).toEqual([
      ['7', 'label', '68', '0.500'],
      ['8', null, '34', '0.250'],
      ['9', 'target', '17', '0.125'],
    ]);
    expect(rows[0].querySelector('text.label')!.textContent).toBe('cock ✓');
    expect(rows[1].getAttribute('transform')).toBe('translate(0,53)');
    expect(el.getAttribute('aria-label')).toBe('Clean image: cock 50.0%, hen 25.0%, ostrich 12.5%');
  });

  it('reorders rows by key on update and truncates long names', () => {
    const el = svg();
    renderPredictionBars(el, { entries: [{ classIndex: 1, label: 'a', prob: 0.6 }, { classIndex: 2, label: 'b', prob: 0.4 }] });
    const rowFor1 = el.querySelector('g.row[data-class="1"]');
    renderPredictionBars(el, { entries: [{ classIndex: 2, label: 'b', prob: 0.7 }, { classIndex: 1, label: 'a very long class name indeed', prob: 0.3 }] });
    expect(el.querySelector('g.row[data-class="1"]')).toBe(rowFor1);
    expect(rowFor1!.getAttribute('transform')).toBe('translate(0,53)');
    expect(rowFor1!.querySelector('text.label')!.textContent).toBe('a very long cla…') // 130 px ≈ 18 chars, less room for the mark: 15 + …;
  });

  it('keeps at most five rows and clamps probabilities', () => {
    const o = normalizePredictionBarsOptions({ entries: Array.from({ length: 7 }, (_, i) => ({ classIndex: i, label: String(i), prob: i === 0 ? 1.5 : NaN })) });
    expect(o.entries.length).toBe(5);
    expect(o.entries.map((e) => e.prob)).toEqual([1, 0, 0, 0, 0]);
  });
});
