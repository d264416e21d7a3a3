import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type Attrs = Record<string, unknown>;
type KernelArgs = Parameters<tf.KernelFunc>[0];
interface Backend {
  disposeData(dataId: object): boolean;
}

/**
 * Runs wasm kernels one after another, remembering every intermediate so that all but the
 * result can be freed: composite kernels own their temporaries, as tfjs' own kernels do.
 */
class KernelScope {
  private temps: TensorInfo[] = [];
  constructor(private backend: Backend) {}

  run(name: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: Attrs = {}): TensorInfo {
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) throw new Error(`The wasm backend has no ${name} kernel to build a gradient from.`);
    const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend: this.backend as never, attrs: attrs as never }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  /** Frees every intermediate except `result`. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.temps) if (t !== result) this.backend.disposeData(t.dataId);
    return result;
  }
}

function pad4(k: KernelScope, x: TensorInfo, [top, bottom, left, right]: number[]): TensorInfo {
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return x;
  const clipped = [Math.max(0, top), Math.max(0, bottom), Math.max(0, left), Math.max(0, right)];
  let out = k.run('PadV2', { x }, {
    paddings: [[0, 0], [clipped[0], clipped[1]], [clipped[2], clipped[3]], [0, 0]],
    constantValue: 0,
  });
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = out.shape;
    const begin = [0, Math.max(0, -top), Math.max(0, -left), 0];
    const size = [n, h - begin[1] - Math.max(0, -bottom), w - begin[2] - Math.max(0, -right), c];
    out = k.run('Slice', { x: out }, { begin, size });
  }
  return out;
}

/** Inserts stride-1 zeros between rows and columns: the transpose of a strided convolution's sampling. */
function dilateByStride(k: KernelScope, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape;
  const split = k.run('Reshape', { x: dy }, { shape: [n, oh, 1, ow, 1, c] });
  const padded = k.run('PadV2', { x: split }, {
    paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
    constantValue: 0,
  });
  const merged = k.run('Reshape', { x: padded }, { shape: [n, oh * sh, ow * sw, c] });
  return k.run('Slice', { x: merged }, { begin: [0, 0, 0, 0], size: [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c] });
}

function convInfo(xShape: number[], filterShape: number[], attrs: Attrs, depthwise: boolean) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    (attrs.dilations as [number, number] | undefined) ?? 1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'round' | undefined,
    depthwise,
  );
}

/**
 * dx of a depthwise convolution: a depthwise convolution of the stride-dilated, padded dy with
 * the 180°-rotated filter, one output channel per (channel, multiplier) pair, summed over the multiplier.
 */
function depthwiseBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const k = new KernelScope(backend as unknown as Backend);
  const inputShape = attrs!.inputShape as number[];
  const info = convInfo(inputShape, filter.shape, attrs!, true);
  const [fh, fw, c, m] = filter.shape;
  const efh = info.effectiveFilterHeight;
  const efw = info.effectiveFilterWidth;
  const dilated = dilateByStride(k, dy, info.strideHeight, info.strideWidth);
  const top = efh - 1 - info.padInfo.top;
  const left = efw - 1 - info.padInfo.left;
  const padded = pad4(k, dilated, [
    top,
    inputShape[1] + efh - 1 - top - dilated.shape[1],
    left,
    inputShape[2] + efw - 1 - left - dilated.shape[2],
  ]);
  const rotated = k.run('Reverse', { x: filter }, { dims: [0, 1] });
  const perChannel = k.run('Reshape', { x: rotated }, { shape: [fh, fw, c * m, 1] });
  let dx = k.run('DepthwiseConv2dNative', { x: padded, filter: perChannel }, {
    strides: [1, 1],
    dilations: [info.dilationHeight, info.dilationWidth],
    pad: 'valid',
  });
  if (m > 1) {
    const [n, h, w] = dx.shape;
    const split = k.run('Reshape', { x: dx }, { shape: [n, h, w, c, m] });
    dx = k.run('Sum', { x: split }, { axis: [4], keepDims: false });
  }
  return k.finish(dx);
}

/** The input window each filter tap (ky, kx) sees: [N, outH, outW, C] from the zero-padded x. */
function tapWindow(k: KernelScope, xPad: TensorInfo, info: tf.backend_util.Conv2DInfo, ky: number, kx: number): TensorInfo {
  const y0 = ky * info.dilationHeight;
  const x0 = kx * info.dilationWidth;
  return k.run('StridedSlice', { x: xPad }, {
    begin: [0, y0, x0, 0],
    end: [info.batchSize, y0 + (info.outHeight - 1) * info.strideHeight + 1, x0 + (info.outWidth - 1) * info.strideWidth + 1, info.inChannels],
    strides: [1, info.strideHeight, info.strideWidth, 1],
    beginMask: 0,
    endMask: 0,
    ellipsisMask: 0,
    newAxisMask: 0,
    shrinkAxisMask: 0,
  });
}

function paddedInput(k: KernelScope, x: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const { top, bottom, left, right } = info.padInfo;
  return pad4(k, x, [top, bottom, left, right]);
}

/** Stacks per-tap [a, b] results into a [fh, fw, a, b] filter gradient. */
function stackTaps(k: KernelScope, taps: TensorInfo[], shape: number[]): TensorInfo {
  const rows = taps.map((t) => k.run('Reshape', { x: t }, { shape: [1, ...t.shape] }));
  const stacked = rows.length === 1 ? rows[0] : k.run('Concat', rows, { axis: 0 });
  return k.run('Reshape', { x: stacked }, { shape });
}

/** dW of a convolution, one filter tap at a time: dW[ky,kx] = window(ky,kx)ᵀ · dy over all output positions. */
function conv2dBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const k = new KernelScope(backend as unknown as Backend);
  const filterShape = attrs!.filterShape as number[];
  const info = convInfo(x.shape, filterShape, { ...attrs, dilations: 1 }, false);
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const xPad = paddedInput(k, x, info);
  const dy3 = k.run('Reshape', { x: dy }, { shape: [1, positions, info.outChannels] });
  const taps: TensorInfo[] = [];
  for (let ky = 0; ky < info.filterHeight; ky++) {
    for (let kx = 0; kx < info.filterWidth; kx++) {
      const win = k.run('Reshape', { x: tapWindow(k, xPad, info, ky, kx) }, { shape: [1, positions, info.inChannels] });
      const prod = k.run('BatchMatMul', { a: win, b: dy3 }, { transposeA: true, transposeB: false });
      taps.push(k.run('Reshape', { x: prod }, { shape: [info.inChannels, info.outChannels] }));
    }
  }
  return k.finish(stackTaps(k, taps, filterShape));
}

/** dW of a depthwise convolution, one tap at a time: Σ over positions of window(ky,kx) · dy per channel. */
function depthwiseBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const k = new KernelScope(backend as unknown as Backend);
  const filterShape = attrs!.filterShape as number[];
  const [, , c, m] = filterShape;
  const info = convInfo(x.shape, filterShape, attrs!, true);
  const xPad = paddedInput(k, x, info);
  const dy5 = k.run('Reshape', { x: dy }, { shape: [info.batchSize, info.outHeight, info.outWidth, c, m] });
  const taps: TensorInfo[] = [];
  for (let ky = 0; ky < info.filterHeight; ky++) {
    for (let kx = 0; kx < info.filterWidth; kx++) {
      const win = k.run('Reshape', { x: tapWindow(k, xPad, info, ky, kx) }, {
        shape: [info.batchSize, info.outHeight, info.outWidth, c, 1],
      });
      const prod = k.run('Multiply', { a: win, b: dy5 });
      taps.push(k.run('Sum', { x: prod }, { axis: [0, 1, 2], keepDims: false }));
    }
  }
  return k.finish(stackTaps(k, taps, filterShape));
}

/**
 * UnsortedSegmentSum (the gradient of tf.gather: a ViT's class token, a strided slice) as a one-hot
 * matrix product: out[s] = Σ_i [id_i = s] · x[i]. The segments are an axis of the gathered tensor.
 */
function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const k = new KernelScope(backend as unknown as Backend);
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const n = segmentIds.shape.reduce((a, b) => a * b, 1);
  const rest = x.shape.slice(segmentIds.shape.length);
  const width = rest.reduce((a, b) => a * b, 1);
  const ids = k.run('Reshape', { x: segmentIds }, { shape: [n] });
  // wasm's OneHot writes int32 whatever dtype it is asked for.
  const hot = k.run('Cast', { x: k.run('OneHot', { indices: ids }, { depth: numSegments, onValue: 1, offValue: 0, dtype: 'int32' }) }, { dtype: 'float32' });
  const a = k.run('Reshape', { x: hot }, { shape: [1, n, numSegments] });
  const b = k.run('Reshape', { x }, { shape: [1, n, width] });
  const sums = k.run('BatchMatMul', { a, b }, { transposeA: true, transposeB: false });
  return k.finish(k.run('Reshape', { x: sums }, { shape: [numSegments, ...rest] }));
}

const KERNELS: [string, tf.KernelFunc][] = [
  ['UnsortedSegmentSum', unsortedSegmentSum],
  ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput],
  ['Conv2DBackpropFilter', conv2dBackpropFilter],
  ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter],
];

/**
 * Identity that shares its input's memory, as the cpu and WebGL backends' do and as wasm's own Reshape
 * does (tensors are immutable): wasm's copies it. The gradient tape clones every tensor a backward
 * function keeps, one activation per layer of an attack step, 15 MB for MobileNet v1 0.75.
 */
function sharedIdentity({ inputs, backend }: KernelArgs): TensorInfo {
  const { x } = inputs as { x: TensorInfo };
  (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Registers, for the wasm backend, the backward kernels it ships without, composed from kernels
 * it has. Input gradients of MobileNets need DepthwiseConv2dNativeBackpropInput, those of ONNX
 * transformers UnsortedSegmentSum (tf.gather's gradient); the filter ones
 * let the naive layers-model gradient run on wasm too (for comparisons). Also replaces wasm's copying
 * Identity with sharedIdentity. Safe to call repeatedly.
 */
export function registerWasmGradientKernels(): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  if (tf.getKernel('Identity', 'wasm')?.kernelFunc !== sharedIdentity) {
    if (tf.getKernel('Identity', 'wasm')) tf.unregisterKernel('Identity', 'wasm');
    tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: sharedIdentity });
  }
}
