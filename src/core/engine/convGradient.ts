import * as tf from '@tensorflow/tfjs';
import { reluMask } from './reluMask';

/** Activations that tfjs fuses into a convolution and whose derivative can be read off the output. */
export type FusableActivation = 'linear' | 'relu' | 'relu6';

export function isFusableActivation(name: string | undefined): name is FusableActivation {
  return name === 'linear' || name === 'relu' || name === 'relu6';
}

export type ConvKind = 'conv' | 'depthwise';
type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;

export interface FusedConvSpec {
  kind: ConvKind;
  /** [kh, kw, in, out] for 'conv', [kh, kw, channels, 1] for 'depthwise'. */
  filter: tf.Tensor4D;
  bias?: tf.Tensor;
  strides: [number, number];
  pad: Pad;
  activation: FusableActivation;
}

/**
 * Whether the input gradient of this convolution can be a forward convolution: no dilation, and a
 * depthwise multiplier of 1 (with more, dx sums over the multiplier, which no single forward conv does).
 */
export function hasForwardConvGradient(kind: ConvKind, filter: tf.Tensor4D, dilations: [number, number]): boolean {
  return dilations[0] === 1 && dilations[1] === 1 && (kind === 'conv' || filter.shape[3] === 1);
}

/**
 * The convolution as fusedConvWithInputGradient, where its dilation and depthwise multiplier allow
 * (hasForwardConvGradient), else null. The gradient filter is made here once; `keep` takes it.
 */
export function forwardGradientConv(
  spec: FusedConvSpec,
  dilations: [number, number],
  keep: (t: tf.Tensor) => void,
): ((x: tf.Tensor4D) => tf.Tensor4D) | null {
  if (!hasForwardConvGradient(spec.kind, spec.filter, dilations)) return null;
  const g = gradientFilter(spec.kind, spec.filter, spec.strides);
  keep(g.filter);
  return fusedConvWithInputGradient(spec, g);
}

/**
 * The filter of the input gradient, made once per layer (gradientFilter). A full convolution with
 * equal strides s > 1 takes the sub-pixel form: dx is a stride-1 convolution of dy with s² groups of
 * output channels, one per position within an s×s cell, rearranged as depthToSpace does. It reads dy as it
 * is, where the spread form convolves a dy that is (s² − 1)/s² zeros with the whole filter: for a 3×3
 * stride-2 layer 4 taps instead of 9 per output, and no padded copy of dy. Other convolutions take the
 * spread form, whose filter is the forward one turned 180° (in/out channel axes swapped for a full one).
 */
export interface GradientFilter {
  form: 'spread' | 'subpixel';
  filter: tf.Tensor4D;
}

/**
 * Full convolutions only: a depthwise one would need s² multiplier channels of a ⌈k/s⌉² kernel, which
 * XNNPACK runs slower than the spread form's 3×3 (wasm, MobileNet's 112²×48 stride-2 layer: 1.9 ms + a
 * 0.5 ms transpose, against 1.0 + 0.3 ms).
 */
function usesSubPixel(kind: ConvKind, strides: [number, number]): boolean {
  return kind === 'conv' && strides[0] === strides[1] && strides[0] > 1;
}

export function gradientFilter(kind: ConvKind, filter: tf.Tensor4D, strides: [number, number] = [1, 1]): GradientFilter {
  if (usesSubPixel(kind, strides)) return { form: 'subpixel', filter: subPixelFilter(filter, strides[0]) };
  return {
    form: 'spread',
    filter: tf.tidy(() => {
      const turned = tf.reverse(filter, [0, 1]) as tf.Tensor4D;
      return kind === 'conv' ? (tf.transpose(turned, [0, 1, 3, 2]) as tf.Tensor4D) : turned;
    }),
  };
}

/**
 * G[jy, jx, o, (ry·s + rx)·C + c] = W[s(T−1−jy) + ry, s(T−1−jx) + rx, c, o] (zero past the kernel's
 * edge), T = ⌈k/s⌉ taps a side: output (ry, rx) of cell m gathers dy[m − t] · W[s·t + r] over t < T,
 * which is a correlation of dy (padded by T − 1 before) with the taps in reverse order.
 */
function subPixelFilter(filter: tf.Tensor4D, s: number): tf.Tensor4D {
  // Tensor ops, not a loop over dataSync(): a synchronous read of WebGPU weights loses the device on
  // SwiftShader. Ranks stay at 4 or below, which WebGL compiles.
  const [kh, kw, cin, cout] = filter.shape;
  const [th, tw] = [Math.ceil(kh / s), Math.ceil(kw / s)];
  return tf.tidy(() => {
    const padded = tf.pad(filter, [[0, th * s - kh], [0, tw * s - kw], [0, 0], [0, 0]]);
    // ky = s·a + ry with a = T − 1 − jy: split the rows, turn a around; the same for the columns.
    const rows = tf.reverse(tf.reshape(padded, [th, s, tw * s * cin * cout]), 0);
    const cols = tf.reverse(tf.reshape(rows, [th * s, tw, s, cin * cout]), 1);
    // (jy, ry, jx, rx·cin·cout) → (jy, jx, ry, rx·cin·cout); then (jy·jx, ry·rx·cin, cout) → (jy·jx, cout, ry·rx·cin).
    const cells = tf.transpose(tf.reshape(cols, [th, s, tw, s * cin * cout]), [0, 2, 1, 3]);
    const out = tf.transpose(tf.reshape(cells, [th * tw, s * s * cin, cout]), [0, 2, 1]);
    return tf.reshape(out, [th, tw, cout, s * s * cin]) as tf.Tensor4D;
  });
}

/** dx by the sub-pixel form (see GradientFilter): cells m = 0 … ⌈(H + pad)/s⌉ − 1 a side, cut to the input. */
function subPixelInputGradient(
  dy: tf.Tensor4D,
  g: tf.Tensor4D,
  inputShape: readonly number[],
  s: number,
  pad: { top: number; left: number },
): tf.Tensor4D {
  const [th, tw] = g.shape;
  const [, oh, ow] = dy.shape;
  const [mh, mw] = [Math.ceil((inputShape[1] + pad.top) / s), Math.ceil((inputShape[2] + pad.left) / s)];
  const explicit: tf.backend_util.ExplicitPadding = [[0, 0], [th - 1, mh - oh], [tw - 1, mw - ow], [0, 0]];
  const cells = tf.conv2d(dy, g, 1, explicit.flat().every((p) => p === 0) ? 'valid' : explicit);
  // depthToSpace, as a transpose: wasm's DepthToSpace kernel takes 4.6 ms for 112²×12, Transpose 0.5.
  // [n·mh, mw, s, s·cin] → [n·mh, s, mw, s·cin]: rank 4, which every backend compiles.
  const [n, , , channels] = cells.shape;
  const cin = channels / (s * s);
  const split = tf.reshape(cells, [n * mh, mw, s, s * cin]);
  const z = tf.reshape(tf.transpose(split, [0, 2, 1, 3]), [n, mh * s, mw * s, cin]) as tf.Tensor4D;
  if (pad.top === 0 && pad.left === 0 && z.shape[1] === inputShape[1] && z.shape[2] === inputShape[2]) return z;
  return tf.slice(z, [0, pad.top, pad.left, 0], [-1, inputShape[1], inputShape[2], -1]);
}

/**
 * dx of a stride-s convolution of an [N, H, W, C] input with padding (top, left); in the spread form dy spread out with
 * s − 1 zeros between its rows and columns, padded by k − 1 − pad, then convolved at stride 1 with the
 * gradient filter. Forward convolutions are the fastest kernels on every backend; wasm's backprop-input
 * kernels are generic loops, several times slower on a MobileNet's first layer.
 */
export function convInputGradient(
  kind: ConvKind,
  dy: tf.Tensor4D,
  gradFilter: GradientFilter,
  inputShape: readonly number[],
  strides: [number, number],
  pad: { top: number; left: number },
): tf.Tensor4D {
  if (gradFilter.form === 'subpixel') return subPixelInputGradient(dy, gradFilter.filter, inputShape, strides[0], pad);
  const [kh, kw] = gradFilter.filter.shape;
  const [sh, sw] = strides;
  let spread = dy;
  // Rows, then columns, each a rank-4 pad: WebGL cannot compile the shader of a rank-6 pad.
  const [n, oh, ow, c] = dy.shape;
  if (sh > 1) spread = tf.reshape(tf.pad(tf.reshape(spread, [n, oh, 1, ow * c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]), [n, oh * sh, ow, c]);
  if (sw > 1) spread = tf.reshape(tf.pad(tf.reshape(spread, [n * oh * sh, ow, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]), [n, oh * sh, ow * sw, c]);
  const top = kh - 1 - pad.top;
  const left = kw - 1 - pad.left;
  // Rows past the last one the input reaches are zeros of the spreading (or outside the input): drop them.
  const bottom = inputShape[1] + kh - 1 - top - spread.shape[1];
  const right = inputShape[2] + kw - 1 - left - spread.shape[2];
  if (bottom < 0 || right < 0) {
    spread = tf.slice(spread, [0, 0, 0, 0], [-1, spread.shape[1] + Math.min(0, bottom), spread.shape[2] + Math.min(0, right), -1]);
  }
  const pads = [top, Math.max(0, bottom), left, Math.max(0, right)];
  const explicit: Pad = pads.every((p) => p === 0) ? 'valid' : [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]];
  return kind === 'conv' ? tf.conv2d(spread, gradFilter.filter, 1, explicit) : tf.depthwiseConv2d(spread, gradFilter.filter, 1, explicit);
}

/** Padding at the top and left that tfjs applies for this convolution of an input of this shape. */
function leadingPad(spec: FusedConvSpec, inputShape: readonly number[]): { top: number; left: number } {
  const { padInfo } = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    spec.filter.shape,
    spec.strides,
    1,
    spec.pad,
    undefined,
    spec.kind === 'depthwise',
  );
  return padInfo;
}

/**
 * act(conv(x) + b) as one fused kernel — also under a gradient tape, where tfjs' fused ops split into
 * conv, add and activation kernels — with the input gradient masked by the output (relu, relu6) and
 * taken by convInputGradient. The tape sees one op with no weight inputs, so no weight gradient is
 * ever computed. `gradFilter` is gradientFilter(kind, filter, strides), made once by the caller.
 */
export function fusedConvWithInputGradient(spec: FusedConvSpec, gradFilter: GradientFilter): (x: tf.Tensor4D) => tf.Tensor4D {
  const [kh, kw] = spec.filter.shape;
  if (spec.kind === 'conv' && kh === 1 && kw === 1 && spec.strides[0] === 1 && spec.strides[1] === 1) return fusedPointwise(spec, gradFilter);
  const kernel = spec.kind === 'conv' ? 'FusedConv2D' : 'FusedDepthwiseConv2D';
  const attrs = { strides: spec.strides, pad: spec.pad, dataFormat: 'NHWC', dilations: [1, 1], activation: spec.activation };
  const f = (x: tf.Tensor4D, save: (ts: tf.Tensor[]) => void) => {
    const inputs: tf.NamedTensorMap = spec.bias ? { x, filter: spec.filter, bias: spec.bias } : { x, filter: spec.filter };
    const y = tf.engine().runKernel(kernel, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    if (spec.activation !== 'linear') save([y]);
    const inputShape = x.shape;
    return {
      value: y,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const dz = spec.activation === 'linear' ? dy : (reluMask(spec.activation, saved[0], dy) as tf.Tensor4D);
        return convInputGradient(spec.kind, dz, gradFilter, inputShape, spec.strides, leadingPad(spec, inputShape));
      },
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor4D) => tf.Tensor4D;
}

/**
 * A stride-1 1×1 convolution as the matrix product it is, [N·H·W, in] × [in, out], fused with its bias
 * and activation, and dx = dz · Wᵀ. XNNPACK splits a matrix product over its threads better than a
 * convolution of a small map: wasm, 2 threads, 14²×384 → 384 takes 0.99 ms against 1.05, 7²×768 →
 * 768 1.09 against 1.34.
 */
function fusedPointwise(spec: FusedConvSpec, gradFilter: GradientFilter): (x: tf.Tensor4D) => tf.Tensor4D {
  const [, , cin, cout] = spec.filter.shape;
  const attrs = { transposeA: false, transposeB: false, activation: spec.activation };
  const f = (x: tf.Tensor4D, save: (ts: tf.Tensor[]) => void) => {
    const [n, h, wd] = x.shape;
    // Rank 3 ([batch, rows, columns]), as the kernel takes them. Reshapes are views; made per call, they need no owner.
    const a = tf.reshape(x, [1, n * h * wd, cin]);
    const w = tf.reshape(spec.filter, [1, cin, cout]);
    const inputs: tf.NamedTensorMap = spec.bias ? { a, b: w, bias: spec.bias } : { a, b: w };
    const y2 = tf.engine().runKernel('_FusedMatMul', inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor3D;
    if (spec.activation !== 'linear') save([y2]);
    return {
      value: tf.reshape(y2, [n, h, wd, cout]) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const dy2 = tf.reshape(dy, [1, n * h * wd, cout]);
        const dz = spec.activation === 'linear' ? dy2 : reluMask(spec.activation, saved[0], dy2);
        return tf.reshape(tf.matMul(dz as tf.Tensor3D, tf.reshape(gradFilter.filter, [1, cout, cin]) as tf.Tensor3D), [n, h, wd, cin]);
      },
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor4D) => tf.Tensor4D;
}
