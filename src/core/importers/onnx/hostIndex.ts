import { forEachIndex, hostValue, need, product, strides, zip, type Host, type HostOp } from './hostTensor';
import { hostResize } from './hostResize';
import { attrInt, attrInts, attrString, normaliseAxis, type OpContext } from './values';

/** Host versions of ONNX's indexing and layout operators, for constant subgraphs (masks, index tables, pads). */

const offsetOf = (index: number[], s: number[]) => index.reduce((o, i, k) => o + i * s[k]!, 0);

/** An index that may count from the back, checked against its axis. */
function wrap(i: number, n: number, c: OpContext): number {
  const j = i < 0 ? i + n : i;
  if (!(j >= 0 && j < n)) throw c.fail(`has an index ${i} outside an axis of ${n}`);
  return j;
}

const transpose: HostOp = (c, [x]) => {
  const v = need(c, x, 'data');
  const rank = v.dims.length;
  const perm = attrInts(c, 'perm') ?? Array.from({ length: rank }, (_, k) => rank - 1 - k);
  const s = strides(v.dims);
  const outDims = perm.map((p) => v.dims[p]!);
  const data = new Array<number>(v.data.length);
  forEachIndex(outDims, (index, flat) => {
    let o = 0;
    index.forEach((i, k) => (o += i * s[perm[k]!]!));
    data[flat] = v.data[o]!;
  });
  return hostValue(data, outDims, !!v.float);
};

const concat: HostOp = (c, inputs) => {
  const parts = inputs.filter((v): v is Host => v !== undefined);
  if (parts.length === 0) throw c.fail('has no inputs');
  const rank = Math.max(...parts.map((p) => p.dims.length));
  const axis = normaliseAxis(attrInt(c, 'axis', 0), rank, c);
  const nonEmpty = parts.filter((p) => p.dims.length === rank);
  const outer = product(nonEmpty[0]!.dims.slice(0, axis));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const p of nonEmpty) {
      const chunk = product(p.dims.slice(axis));
      for (let k = 0; k < chunk; k++) data.push(p.data[o * chunk + k]!);
    }
  }
  const dims = nonEmpty[0]!.dims.slice();
  dims[axis] = nonEmpty.reduce((n, p) => n + p.dims[axis]!, 0);
  return hostValue(data, dims, nonEmpty.some((p) => p.float));
};

/** Take a block of `sizes` starting at `begin` (used by Split). */
function block(v: Host, begin: number[], sizes: number[]): Host {
  const s = strides(v.dims);
  const data: number[] = [];
  forEachIndex(sizes, (index) => data.push(v.data[offsetOf(index.map((i, k) => i + begin[k]!), s)]!));
  return hostValue(data, sizes, !!v.float);
}

const split: HostOp = (c, [x, sizesInput]) => {
  const v = need(c, x, 'data');
  const axis = normaliseAxis(attrInt(c, 'axis', 0), v.dims.length, c);
  const n = v.dims[axis]!;
  const parts = c.node.outputs.length;
  const stated = c.opset >= 13 ? sizesInput?.data : attrInts(c, 'split');
  const chunk = Math.ceil(n / (attrInt(c, 'num_outputs', parts) || parts));
  const sizes = stated ?? Array.from({ length: parts }, (_, k) => Math.max(0, Math.min(chunk, n - k * chunk)));
  if (sizes.reduce((a, b) => a + b, 0) !== n) throw c.fail(`splits ${n} values into parts [${sizes}]`);
  let from = 0;
  return sizes.map((size) => {
    const begin = v.dims.map((_, k) => (k === axis ? from : 0));
    from += size;
    return block(
      v,
      begin,
      v.dims.map((d, k) => (k === axis ? size : d)),
    );
  });
};

const tile: HostOp = (c, [x, repeatsInput]) => {
  const v = need(c, x, 'input');
  const repeats = need(c, repeatsInput, 'repeats').data;
  if (repeats.length !== v.dims.length) throw c.fail(`repeats [${repeats}] a rank-${v.dims.length} tensor`);
  const outDims = v.dims.map((d, k) => d * repeats[k]!);
  const s = strides(v.dims);
  const data = new Array<number>(product(outDims));
  forEachIndex(outDims, (index, flat) => (data[flat] = v.data[offsetOf(index.map((i, k) => i % v.dims[k]!), s)]!));
  return hostValue(data, outDims, !!v.float);
};

const expand: HostOp = (c, [x, shapeInput]) => {
  const v = need(c, x, 'input');
  const shape = need(c, shapeInput, 'shape');
  const target = hostValue(new Array(product(shape.data.map((d) => Math.max(d, 0)))).fill(0), shape.data, false);
  const { data, dims } = zip(c, [v, target], (a) => a);
  return hostValue(data, dims, !!v.float);
};

const nonZero: HostOp = (c, [x]) => {
  const v = need(c, x, 'X');
  const hits: number[][] = [];
  forEachIndex(v.dims, (index, flat) => v.data[flat] !== 0 && hits.push(index.slice()));
  const rank = v.dims.length;
  const data = Array.from({ length: rank * hits.length }, (_, k) => hits[k % hits.length]![Math.floor(k / hits.length)]!);
  return hostValue(data, [rank, hits.length], false);
};

const oneHot: HostOp = (c, [indicesInput, depthInput, valuesInput]) => {
  const indices = need(c, indicesInput, 'indices');
  const depth = Math.trunc(need(c, depthInput, 'depth').data[0]!);
  const values = need(c, valuesInput, 'values');
  const rank = indices.dims.length + 1;
  const axis = normaliseAxis(attrInt(c, 'axis', -1), rank, c);
  const outDims = [...indices.dims.slice(0, axis), depth, ...indices.dims.slice(axis)];
  const s = strides(indices.dims);
  const data = new Array<number>(product(outDims));
  forEachIndex(outDims, (index, flat) => {
    const rest = [...index.slice(0, axis), ...index.slice(axis + 1)];
    const raw = indices.data[offsetOf(rest, s)]!;
    const hot = (raw < 0 ? raw + depth : raw) === index[axis];
    data[flat] = values.data[hot ? 1 : 0]!;
  });
  return hostValue(data, outDims, !!values.float);
};

const trilu: HostOp = (c, [x, kInput]) => {
  const v = need(c, x, 'input');
  const k = kInput?.data[0] ?? 0;
  const upper = attrInt(c, 'upper', 1) === 1;
  const r = v.dims.length;
  const data = v.data.slice();
  forEachIndex(v.dims, (index, flat) => {
    const d = index[r - 1]! - index[r - 2]!;
    if (upper ? d < k : d > k) data[flat] = 0;
  });
  return hostValue(data, v.dims, !!v.float);
};

const gatherElements: HostOp = (c, [x, indicesInput]) => {
  const v = need(c, x, 'data');
  const indices = need(c, indicesInput, 'indices');
  const axis = normaliseAxis(attrInt(c, 'axis', 0), v.dims.length, c);
  const s = strides(v.dims);
  const data = new Array<number>(indices.data.length);
  forEachIndex(indices.dims, (index, flat) => {
    const at = index.slice();
    at[axis] = wrap(indices.data[flat]!, v.dims[axis]!, c);
    data[flat] = v.data[offsetOf(at, s)]!;
  });
  return hostValue(data, indices.dims, !!v.float);
};

/** GatherND: each index tuple (last axis of `indices`) picks an element or a slice; `batch_dims` leading axes pair up. */
const gatherND: HostOp = (c, [x, indicesInput]) => {
  const v = need(c, x, 'data');
  const indices = need(c, indicesInput, 'indices');
  const b = attrInt(c, 'batch_dims', 0);
  const q = indices.dims.length;
  const depth = indices.dims[q - 1]!;
  const sliceDims = v.dims.slice(b + depth);
  const sliceSize = product(sliceDims);
  const outDims = [...indices.dims.slice(0, q - 1), ...sliceDims];
  const s = strides(v.dims);
  const batchSize = product(v.dims.slice(b));
  const data: number[] = [];
  forEachIndex(indices.dims.slice(0, q - 1), (index, flat) => {
    const batch = offsetOf(index.slice(0, b), strides(v.dims.slice(0, b)));
    const tuple = indices.data.slice(flat * depth, flat * depth + depth);
    const start = batch * batchSize + tuple.reduce((o, i, k) => o + wrap(i, v.dims[b + k]!, c) * s[b + k]!, 0);
    for (let k = 0; k < sliceSize; k++) data.push(v.data[start + k]!);
  });
  return hostValue(data, outDims, !!v.float);
};

const combine = (c: OpContext): ((old: number, update: number) => number) => {
  const reduction = attrString(c, 'reduction', 'none');
  const f = { none: (_: number, u: number) => u, add: (o: number, u: number) => o + u, mul: (o: number, u: number) => o * u, max: Math.max, min: Math.min }[reduction];
  if (!f) throw c.fail(`has reduction "${reduction}", which ONNX does not define`);
  return f;
};

const scatterND: HostOp = (c, [x, indicesInput, updatesInput]) => {
  const v = need(c, x, 'data');
  const indices = need(c, indicesInput, 'indices');
  const updates = need(c, updatesInput, 'updates');
  const f = combine(c);
  const q = indices.dims.length;
  const depth = indices.dims[q - 1]!;
  const sliceSize = product(v.dims.slice(depth));
  const s = strides(v.dims);
  const data = v.data.slice();
  for (let t = 0; t < product(indices.dims.slice(0, q - 1)); t++) {
    const tuple = indices.data.slice(t * depth, t * depth + depth);
    const start = tuple.reduce((o, i, k) => o + wrap(i, v.dims[k]!, c) * s[k]!, 0);
    for (let k = 0; k < sliceSize; k++) data[start + k] = f(data[start + k]!, updates.data[t * sliceSize + k]!);
  }
  return hostValue(data, v.dims, !!v.float);
};

const scatterElements: HostOp = (c, [x, indicesInput, updatesInput]) => {
  const v = need(c, x, 'data');
  const indices = need(c, indicesInput, 'indices');
  const updates = need(c, updatesInput, 'updates');
  const f = combine(c);
  const axis = normaliseAxis(attrInt(c, 'axis', 0), v.dims.length, c);
  const s = strides(v.dims);
  const data = v.data.slice();
  forEachIndex(indices.dims, (index, flat) => {
    const at = index.slice();
    at[axis] = wrap(indices.data[flat]!, v.dims[axis]!, c);
    const o = offsetOf(at, s);
    data[o] = f(data[o]!, updates.data[flat]!);
  });
  return hostValue(data, v.dims, !!v.float);
};

const size: HostOp = (c, [x]) => hostValue([product(need(c, x, 'data').dims)], [], false);

export const hostIndexOps: Record<string, HostOp> = {
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Tile: tile,
  Expand: expand,
  NonZero: nonZero,
  OneHot: oneHot,
  Trilu: trilu,
  GatherElements: gatherElements,
  GatherND: gatherND,
  ScatterND: scatterND,
  Scatter: scatterElements,
  ScatterElements: scatterElements,
  Size: size,
  Resize: hostResize,
};
