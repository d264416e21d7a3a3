/**
 * Colours and sizes shared by AlignScope's d3 charts and image panels. One place, so a projector
 * palette or a colour-blind tweak is one edit.
 */
export const chartTheme = {
  font: '12px system-ui, -apple-system, "Segoe UI", sans-serif',
  fontSize: 12,
  titleSize: 13,
  text: '#1f2933',
  mutedText: '#52606d',
  grid: '#e4e7eb',
  axis: '#9aa5b1',
  background: '#ffffff',
  /** Series colours (Okabe–Ito, distinguishable with common colour-vision deficiencies). */
  l2: '#0072b2',
  eps: '#e69f00',
  margin: '#009e73',
  alignment: '#cc79a7',
  bestL2: '#d55e00',
  zero: '#52606d',
  firstSuccess: '#009e73',
  best: '#d55e00',
  cursor: '#1f2933',
  pointRadius: 2.5,
  lineWidth: 1.75,
} as const;

export const chartSize = {
  width: 360,
  height: 170,
  margin: { top: 24, right: 14, bottom: 30, left: 58 },
} as const;
