import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_TYPES, f, GraphBuilder } from '../../../../scripts/onnx-fixtures/onnxBuilder.mjs';
import { useBackend } from '../../../test/backend';
import { importerRun, ortDerivative, ortRun, wave } from './ortOracle';

beforeAll(() => useBackend('cpu'));

const DIMS = [2, 3, 4, 4];

/**
 * Image-path operators in the forms PyTorch 1.13 does not export (opset 18 GroupNormalization, Mish,
 * ReduceL2 with an axes input, Einsum's other equations): outputs against onnxruntime-web, and the
 * input gradient (tf.grad) against its central finite difference. The forms PyTorch exports are
 * checked against PyTorch's autograd in fixtures/torch/op_*.
 */
const CASES: Record<string, { opset: number; build: (g: GraphBuilder, x: string) => string }> = {
  'GroupNormalization (opset 18, per-group scale)': {
    opset: 18,
    build: (g, x) => {
      const y = g.node('Conv', [x, g.init([6, 3, 1, 1], wave(18)), g.init([6], wave(6, 1))]);
      return g.node('GroupNormalization', [y, g.init([3], [0.5, 1.5, -1]), g.init([3], [0.1, -0.2, 0.3])], { num_groups: 3, epsilon: f(1e-3) });
    },
  },
  'InstanceNormalization': {
    opset: 17,
    build: (g, x) => g.node('InstanceNormalization', [x, g.init([3], [0.5, 1.5, -1]), g.init([3], [0.1, -0.2, 0.3])], { epsilon: f(1e-3) }),
  },
  Mish: { opset: 18, build: (g, x) => g.node('Mish', [g.node('Mul', [x, g.init([], [3])])]) },
  'Selu with its own alpha and gamma': { opset: 17, build: (g, x) => g.node('Selu', [g.node('Sub', [x, g.init([], [0.45])])], { alpha: f(1.5), gamma: f(2) }) },
  'PRelu with a per-channel slope': { opset: 17, build: (g, x) => g.node('PRelu', [g.node('Sub', [x, g.init([], [0.45])]), g.init([3, 1, 1], [0.1, -0.5, 2])]) },
  'ReduceSum, ReduceMax, ReduceL2 (axes as input)': {
    opset: 18,
    build: (g, x) => {
      const axes = g.init([1], [3], { type: DATA_TYPES.INT64 });
      const s = g.node('ReduceSum', [x, g.init([2], [2, 3], { type: DATA_TYPES.INT64 })]);
      const m = g.node('ReduceMax', [x, axes]);
      const l2 = g.node('ReduceL2', [x, axes]);
      return g.node('Add', [g.node('Mul', [x, s]), g.node('Sub', [m, l2])]);
    },
  },
  'Einsum bij,bjk->bik with a constant and implicit output': {
    opset: 17,
    build: (g, x) => {
      const t = g.node('Reshape', [x, g.init([3], [2, 12, 4], { type: DATA_TYPES.INT64 })]);
      const a = g.node('Einsum', [t, g.init([4, 5], wave(20))], { equation: 'bij,jk' });
      return g.node('Einsum', [a, a], { equation: '...ik,...jk->...ij' });
    },
  },
  'Einsum of one operand (sum and transpose)': { opset: 17, build: (g, x) => g.node('Einsum', [x], { equation: 'bchw->bwc' }) },
  'Split into three with a sizes input': {
    opset: 17,
    build: (g, x) => {
      const [a, b, c] = g.node('Split', [x, g.init([3], [1, 1, 2], { type: DATA_TYPES.INT64 })], { axis: 2 }, { outputs: 3 });
      return g.node('Concat', [g.node('Mul', [c!, c!]), a!, g.node('Tanh', [b!])], { axis: 2 });
    },
  },
};

describe.each(Object.keys(CASES))('%s', (name) => {
  const { opset, build } = CASES[name]!;
  const g = new GraphBuilder();
  const x = g.input('x', DIMS);
  g.output(g.node('Flatten', [build(g, x)]));
  const bytes = g.encode({ opset });
  const input = wave(96).map((v) => (v + 1) / 2);
  const direction = wave(96, 2);

  it('matches onnxruntime-web: outputs within 1e-5, input gradient within its finite difference', async () => {
    const expected = await ortRun(bytes, DIMS, input);
    const weights = wave(expected.length, 3);
    const before = tf.memory().numTensors;
    const { out, derivative } = importerRun(bytes, DIMS, input, direction, weights);
    expect(tf.memory().numTensors).toBe(before);
    const scale = Math.max(1, ...expected.map(Math.abs));
    out.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5 * scale));
    const reference = await ortDerivative(bytes, DIMS, input, direction, weights);
    // float32 central differences at h = 1e-3: rounding of order 1e-3 relative.
    expect(Math.abs(derivative - reference)).toBeLessThan(2e-3 * Math.abs(reference) + 1e-3);
  });
});
