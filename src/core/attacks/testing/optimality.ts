/**
 * AttackBench's "optimality" (Cinà, Rony, Pintor et al. 2024), as `npm run verify` prints it: each
 * attack's norm over the smallest norm any attack found on the same row ("best known").
 */

/** The smallest of the norms found (null: the attack failed); null when none succeeded. */
export function bestKnown(norms: readonly (number | null | undefined)[]): number | null {
  const found = norms.filter((n): n is number => n != null && Number.isFinite(n));
  return found.length ? Math.min(...found) : null;
}

export interface OptimalitySummary {
  rows: number;
  /** Median and worst of norm / best known; a failed row counts as Infinity. */
  median: number;
  worst: number;
  /** Rows within 1 %, 2 % and 5 % of best known. */
  within1: number;
  within2: number;
  within5: number;
}

/** Summary of one attack's ratios norm / best known over the rows (null: no adversarial found). */
export function summariseRatios(ratios: readonly (number | null)[]): OptimalitySummary {
  const sorted = ratios.map((r) => r ?? Infinity).sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? NaN : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  // A hair of slack so that a norm printed as exactly +1.0 % counts as within 1 %.
  const within = (pct: number) => sorted.filter((r) => r <= 1 + pct / 100 + 1e-9).length;
  return { rows: n, median, worst: n ? sorted[n - 1] : NaN, within1: within(1), within2: within(2), within5: within(5) };
}

/** "+1.2 %" for a ratio of 1.012, "—" for a failed attack. */
export function formatExcess(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  const pct = 100 * (ratio - 1);
  return `+${Math.max(0, pct).toFixed(1)} %`;
}
