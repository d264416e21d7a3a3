import { describe, expect, it } from 'vitest';
import { scatterTheme } from './theme';

/** sRGB hex → CIELAB (D65), from the CIE formulas, so the test does not trust the palette's author. */
function lab(hex: string): [number, number, number] {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c > 0.04045 ? ((c + 0.055) / 1.055) ** 2.4 : c / 12.92;
  });
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

describe('family colours', () => {
  it('differ by at least 40 (CIE76 ΔE) in every pair, so no two read as the same hue', () => {
    const entries = Object.entries(scatterTheme.classColours);
    for (let i = 0; i < entries.length; i++) {
      for (let j = i + 1; j < entries.length; j++) {
        const [a, b] = [lab(entries[i][1]), lab(entries[j][1])];
        const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
        expect(d, `${entries[i][0]} vs ${entries[j][0]}`).toBeGreaterThanOrEqual(40);
      }
    }
    // The pair the issue named: orange Transformer vs the old vermillion AdvRobust was ΔE ≈ 33.
    const old = lab('#d55e00');
    const t = lab(scatterTheme.classColours.Transformer);
    expect(Math.hypot(old[0] - t[0], old[1] - t[1], old[2] - t[2])).toBeLessThan(40);
  });
});
