import { DataType } from './reader';
import { intsValue, logicalShape, toLogical, type IntsValue, type OpContext, type Value } from './values';

/**
 * Host-side N-d arrays for constant folding: every operator a constant subgraph may use is evaluated
 * here once, in float64 (floats rounded to float32 after each op, as the file's float32 math does)
 * or exact integers, whatever tfjs offers for it.
 */
export type Host = IntsValue;
export type HostOp = (c: OpContext, inputs: (Host | undefined)[]) => Host | Host[];

export const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/** Row-major strides of a shape. */
export function strides(dims: number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) s[k] = s[k + 1]! * dims[k + 1]!;
  return s;
}

/** A value as host data (a float tensor is read back once: folding happens at load time). */
export function toHost(v: Value): Host {
  if (v.kind === 'ints') return v;
  return intsValue(Array.from(toLogical(v).dataSync()), logicalShape(v), true);
}

export const hostValue = (data: number[], dims: number[], float: boolean): Host =>
  intsValue(float ? data.map(Math.fround) : data, dims, float);

export function need(c: OpContext, v: Host | undefined, what: string): Host {
  if (!v) throw c.fail(`lacks its ${what} input`);
  return v;
}

/** Visits every multi-index of `dims` in row-major order. */
export function forEachIndex(dims: number[], f: (index: number[], flat: number) => void): void {
  const n = product(dims);
  const index = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    f(index, flat);
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++index[k]! < dims[k]!) break;
      index[k] = 0;
    }
  }
}

/** NumPy broadcasting of several shapes. */
export function broadcastShape(shapes: number[][], c: OpContext): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, k) => {
    const sizes = shapes.map((s) => s[s.length - rank + k] ?? 1);
    const big = Math.max(...sizes);
    if (sizes.some((d) => d !== 1 && d !== big)) throw c.fail(`broadcasts shapes ${shapes.map((s) => `[${s}]`).join(', ')}`);
    return sizes.includes(0) ? 0 : big;
  });
}

/** Element-wise over broadcast operands. */
export function zip(c: OpContext, operands: Host[], f: (...v: number[]) => number): { data: number[]; dims: number[] } {
  const dims = broadcastShape(
    operands.map((o) => o.dims),
    c,
  );
  const steps = operands.map((o) => {
    const s = strides(o.dims);
    return dims.map((_, k) => {
      const j = k - (dims.length - o.dims.length);
      return j < 0 || o.dims[j] === 1 ? 0 : s[j]!;
    });
  });
  const data = new Array<number>(product(dims));
  const args = new Array<number>(operands.length);
  forEachIndex(dims, (index, flat) => {
    for (let i = 0; i < operands.length; i++) {
      let offset = 0;
      for (let k = 0; k < index.length; k++) offset += index[k]! * steps[i]![k]!;
      args[i] = operands[i]!.data[offset]!;
    }
    data[flat] = f(...args);
  });
  return { data, dims };
}

/** The data type a Cast's `to` names: float, integer or bool. */
export function castKind(to: number): 'float' | 'int' | 'bool' | undefined {
  if (to === DataType.FLOAT || to === DataType.FLOAT16 || to === DataType.DOUBLE) return 'float';
  if (to === DataType.BOOL) return 'bool';
  // uint8, int8, uint16, int16, int32, int64, uint32, uint64
  if ([2, 3, 4, 5, 6, 7, 12, 13].includes(to)) return 'int';
  return undefined;
}
