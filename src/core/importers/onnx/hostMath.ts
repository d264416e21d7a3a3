import { castKind, forEachIndex, hostValue, need, product, strides, zip, type Host, type HostOp } from './hostTensor';
import { attrInt, attrInts, normaliseAxis, type OpContext } from './values';
import { roundHalfEven } from '../../numbers/roundHalfEven';

/** Element-wise host ops: integer results stay exact, float results are rounded to float32. */
const elementwise =
  (f: (...v: number[]) => number, result: 'same' | 'bool' = 'same'): HostOp =>
  (c, inputs) => {
    const operands = inputs.filter((v): v is Host => v !== undefined);
    if (operands.length === 0) throw c.fail('has no inputs');
    const { data, dims } = zip(c, operands, f);
    return hostValue(data, dims, result === 'same' && operands.some((o) => o.float));
  };

/** Division and remainder depend on the data type: integer Div truncates, integer Mod takes the divisor's sign. */
const div: HostOp = (c, [a, b]) => {
  const x = need(c, a, 'A');
  const y = need(c, b, 'B');
  const float = !!(x.float || y.float);
  const { data, dims } = zip(c, [x, y], float ? (p, q) => p / q : (p, q) => Math.trunc(p / q));
  return hostValue(data, dims, float);
};

const mod: HostOp = (c, [a, b]) => {
  const x = need(c, a, 'A');
  const y = need(c, b, 'B');
  const float = !!(x.float || y.float);
  const fmod = attrInt(c, 'fmod', 0) === 1;
  if (float && !fmod) throw c.fail('takes a float remainder without fmod=1, which ONNX does not define');
  const { data, dims } = zip(c, [x, y], fmod ? (p, q) => p % q : (p, q) => p - q * Math.floor(p / q));
  return hostValue(data, dims, float);
};

const cast: HostOp = (c, [x]) => {
  const v = need(c, x, 'data');
  const kind = castKind(attrInt(c, 'to', 0));
  if (!kind) throw c.fail(`casts to data type ${attrInt(c, 'to', 0)}, which AlignScope does not fold`);
  if (kind === 'float') return hostValue(v.data, v.dims, true);
  if (kind === 'bool') return hostValue(v.data.map((d) => Number(d !== 0)), v.dims, false);
  return hostValue(v.data.map(Math.trunc), v.dims, false);
};

const where: HostOp = (c, [cond, x, y]) => {
  const a = need(c, x, 'X');
  const b = need(c, y, 'Y');
  const { data, dims } = zip(c, [need(c, cond, 'condition'), a, b], (k, p, q) => (k ? p : q));
  return hostValue(data, dims, !!(a.float || b.float));
};

/** Range(start, limit, delta): ceil((limit − start) / delta) values, none when the sign is wrong. */
const range: HostOp = (c, inputs) => {
  const [start, limit, delta] = ['start', 'limit', 'delta'].map((w, i) => need(c, inputs[i], w));
  const float = !!(start!.float || limit!.float || delta!.float);
  const [s, l, d] = [start!.data[0]!, limit!.data[0]!, delta!.data[0]!];
  if (d === 0) throw c.fail('has a delta of 0');
  const n = Math.max(Math.ceil((l - s) / d), 0);
  return hostValue(
    Array.from({ length: n }, (_, k) => s + k * d),
    [n],
    float,
  );
};

/** Axes of a reduction: attribute before `axesFrom` (13 for ReduceSum, 18 for the others), else the optional input. */
function reduceAxes(c: OpContext, rank: number, input: Host | undefined, axesFrom: number): number[] | undefined {
  const axes = c.opset < axesFrom ? attrInts(c, 'axes') : input?.data;
  if (!axes || axes.length === 0) return attrInt(c, 'noop_with_empty_axes', 0) === 1 ? [] : Array.from({ length: rank }, (_, k) => k);
  return axes.map((a) => normaliseAxis(a, rank, c));
}

const reduce =
  (f: (acc: number, v: number) => number, init: number, axesFrom: number, finish?: (acc: number, count: number) => number): HostOp =>
  (c, [x, axesInput]) => {
    const v = need(c, x, 'data');
    const axes = reduceAxes(c, v.dims.length, axesInput, axesFrom)!;
    const keep = attrInt(c, 'keepdims', 1) === 1;
    const outDims = v.dims.map((d, k) => (axes.includes(k) ? 1 : d));
    const outStrides = strides(outDims);
    const acc = new Array<number>(product(outDims)).fill(init);
    forEachIndex(v.dims, (index, flat) => {
      let o = 0;
      index.forEach((i, k) => (o += axes.includes(k) ? 0 : i * outStrides[k]!));
      acc[o] = f(acc[o]!, v.data[flat]!);
    });
    const count = product(axes.map((a) => v.dims[a]!));
    const data = finish ? acc.map((a) => finish(a, count)) : acc;
    return hostValue(data, keep ? outDims : v.dims.filter((_, k) => !axes.includes(k)), !!v.float || !!finish);
  };

const cumSum: HostOp = (c, [x, axisInput]) => {
  const v = need(c, x, 'x');
  const axis = normaliseAxis(need(c, axisInput, 'axis').data[0]!, v.dims.length, c);
  const exclusive = attrInt(c, 'exclusive', 0) === 1;
  const reverse = attrInt(c, 'reverse', 0) === 1;
  const n = v.dims[axis]!;
  const s = strides(v.dims);
  const step = s[axis]!;
  const data = v.data.slice();
  forEachIndex(
    v.dims.map((d, k) => (k === axis ? 1 : d)),
    (index) => {
      let base = 0;
      index.forEach((i, k) => (base += i * s[k]!));
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const at = base + (reverse ? n - 1 - j : j) * step;
        const value = v.data[at]!;
        data[at] = exclusive ? sum : sum + value;
        sum += value;
      }
    },
  );
  return hostValue(data, v.dims, !!v.float);
};

const sign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);

export const hostMathOps: Record<string, HostOp> = {
  Add: elementwise((a, b) => a + b),
  Sub: elementwise((a, b) => a - b),
  Mul: elementwise((a, b) => a * b),
  Div: div,
  Mod: mod,
  Pow: elementwise(Math.pow),
  Max: elementwise(Math.max),
  Min: elementwise(Math.min),
  Sum: elementwise((...v) => v.reduce((a, b) => a + b, 0)),
  Mean: elementwise((...v) => v.reduce((a, b) => a + b, 0) / v.length),
  Equal: elementwise((a, b) => Number(a === b), 'bool'),
  Less: elementwise((a, b) => Number(a < b), 'bool'),
  LessOrEqual: elementwise((a, b) => Number(a <= b), 'bool'),
  Greater: elementwise((a, b) => Number(a > b), 'bool'),
  GreaterOrEqual: elementwise((a, b) => Number(a >= b), 'bool'),
  And: elementwise((a, b) => Number(!!a && !!b), 'bool'),
  Or: elementwise((a, b) => Number(!!a || !!b), 'bool'),
  Xor: elementwise((a, b) => Number(!!a !== !!b), 'bool'),
  Not: elementwise((a) => Number(!a), 'bool'),
  Neg: elementwise((a) => -a),
  Abs: elementwise(Math.abs),
  Sign: elementwise(sign),
  Ceil: elementwise(Math.ceil),
  Floor: elementwise(Math.floor),
  Round: elementwise(roundHalfEven),
  Sqrt: elementwise(Math.sqrt),
  Exp: elementwise(Math.exp),
  Log: elementwise(Math.log),
  Reciprocal: elementwise((a) => 1 / a),
  Relu: elementwise((a) => Math.max(a, 0)),
  Cast: cast,
  Where: where,
  Range: range,
  CumSum: cumSum,
  ReduceSum: reduce((a, v) => a + v, 0, 13),
  ReduceProd: reduce((a, v) => a * v, 1, 18),
  ReduceMax: reduce(Math.max, -Infinity, 18),
  ReduceMin: reduce(Math.min, Infinity, 18),
  ReduceMean: reduce((a, v) => a + v, 0, 18, (a, n) => a / n),
};
