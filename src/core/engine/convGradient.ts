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
 * The filter of the input gradient: turned 180°, and for a full convolution with its in/out channel
 * axes swapped, so that dx is a stride-1 forward convolution of (stride-dilated) dy.
 */
export function gradientFilter(kind: ConvKind, filter: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const turned = tf.reverse(filter, [0, 1]) as tf.Tensor4D;
    return kind === 'conv' ? (tf.transpose(turned, [0, 1, 3, 2]) as tf.Tensor4D) : turned;
  });
}

/**
 * dx of a stride-s convolution of an [N, H, W, C] input with padding (top, left): dy spread out with
 * s − 1 zeros between its rows and columns, padded by k − 1 − pad, then convolved at stride 1 with the
 * gradient filter. Forward convolutions are the fastest kernels on every backend; wasm's backprop-input
 * kernels are generic loops, several times slower on a MobileNet's first layer.
 */
export function convInputGradient(
  kind: ConvKind,
  dy: tf.Tensor4D,
  gradFilter: tf.Tensor4D,
  inputShape: readonly number[],
  strides: [number, number],
  pad: { top: number; left: number },
): tf.Tensor4D {
  const [kh, kw] = gradFilter.shape;
  const [sh, sw] = strides;
  let spread = dy;
  if (sh > 1 || sw > 1) {
    const [n, oh, ow, c] = dy.shape;
    const split = tf.reshape(dy, [n, oh, 1, ow, 1, c]);
    const zeros = tf.pad(split, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
    spread = tf.reshape(zeros, [n, oh * sh, ow * sw, c]);
  }
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
  return kind === 'conv' ? tf.conv2d(spread, gradFilter, 1, explicit) : tf.depthwiseConv2d(spread, gradFilter, 1, explicit);
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
 * ever computed. `gradFilter` is gradientFilter(kind, filter), made once by the caller.
 */
export function fusedConvWithInputGradient(spec: FusedConvSpec, gradFilter: tf.Tensor4D): (x: tf.Tensor4D) => tf.Tensor4D {
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
