import { MetricInputError } from './errors';

/**
 * Spearman's ρ with average ranks for ties, as scipy.stats.spearmanr computes it.
 * Returns null where ρ is undefined: fewer than two values, or either input constant
 * (e.g. an all-zero perturbation), so callers can show "undefined" rather than 0 or NaN.
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  if (a.length !== b.length) {
    throw new MetricInputError(`Spearman's ρ needs two maps of the same size, but got ${a.length} and ${b.length} values.`);
  }
  const s = scratchFor(a.length);
  const aVaries = rankInto(a, s.ranks, 'first');
  const bVaries = rankInto(b, s.ranksOther, 'second');
  return aVaries && bVaries ? correlate(s.ranks, s.ranksOther) : null;
}

/**
 * Ranks a fixed reference map (the human map) once and returns ρ(values, reference) for many
 * value maps (one attack map per step), which halves the per-step work.
 */
export function spearmanAgainst(
  reference: ArrayLike<number>,
  referenceName = 'human',
): (values: ArrayLike<number>, valuesName?: string) => number | null {
  const n = reference.length;
  const refRanks = new Float64Array(n);
  const refVaries = rankInto(reference, refRanks, referenceName);
  const refCentred = centre(refRanks);
  return (values, valuesName = 'attack') => {
    if (values.length !== n) {
      throw new MetricInputError(
        `Spearman's ρ needs two maps of the same size, but the ${valuesName} map has ${values.length} values and the ${referenceName} map ${n}.`,
      );
    }
    const ranks = scratchFor(n).ranks;
    const varies = rankInto(values, ranks, valuesName);
    return varies && refVaries ? correlateCentred(ranks, refCentred) : null;
  };
}

/** Pearson correlation of two rank vectors; both have mean (n + 1) / 2. */
function correlate(ra: Float64Array, rb: Float64Array): number {
  const mean = (ra.length + 1) / 2;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < ra.length; i++) {
    const da = ra[i] - mean, db = rb[i] - mean;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}

function centre(ranks: Float64Array): { dev: Float64Array; sumSquares: number } {
  const mean = (ranks.length + 1) / 2;
  const dev = new Float64Array(ranks.length);
  let sumSquares = 0;
  for (let i = 0; i < ranks.length; i++) {
    dev[i] = ranks[i] - mean;
    sumSquares += dev[i] * dev[i];
  }
  return { dev, sumSquares };
}

function correlateCentred(ra: Float64Array, b: { dev: Float64Array; sumSquares: number }): number {
  const mean = (ra.length + 1) / 2;
  const dev = b.dev;
  let sab = 0, saa = 0;
  for (let i = 0; i < ra.length; i++) {
    const da = ra[i] - mean;
    sab += da * dev[i];
    saa += da * da;
  }
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * b.sumSquares)));
}

/*
 * Speed matters (every attack step, 224×224 maps, budget 5 ms): values become order-preserving
 * 32-bit keys that are radix-sorted, and all buffers are reused between calls. Float64 inputs
 * whose values are not exactly float32 take a comparison sort, so rounding never invents ties.
 */

interface Scratch {
  n: number;
  keys: Uint32Array;
  keysTmp: Uint32Array;
  order: Uint32Array;
  orderTmp: Uint32Array;
  counts: Uint32Array[];
  f32: Float32Array;
  f32Bits: Uint32Array;
  ranks: Float64Array;
  ranksOther: Float64Array;
}

let cached: Scratch | undefined;

function scratchFor(n: number): Scratch {
  if (cached?.n === n) return cached;
  const f32 = new Float32Array(n);
  cached = {
    n,
    keys: new Uint32Array(n),
    keysTmp: new Uint32Array(n),
    order: new Uint32Array(n),
    orderTmp: new Uint32Array(n),
    counts: [new Uint32Array(RADIX), new Uint32Array(RADIX)],
    f32,
    f32Bits: new Uint32Array(f32.buffer),
    ranks: new Float64Array(n),
    ranksOther: new Float64Array(n),
  };
  return cached;
}

const BITS = 16;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;

/** Writes 1-based average ranks into `ranks`; false when all values are equal (or fewer than two). */
function rankInto(values: ArrayLike<number>, ranks: Float64Array, name: string): boolean {
  // Monomorphic typed-array loops are several times faster than reads through ArrayLike.
  const typed = values instanceof Float32Array || values instanceof Float64Array ? values : Float64Array.from(values);
  if (typed.length < 2) {
    checkNoNaN(typed, name);
    return false;
  }
  const s = scratchFor(typed.length);
  let bits: Uint32Array;
  if (typed instanceof Float32Array) {
    // Read the caller's float bits in place instead of copying them.
    bits = new Uint32Array(typed.buffer, typed.byteOffset, typed.length);
  } else {
    checkNoNaN(typed, name);
    if (!fitsFloat32(typed)) return rankByComparison(typed, ranks, s);
    s.f32.set(typed);
    bits = s.f32Bits;
  }
  const sorted = radixSort(s, bits, name);
  return averageRanks(sorted.keys, sorted.order, ranks);
}

function rankByComparison(values: Float64Array, ranks: Float64Array, s: Scratch): boolean {
  const { order, keys } = s;
  for (let i = 0; i < values.length; i++) order[i] = i;
  order.sort((x, y) => values[x] - values[y]);
  // Distinct values become consecutive integer keys, so ranks come from the same code as the radix path.
  let id = 0;
  keys[0] = 0;
  for (let p = 1; p < values.length; p++) {
    if (values[order[p]] !== values[order[p - 1]]) id++;
    keys[p] = id;
  }
  return averageRanks(keys, order, ranks);
}

function checkNoNaN(values: Float32Array | Float64Array, name: string): void {
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) throw nanError(name, i);
}

function nanError(name: string, index: number): MetricInputError {
  return new MetricInputError(`The ${name} map holds NaN at index ${index}, so Spearman's ρ cannot rank it.`);
}

function fitsFloat32(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (Math.fround(values[i]) !== values[i]) return false;
  return true;
}

/**
 * Sorts indices by the float32 values whose bit patterns are `bits`: floats become order-preserving unsigned keys, then an
 * LSD radix sort with two 16-bit digits runs over reused buffers (both histograms in the key pass;
 * a high digit every key shares, as for a map within one binade, is skipped).
 */
function radixSort(s: Scratch, bits: Uint32Array, name: string): { keys: Uint32Array; order: Uint32Array } {
  const { n, keys, keysTmp, order, orderTmp } = s;
  const [low, high] = s.counts;
  low.fill(0);
  high.fill(0);
  for (let i = 0; i < n; i++) {
    let u = bits[i];
    if ((u & 0x7fffffff) > 0x7f800000) throw nanError(name, i);
    if (u === 0x80000000) u = 0; // −0 and +0 must tie
    // Flip negatives entirely and set the sign bit of positives: unsigned order = numeric order.
    const k = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
    keys[i] = k;
    low[k & MASK]++;
    high[k >>> BITS]++;
  }
  prefixSums(low);
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    const pos = low[k & MASK]++;
    keysTmp[pos] = k;
    orderTmp[pos] = i;
  }
  if (high[keys[0] >>> BITS] === n) return { keys: keysTmp, order: orderTmp };
  prefixSums(high);
  for (let i = 0; i < n; i++) {
    const k = keysTmp[i];
    const pos = high[k >>> BITS]++;
    keys[pos] = k;
    order[pos] = orderTmp[i];
  }
  return { keys, order };
}

function prefixSums(counts: Uint32Array): void {
  let sum = 0;
  for (let d = 0; d < counts.length; d++) {
    const c = counts[d];
    counts[d] = sum;
    sum += c;
  }
}

/** Equal sorted keys share the mean of their 1-based positions; false when all keys are equal. */
function averageRanks(sortedKeys: Uint32Array, order: Uint32Array, ranks: Float64Array): boolean {
  const n = order.length;
  let start = 0;
  while (start < n) {
    const k = sortedKeys[start];
    let end = start + 1;
    while (end < n && sortedKeys[end] === k) end++;
    if (start === 0 && end === n) return false;
    const rank = (start + end + 1) / 2;
    for (let p = start; p < end; p++) ranks[order[p]] = rank;
    start = end;
  }
  return true;
}
