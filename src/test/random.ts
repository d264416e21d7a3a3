/**
 * A fixed linear congruential generator (Numerical Recipes constants) for test fixtures: the same
 * values on every run and every machine, so a failure reproduces. Returns values in [0, 1).
 */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
