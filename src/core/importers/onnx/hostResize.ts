import { forEachIndex, hostValue, need, product, strides, type Host, type HostOp } from './hostTensor';
import { attrString, type OpContext } from './values';

/** Resize of a constant tensor (an upsampled position table, say): nearest or (multi)linear, axis by axis. */

type ToInput = (out: number, scale: number, inSize: number, outSize: number) => number;

function coordinate(c: OpContext): ToInput {
  const mode = attrString(c, 'coordinate_transformation_mode', 'half_pixel');
  switch (mode) {
    case 'half_pixel':
      return (o, s) => (o + 0.5) / s - 0.5;
    case 'pytorch_half_pixel':
      return (o, s, _n, m) => (m > 1 ? (o + 0.5) / s - 0.5 : 0);
    case 'align_corners':
      return (o, _s, n, m) => (m === 1 ? 0 : (o * (n - 1)) / (m - 1));
    case 'asymmetric':
      return (o, s) => o / s;
    case 'half_pixel_symmetric':
      return (o, s, n, m) => {
        const adjust = m / (s * n);
        return (n / 2) * (1 - adjust) + (o + 0.5) / s - 0.5;
      };
    default:
      throw c.fail(`uses coordinate_transformation_mode "${mode}", which AlignScope does not fold`);
  }
}

function nearestRounding(c: OpContext): (v: number) => number {
  const mode = attrString(c, 'nearest_mode', 'round_prefer_floor');
  const f = {
    round_prefer_floor: (v: number) => (v % 1 === 0.5 ? Math.floor(v) : Math.round(v)),
    round_prefer_ceil: (v: number) => Math.round(v),
    floor: Math.floor,
    ceil: Math.ceil,
  }[mode];
  if (!f) throw c.fail(`uses nearest_mode "${mode}", which ONNX does not define`);
  return f;
}

/** Resamples one axis: each output index reads a weighted pair of input indices. */
function resizeAxis(v: Host, axis: number, outSize: number, taps: (o: number) => [number, number][]): Host {
  const outDims = v.dims.slice();
  outDims[axis] = outSize;
  const s = strides(v.dims);
  const data = new Array<number>(product(outDims));
  forEachIndex(outDims, (index, flat) => {
    let base = 0;
    index.forEach((i, k) => (base += k === axis ? 0 : i * s[k]!));
    data[flat] = taps(index[axis]!).reduce((sum, [i, w]) => sum + w * v.data[base + i * s[axis]!]!, 0);
  });
  return hostValue(data, outDims, !!v.float);
}

export const hostResize: HostOp = (c, [x, , scalesInput, sizesInput]) => {
  let v = need(c, x, 'X');
  const mode = attrString(c, 'mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear') throw c.fail(`resizes with mode "${mode}"; AlignScope folds nearest and linear`);
  const rank = v.dims.length;
  const scales = scalesInput?.data.length ? scalesInput.data : undefined;
  const sizes = sizesInput?.data.length ? sizesInput.data : undefined;
  if (!scales && !sizes) throw c.fail('states neither scales nor sizes');
  const outSizes = sizes ?? v.dims.map((d, k) => Math.floor(d * scales![k]!));
  const toInput = coordinate(c);
  const round = nearestRounding(c);
  for (let axis = 0; axis < rank; axis++) {
    const n = v.dims[axis]!;
    const m = outSizes[axis]!;
    const scale = scales ? scales[axis]! : m / n;
    if (m === n && scale === 1) continue;
    const taps = (o: number): [number, number][] => {
      const p = toInput(o, scale, n, m);
      if (mode === 'nearest') return [[Math.min(Math.max(round(p), 0), n - 1), 1]];
      const q = Math.min(Math.max(p, 0), n - 1);
      const lo = Math.floor(q);
      const hi = Math.min(lo + 1, n - 1);
      return [
        [lo, 1 - (q - lo)],
        [hi, q - lo],
      ];
    };
    v = resizeAxis(v, axis, m, taps);
  }
  return v;
};
