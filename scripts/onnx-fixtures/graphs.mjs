// The small random-weight networks behind the committed ONNX fixtures. Between them they use every
// operator the importer supports; each returns { builder, opset, inputDims }.
import { DATA_TYPES, GraphBuilder, f, ref } from './onnxBuilder.mjs';

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weights(random, dims, scale, options) {
  const n = dims.reduce((a, b) => a * b, 1);
  return [dims, Array.from({ length: n }, () => (random() * 2 - 1) * scale), options];
}

/** ResNet/MobileNet-style CNN: conv variants, BN, pools, SE block, residual, Gemm head, final Softmax. */
function cnn() {
  const r = rng(1);
  const g = new GraphBuilder();
  const W = (dims, scale, o) => g.init(...weights(r, dims, scale, o));
  const x = g.input('pixels', [1, 3, 16, 16]);
  let y = g.node('Conv', [x, W([8, 3, 3, 3], 0.4), W([8], 0.1)], { pads: [1, 1, 1, 1], strides: [2, 2] });
  y = g.node('BatchNormalization', [y, W([8], 0.5), W([8], 0.3), W([8], 0.2), g.init([8], Array.from({ length: 8 }, () => 0.5 + r()))], { epsilon: f(1e-3) });
  y = g.node('Relu', [y]);
  // Depthwise with dilation and SAME-style asymmetric padding through auto_pad.
  let d = g.node('Conv', [y, W([8, 1, 3, 3], 0.5)], { group: 8, dilations: [2, 2], pads: [2, 2, 2, 2] });
  d = g.node('Clip', [d, g.constant([], [0]), g.constant([], [6])]);
  // Grouped conv, no bias, asymmetric explicit pads, stride 1.
  let e = g.node('Conv', [d, W([8, 4, 2, 2], 0.4)], { group: 2, pads: [0, 0, 1, 1] });
  e = g.node('HardSwish', [e]);
  // Squeeze-excite: GAP → 1×1 convs → HardSigmoid → channel scale.
  let s = g.node('GlobalAveragePool', [e]);
  s = g.node('Conv', [s, W([4, 8, 1, 1], 0.5), W([4], 0.1)]);
  s = g.node('Relu', [s]);
  s = g.node('Conv', [s, W([8, 4, 1, 1], 0.5), W([8], 0.1)]);
  s = g.node('HardSigmoid', [s], { alpha: f(0.2), beta: f(0.5) });
  e = g.node('Mul', [e, s]);
  y = g.node('Add', [e, y]);
  // Broadcast against a per-channel constant [C,1,1] and a per-column one [W].
  y = g.node('Sub', [y, W([8, 1, 1], 0.2)]);
  y = g.node('Mul', [y, g.node('Cast', [W([8], 0.5, { type: DATA_TYPES.FLOAT16 })], { to: 1 })]);
  let m = g.node('MaxPool', [y], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  m = g.node('Sigmoid', [m]);
  let a = g.node('AveragePool', [y], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 0 });
  a = g.node('AveragePool', [a], { kernel_shape: [2, 2], strides: [1, 1] });
  a = g.node('Tanh', [a]);
  m = g.node('Conv', [m, W([8, 8, 2, 2], 0.4)]);
  y = g.node('Concat', [m, a], { axis: 1 });
  y = g.node('GlobalAveragePool', [y]);
  y = g.node('Flatten', [y], { axis: 1 });
  y = g.node('Gemm', [y, W([10, 16], 0.8), W([10], 0.1)], { transB: 1, alpha: f(1.5), beta: f(0.5) });
  g.output(g.node('Softmax', [y], { axis: 1 }));
  return { builder: g, opset: 17, inputDims: [1, 3, 16, 16] };
}

/** Shape arithmetic with a dynamic batch, view/flatten exports, unary math and slicing. */
function shapes() {
  const r = rng(2);
  const g = new GraphBuilder();
  const W = (dims, scale, o) => g.init(...weights(r, dims, scale, o));
  const x = g.input('input', ['batch', 3, 8, 8]);
  let y = g.node('Conv', [x, W([6, 3, 3, 3], 0.4, { storage: 'typed' }), g.node('Cast', [W([6], 0.1, { type: DATA_TYPES.FLOAT16, storage: 'typed' })], { to: 1 })], { strides: [2, 2], auto_pad: 'SAME_UPPER' });
  y = g.node('Identity', [y]);
  // x.view(x.size(0), -1) as torch.onnx exports it.
  const n = g.node('Gather', [g.node('Shape', [y]), g.constant([], [0], { type: DATA_TYPES.INT64 })], { axis: 0 });
  const target = g.node('Concat', [g.node('Unsqueeze', [n, g.ints([0])]), g.ints([-1])], { axis: 0 });
  let v = g.node('Reshape', [y, target]);
  v = g.node('MatMul', [v, W([96, 12], 0.2)]);
  v = g.node('Add', [v, W([12], 0.1)]);
  const sq = g.node('Pow', [v, g.constant([], [2])]);
  let nrm = g.node('ReduceMean', [sq], { axes: [1], keepdims: 1 });
  nrm = g.node('Sqrt', [g.node('Add', [nrm, g.constant([], [1e-3])])]);
  v = g.node('Div', [v, nrm]);
  v = g.node('Erf', [v]);
  // Slice and gather on a channel axis, Squeeze/Unsqueeze back and forth, Transpose of a matrix.
  const head = g.node('Slice', [v, g.ints([1]), g.ints([9]), g.ints([1]), g.ints([2])]);
  const tail = g.node('Slice', [v, g.ints([-1]), g.ints([-100]), g.ints([1]), g.ints([-3])]);
  let u = g.node('Concat', [head, tail], { axis: 1 });
  u = g.node('Unsqueeze', [u, g.ints([2])]);
  u = g.node('Transpose', [u], { perm: [0, 2, 1] });
  u = g.node('Squeeze', [u, g.ints([1])]);
  const picked = g.node('Gather', [u, g.ints([0, 2, 3, 3])], { axis: 1 });
  u = g.node('Concat', [u, picked], { axis: 1 });
  u = g.node('Tanh', [u]);
  const logits = g.node('Gemm', [u, W([12, 8], 0.7)]);
  g.output(g.node('Softmax', [logits], { axis: -1 }));
  return { builder: g, opset: 13, inputDims: [2, 3, 8, 8] };
}

/** A tiny ViT: patch conv, token reshape, LayerNorm, multi-head attention with 5-D transposes, GELU (Erf and Gelu). */
function vit() {
  const r = rng(3);
  const g = new GraphBuilder();
  const W = (dims, scale, o) => g.init(...weights(r, dims, scale, o));
  const D = 8;
  const heads = 2;
  const x = g.input('x', ['N', 3, 8, 8]);
  let t = g.node('Conv', [x, W([D, 3, 2, 2], 0.4), W([D], 0.1)], { strides: [2, 2] });
  const n = g.node('Gather', [g.node('Shape', [t]), g.ints([0])], { axis: 0 });
  t = g.node('Reshape', [t, g.node('Concat', [n, g.ints([D, -1])], { axis: 0 })]);
  t = g.node('Transpose', [t], { perm: [0, 2, 1] }); // [N, 16, D]
  t = g.node('Add', [t, W([16, D], 0.2)]);
  let h = g.node('LayerNormalization', [t, W([D], 1), W([D], 0.1)], { axis: -1, epsilon: f(1e-5) });
  let qkv = g.node('MatMul', [h, W([D, 3 * D], 0.4)]);
  qkv = g.node('Reshape', [qkv, g.ints([0, 16, 3, heads, D / heads])]);
  qkv = g.node('Transpose', [qkv], { perm: [2, 0, 3, 1, 4] });
  const q = g.node('Gather', [qkv, g.constant([], [0], { type: DATA_TYPES.INT64 })], { axis: 0 });
  const k = g.node('Gather', [qkv, g.constant([], [1], { type: DATA_TYPES.INT64 })], { axis: 0 });
  const v = g.node('Gather', [qkv, g.constant([], [2], { type: DATA_TYPES.INT64 })], { axis: 0 });
  let att = g.node('MatMul', [q, g.node('Transpose', [k], { perm: [0, 1, 3, 2] })]);
  att = g.node('Mul', [att, g.constant([], [0.5])]);
  att = g.node('Softmax', [att], { axis: -1 });
  let o = g.node('MatMul', [att, v]); // [N, heads, 16, d]
  o = g.node('Transpose', [o], { perm: [0, 2, 1, 3] });
  o = g.node('Reshape', [o, g.node('Concat', [n, g.ints([16, D])], { axis: 0 })]);
  t = g.node('Add', [t, g.node('MatMul', [o, W([D, D], 0.4)])]);
  h = g.node('LayerNormalization', [t, W([D], 1)], { axis: 2 });
  h = g.node('MatMul', [h, W([D, 16], 0.4)]);
  // GELU as older exports write it: 0.5·x·(1 + erf(x/√2)).
  const erf = g.node('Erf', [g.node('Div', [h, g.constant([], [Math.SQRT2])])]);
  h = g.node('Mul', [g.node('Mul', [h, g.node('Add', [erf, g.constant([], [1])])]), g.constant([], [0.5])]);
  h = g.node('MatMul', [h, W([16, D], 0.4)]);
  h = g.node('Gelu', [h], { approximate: 'tanh' });
  t = g.node('Add', [t, h]);
  t = g.node('Gelu', [t]);
  const pooled = g.node('ReduceMean', [t, g.ints([1])], { keepdims: 0 });
  const logits = g.node('Gemm', [pooled, W([D, 6], 0.6), W([6], 0.1)]);
  g.output(g.node('Softmax', [logits], { axis: 1 }));
  return { builder: g, opset: 20, inputDims: [2, 3, 8, 8] };
}

/** An ImageNet-shaped head (1000 classes) on a 32×32 input, for the importer's checks. */
function imagenet() {
  const r = rng(4);
  const g = new GraphBuilder();
  const W = (dims, scale, o) => g.init(...weights(r, dims, scale, o));
  const x = g.input('image', ['N', 3, 32, 32]);
  let y = g.node('Conv', [x, W([4, 3, 4, 4], 0.3), W([4], 0.1)], { strides: [4, 4] });
  y = g.node('Sigmoid', [y]);
  y = g.node('GlobalAveragePool', [y]);
  y = g.node('Flatten', [y]);
  g.output(g.node('Gemm', [y, g.node('Cast', [W([1000, 4], 1, { type: DATA_TYPES.FLOAT16 })], { to: 1 }), W([1000], 0.1)], { transB: 1 }));
  return { builder: g, opset: 11, inputDims: [1, 3, 32, 32] };
}

/** Opset 9 attribute forms (Slice, Squeeze, Unsqueeze, Clip), SAME_LOWER/SAME_UPPER windows, counted padding, 2-D Softmax coercion. */
function legacy() {
  const r = rng(5);
  const g = new GraphBuilder();
  const W = (dims, scale, o) => g.init(...weights(r, dims, scale, o));
  const x = g.input('data', [1, 3, 9, 9]);
  let y = g.node('Conv', [x, W([4, 3, 3, 3], 0.4), W([4], 0.1)], { auto_pad: 'SAME_LOWER', strides: [2, 2] });
  y = g.node('Clip', [y], { min: f(-0.5), max: f(0.8) });
  const a = g.node('MaxPool', [y], { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 0, 0] });
  let b = g.node('AveragePool', [y], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 });
  b = g.node('AveragePool', [b], { kernel_shape: [2, 2], auto_pad: 'SAME_UPPER' });
  y = g.node('Concat', [a, b], { axis: 1 }); // [1, 8, 3, 3]
  y = g.node('Slice', [y], { starts: [1, 0], ends: [7, 2], axes: [1, 3] }); // [1, 6, 3, 2]
  y = g.node('Unsqueeze', [y], { axes: [0] });
  y = g.node('Squeeze', [y], { axes: [0] });
  y = g.node('Reshape', [y, g.ints([1, 6, 6])]);
  y = g.node('Softmax', [y], { axis: 1 }); // opset < 13: softmax over the 36 values together
  y = g.node('Flatten', [y]);
  g.output(g.node('Gemm', [y, W([36, 5], 3), W([5], 0.1)]));
  return { builder: g, opset: 9, inputDims: [1, 3, 9, 9] };
}

/** A converted TensorFlow model: NHWC input, transposed to NCHW inside the graph and back for a channel-last MatMul; ceil-mode pools. */
function nhwc() {
  const r = rng(6);
  const g = new GraphBuilder();
  const W = (dims, scale, o) => g.init(...weights(r, dims, scale, o));
  const x = g.input('input_1', ['unk__0', 8, 8, 3]);
  let y = g.node('Transpose', [x], { perm: [0, 3, 1, 2] });
  y = g.node('Conv', [y, W([5, 3, 3, 3], 0.4)], { pads: [1, 1, 1, 1] });
  const m = g.node('MaxPool', [y], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 });
  const a = g.node('AveragePool', [y], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 });
  y = g.node('Sub', [m, a]);
  y = g.node('Transpose', [y], { perm: [0, 2, 3, 1] });
  y = g.node('MatMul', [y, W([5, 4], 0.5)]); // channel-last dense on every pixel
  y = g.node('Relu', [y]);
  y = g.node('ReduceMean', [y], { axes: [1, 2], keepdims: 0 });
  g.output(g.node('Softmax', [g.node('MatMul', [y, W([4, 7], 1)])], { axis: -1 }));
  return { builder: g, opset: 13, inputDims: [2, 8, 8, 3] };
}

/** What torch.onnx makes of timm's ViT: padded input, cls token expanded with Shape/ConstantOfShape/Equal/Where, Split q/k/v. */
function timmlike() {
  const r = rng(7);
  const g = new GraphBuilder();
  const W = (dims, scale, o) => g.init(...weights(r, dims, scale, o));
  const D = 6;
  const x = g.input('x', ['batch', 3, 8, 8]);
  let y = g.node('Pad', [x, g.ints([0, 0, 1, 1, 0, 0, 1, 1])], { mode: 'reflect' });
  y = g.node('Pad', [y, g.ints([0, 0, 0, 1, 0, 0, 1, 0]), g.constant([], [0.25])]); // 11×11
  y = g.node('Conv', [y, W([D, 3, 3, 3], 0.4), W([D], 0.1)], { strides: [3, 3] }); // 3×3
  const shape = g.node('Shape', [y]);
  const nd = g.node('Slice', [shape, g.ints([0]), g.ints([2])]);
  let t = g.node('Reshape', [y, g.node('Concat', [nd, g.ints([-1])], { axis: 0 })]);
  t = g.node('Transpose', [t], { perm: [0, 2, 1] }); // [N, 9, D]
  // cls_token.expand(B, -1, -1), as torch.onnx writes it.
  const n = g.node('Gather', [shape, g.constant([], [0], { type: DATA_TYPES.INT64 })], { axis: 0 });
  const target = g.node('Concat', [g.node('Unsqueeze', [n, g.ints([0])]), g.ints([-1, -1])], { axis: 0 });
  const ones = g.node('ConstantOfShape', [g.ints([3])], { value: { t: { name: '', dims: [1], data_type: DATA_TYPES.INT64, int64_data: [1] } } });
  const minusOnes = g.node('Mul', [ones, g.constant([], [-1], { type: DATA_TYPES.INT64 })]);
  const fixed = g.node('Where', [g.node('Equal', [target, minusOnes]), ones, target]);
  const cls = g.node('Expand', [W([1, 1, D], 0.5), fixed]);
  t = g.node('Concat', [cls, t], { axis: 1 }); // [N, 10, D]
  const [q, k, v] = g.node('Split', [g.node('MatMul', [t, W([D, 3 * D], 0.4)]), g.ints([D, D, D])], { axis: 2 }, { outputs: 3 });
  let att = g.node('MatMul', [q, g.node('Transpose', [k], { perm: [0, 2, 1] })]);
  att = g.node('Softmax', [att], { axis: -1 });
  const o = g.node('MatMul', [att, v]);
  const first = g.node('Gather', [o, g.constant([], [0], { type: DATA_TYPES.INT64 })], { axis: 1 });
  g.output(g.node('Gemm', [first, W([D, 5], 1), W([5], 0.1)]));
  return { builder: g, opset: 13, inputDims: [2, 3, 8, 8] };
}

/** Model-local functions, as torch.onnx's dynamo exporter writes modules: nested calls, attribute references and defaults. */
function functions() {
  const r = rng(8);
  const g = new GraphBuilder();
  const W = (dims, scale, o) => g.init(...weights(r, dims, scale, o));
  const D = 'pkg.alignscope';
  g.func(D, 'Gate', ['X'], ['alpha'], { alpha: f(0.2) }, (b, X) => b.node('Mul', [X, b.node('HardSigmoid', [X], { alpha: ref('alpha', 1), beta: f(0.5) })]));
  g.func(D, 'ConvGate', ['X', 'W', 'B'], ['alpha'], {}, (b, X, Wt, B) =>
    b.node('Gate', [b.node('Conv', [X, Wt, B], { pads: [1, 1, 1, 1] })], { alpha: ref('alpha', 1) }, { domain: D }),
    { extraOpsets: [{ domain: D, version: 1 }] },
  );
  const x = g.input('x', ['N', 3, 8, 8]);
  let y = g.node('ConvGate', [x, W([4, 3, 3, 3], 0.5), W([4], 0.1)], { alpha: f(0.3) }, { domain: D });
  y = g.node('ConvGate', [y, W([4, 4, 3, 3], 0.5), W([4], 0.1)], { alpha: f(0.1) }, { domain: D });
  y = g.node('Gate', [y], {}, { domain: D }); // alpha from the function's default
  y = g.node('Flatten', [g.node('GlobalAveragePool', [y])]);
  g.output(g.node('Gemm', [y, W([4, 6], 1), W([6], 0.1)]));
  return { builder: g, opset: 17, extraOpsets: [{ domain: D, version: 1 }], inputDims: [2, 3, 8, 8] };
}

/** Further element-wise operators exported classifiers use: Abs, Reciprocal, Softplus, LeakyRelu, Elu, and variadic Max/Min/Sum/Mean. */
function misc() {
  const r = rng(9);
  const g = new GraphBuilder();
  const W = (dims, scale, o) => g.init(...weights(r, dims, scale, o));
  const x = g.input('x', ['N', 3, 6, 6]);
  const y = g.node('Conv', [x, W([4, 3, 3, 3], 0.6), W([4], 0.1)], { pads: [1, 1, 1, 1] });
  const a = g.node('LeakyRelu', [y], { alpha: f(0.2) });
  const b = g.node('Elu', [y], { alpha: f(0.7) });
  const e = g.node('Elu', [y]);
  const s = g.node('Softplus', [y]);
  const m = g.node('Max', [a, b, W([4, 1, 1], 0.3)]);
  const n = g.node('Min', [e, s]);
  const q = g.node('Reciprocal', [g.node('Add', [g.node('Abs', [y]), g.constant([], [1])])]);
  let z = g.node('Sum', [m, n, q]);
  z = g.node('Mean', [z, g.node('Abs', [b])]);
  z = g.node('Flatten', [g.node('GlobalAveragePool', [z])]);
  g.output(g.node('Gemm', [z, W([4, 5], 1), W([5], 0.1)]));
  return { builder: g, opset: 13, inputDims: [2, 3, 6, 6] };
}

export const FIXTURES = { cnn, shapes, vit, imagenet, legacy, nhwc, timmlike, functions, misc };

/** Files the importer must refuse, each with its own clear error. */
function tinyConvNet(g, inputDims) {
  const x = g.input('x', inputDims);
  const y = g.node('Conv', [x, g.init([2, 3, 1, 1], [1, 0, 0, 0, 1, 0])]);
  return g.node('GlobalAveragePool', [y]);
}

export const BROKEN = {
  'unsupported-ops': () => {
    const g = new GraphBuilder();
    let y = tinyConvNet(g, [1, 3, 4, 4]);
    y = g.node('Resize', [y], { mode: 'linear' });
    y = g.node('FusedConv', [y], {}, { domain: 'com.microsoft' });
    y = g.node('GridSample', [y, y]);
    y = g.node('Resize', [y], { mode: 'linear' });
    g.output(g.node('Flatten', [y]));
    return g.encode({ opset: 17, extraOpsets: [{ domain: 'com.microsoft', version: 1 }] });
  },
  'dynamic-size': () => {
    const g = new GraphBuilder();
    g.output(g.node('Flatten', [tinyConvNet(g, ['N', 3, 'height', 'width'])]));
    return g.encode();
  },
  'no-input-shape': () => {
    const g = new GraphBuilder();
    g.output(g.node('Flatten', [tinyConvNet(g, null)]));
    return g.encode();
  },
  'runtime-shape': () => {
    const g = new GraphBuilder();
    const y = tinyConvNet(g, [1, 3, 4, 4]);
    // A reshape target computed from pixel values: no fixed shape exists.
    const target = g.node('Cast', [g.node('Flatten', [y])], { to: 7 });
    g.output(g.node('Reshape', [y, target]));
    return g.encode();
  },
  'external-data': () => {
    const g = new GraphBuilder();
    g.output(g.node('Flatten', [tinyConvNet(g, [1, 3, 4, 4])]));
    const w = g.initializers[0];
    delete w.raw_data;
    w.data_location = 1;
    w.external_data = [{ key: 'location', value: 'model.onnx.data' }, { key: 'offset', value: '0' }, { key: 'length', value: '24' }];
    return g.encode();
  },
  'opset-30': () => {
    const g = new GraphBuilder();
    g.output(g.node('Flatten', [tinyConvNet(g, [1, 3, 4, 4])]));
    return g.encode({ opset: 30 });
  },
  'ten-classes': () => {
    const g = new GraphBuilder();
    const y = g.node('Flatten', [tinyConvNet(g, [1, 3, 4, 4])]);
    g.output(g.node('Gemm', [y, g.init([2, 10], Array.from({ length: 20 }, (_, i) => i / 20))]));
    return g.encode();
  },
};
