/**
 * Direct loops over TFLite's definitions of convolution and pooling (NHWC, SAME pads the extra
 * row/column at the end), written without tfjs so kernel tests have an independent reference.
 */
export interface ConvCase {
  x: number[];
  /** [H, W, C] of one image. */
  inShape: [number, number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: 'SAME' | 'VALID';
  kernel: [number, number];
}

function geometry(c: ConvCase) {
  const [H, W] = c.inShape;
  const eff = [(c.kernel[0] - 1) * c.dilation[0] + 1, (c.kernel[1] - 1) * c.dilation[1] + 1];
  const out = (n: number, e: number, s: number) => (c.padding === 'SAME' ? Math.ceil(n / s) : Math.ceil((n - e + 1) / s));
  const oh = out(H, eff[0], c.stride[0]);
  const ow = out(W, eff[1], c.stride[1]);
  const top = c.padding === 'SAME' ? Math.floor(Math.max((oh - 1) * c.stride[0] + eff[0] - H, 0) / 2) : 0;
  const left = c.padding === 'SAME' ? Math.floor(Math.max((ow - 1) * c.stride[1] + eff[1] - W, 0) / 2) : 0;
  return { oh, ow, top, left };
}

/** Visits every in-bounds tap of output pixel (i, j). */
function taps(c: ConvCase, g: ReturnType<typeof geometry>, i: number, j: number, f: (y: number, x: number, ky: number, kx: number) => void) {
  for (let ky = 0; ky < c.kernel[0]; ky++) {
    for (let kx = 0; kx < c.kernel[1]; kx++) {
      const y = i * c.stride[0] + ky * c.dilation[0] - g.top;
      const x = j * c.stride[1] + kx * c.dilation[1] - g.left;
      if (y >= 0 && y < c.inShape[0] && x >= 0 && x < c.inShape[1]) f(y, x, ky, kx);
    }
  }
}

/** filter in TFLite layout [O, KH, KW, C]. Returns [oh, ow, O] flattened. */
export function referenceConv(c: ConvCase, filter: number[], outChannels: number, bias?: number[]): { out: number[]; shape: number[] } {
  const g = geometry(c);
  const [, W, C] = c.inShape;
  const [KH, KW] = c.kernel;
  const out: number[] = [];
  for (let i = 0; i < g.oh; i++)
    for (let j = 0; j < g.ow; j++)
      for (let o = 0; o < outChannels; o++) {
        let s = bias?.[o] ?? 0;
        taps(c, g, i, j, (y, x, ky, kx) => {
          for (let ch = 0; ch < C; ch++) s += c.x[(y * W + x) * C + ch] * filter[((o * KH + ky) * KW + kx) * C + ch];
        });
        out.push(s);
      }
  return { out, shape: [g.oh, g.ow, outChannels] };
}

/** filter in TFLite layout [1, KH, KW, C*M]; output channel k reads input channel floor(k / M). */
export function referenceDepthwise(c: ConvCase, filter: number[], multiplier: number, bias?: number[]): { out: number[]; shape: number[] } {
  const g = geometry(c);
  const [, W, C] = c.inShape;
  const [, KW] = c.kernel;
  const K = C * multiplier;
  const out: number[] = [];
  for (let i = 0; i < g.oh; i++)
    for (let j = 0; j < g.ow; j++)
      for (let k = 0; k < K; k++) {
        let s = bias?.[k] ?? 0;
        const ch = Math.floor(k / multiplier);
        taps(c, g, i, j, (y, x, ky, kx) => {
          s += c.x[(y * W + x) * C + ch] * filter[(ky * KW + kx) * K + k];
        });
        out.push(s);
      }
  return { out, shape: [g.oh, g.ow, K] };
}

/** Average (over in-bounds taps only, as TFLite does) or max pooling. */
export function referencePool(c: ConvCase, kind: 'avg' | 'max'): { out: number[]; shape: number[] } {
  const g = geometry(c);
  const [, W, C] = c.inShape;
  const out: number[] = [];
  for (let i = 0; i < g.oh; i++)
    for (let j = 0; j < g.ow; j++)
      for (let ch = 0; ch < C; ch++) {
        let sum = 0;
        let max = -Infinity;
        let n = 0;
        taps(c, g, i, j, (y, x) => {
          const v = c.x[(y * W + x) * C + ch];
          sum += v;
          max = Math.max(max, v);
          n++;
        });
        out.push(kind === 'avg' ? sum / n : max);
      }
  return { out, shape: [g.oh, g.ow, C] };
}
