import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_TYPES, GraphBuilder } from '../../../../scripts/onnx-fixtures/onnxBuilder.mjs';
import { useBackend } from '../../../test/backend';
import { buildOnnxModel } from './buildModel';
import { OnnxImportError } from './errors';
import { importerRun, ortRun, wave } from './ortOracle';
import { readOnnxModel } from './reader';

beforeAll(() => useBackend('cpu'));

const { INT64 } = DATA_TYPES;
const BOOL = 9;
const DIMS = [1, 3, 2, 2];

/**
 * Each case builds a constant subgraph (from initializers and Constant nodes only, or from the image's
 * shape) and appends its values, cast to float, to the flattened image: onnxruntime-web computes the
 * same graph, so every folded value is checked against an independent runtime.
 */
type Case = (g: GraphBuilder, x: string) => string;

const ints = (g: GraphBuilder, dims: number[], values: number[]) => g.init(dims, values, { type: INT64 });
const floats = (g: GraphBuilder, dims: number[], values: number[]) => g.init(dims, values);
const bools = (g: GraphBuilder, values: number[]) => g.node('Cast', [ints(g, [values.length], values)], { to: BOOL });

const CASES: Record<string, Case> = {
  Range: (g) => g.node('Concat', [g.node('Range', [ints(g, [], [2]), ints(g, [], [11]), ints(g, [], [3])]), g.node('Cast', [g.node('Range', [floats(g, [], [1]), floats(g, [], [-1]), floats(g, [], [-0.75])])], { to: INT64 })], { axis: 0 }),
  'Range of floats': (g) => g.node('Range', [floats(g, [], [0.5]), floats(g, [], [2]), floats(g, [], [0.4])]),
  Mod: (g) => g.node('Mod', [ints(g, [4], [-7, 7, 5, -8]), ints(g, [4], [3, -3, 3, -3])]),
  'Mod with fmod': (g) => g.node('Mod', [floats(g, [3], [-7.5, 7.25, 5]), floats(g, [3], [2, -2, 3])], { fmod: 1 }),
  'Not, And, Or, Xor': (g) => {
    const a = bools(g, [1, 1, 0, 0]);
    const b = bools(g, [1, 0, 1, 0]);
    return g.node('Concat', [g.node('Not', [a]), g.node('And', [a, b]), g.node('Or', [a, b]), g.node('Xor', [a, b])], { axis: 0 });
  },
  'Equal of floats': (g) => g.node('Equal', [floats(g, [3], [0.5, 1, 2]), floats(g, [1], [1])]),
  'Equal, Less, Greater': (g) => {
    const a = ints(g, [3], [1, 5, 3]);
    const b = ints(g, [1], [3]);
    return g.node('Concat', [g.node('Equal', [a, b]), g.node('Less', [a, b]), g.node('Greater', [a, b])], { axis: 0 });
  },
  Where: (g) => g.node('Where', [bools(g, [1, 0, 1]), floats(g, [2, 1], [1.5, -2]), floats(g, [3], [7, 8, 9])]),
  ScatterND: (g) => g.node('ScatterND', [floats(g, [4, 2], wave(8)), ints(g, [2, 1], [3, 1]), floats(g, [2, 2], [10, 11, 12, 13])]),
  ScatterElements: (g) => g.node('ScatterElements', [floats(g, [3, 3], wave(9)), ints(g, [2, 3], [1, 0, 2, 0, 2, 1]), floats(g, [2, 3], [1, 2, 3, 4, 5, 6])], { axis: 0, reduction: 'add' }),
  Tile: (g) => g.node('Tile', [ints(g, [2, 1], [4, 9]), ints(g, [2], [2, 3])]),
  Expand: (g) => g.node('Expand', [floats(g, [3, 1], [1, 2, 3]), ints(g, [3], [2, 1, 4])]),
  CumSum: (g) => g.node('CumSum', [floats(g, [2, 3], [1, 2, 3, 4, 5, 6]), ints(g, [], [1])], { exclusive: 1, reverse: 1 }),
  NonZero: (g) => g.node('NonZero', [ints(g, [2, 3], [0, 4, 0, 2, 0, 7])]),
  OneHot: (g) => g.node('OneHot', [ints(g, [3], [0, 2, -1]), ints(g, [], [4]), floats(g, [2], [0.5, 5])], { axis: 0 }),
  Cast: (g) => g.node('Concat', [g.node('Cast', [floats(g, [3], [-1.7, 2.5, 0])], { to: INT64 }), g.node('Cast', [g.node('Cast', [floats(g, [3], [-1.7, 2.5, 0])], { to: BOOL })], { to: INT64 })], { axis: 0 }),
  Trilu: (g) => g.node('Trilu', [floats(g, [3, 4], wave(12)), ints(g, [], [1])], { upper: 0 }),
  GatherND: (g) => g.node('GatherND', [floats(g, [2, 2, 2], wave(8)), ints(g, [2, 2], [0, 1, 1, 0])]),
  'GatherND with batch_dims': (g) => g.node('GatherND', [floats(g, [2, 2, 2], wave(8)), ints(g, [2, 1], [1, 0])], { batch_dims: 1 }),
  GatherElements: (g) => g.node('GatherElements', [floats(g, [3, 3], wave(9)), ints(g, [2, 3], [1, 2, 0, 2, 0, -1])], { axis: 1 }),
  Split: (g) => {
    const [a, b, c] = g.node('Split', [ints(g, [6], [1, 2, 3, 4, 5, 6]), ints(g, [3], [1, 2, 3])], { axis: 0 }, { outputs: 3 });
    return g.node('Concat', [c!, a!, b!], { axis: 0 });
  },
  'Resize linear': (g) => g.node('Resize', [floats(g, [1, 1, 2, 3], wave(6)), '', floats(g, [4], [1, 1, 2, 1.5])], { mode: 'linear' }),
  'Resize nearest': (g) => g.node('Resize', [floats(g, [1, 1, 2, 3], wave(6)), '', '', ints(g, [4], [1, 1, 3, 5])], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }),
  'Transpose of integers': (g) => g.node('Transpose', [ints(g, [2, 3], [1, 2, 3, 4, 5, 6])], { perm: [1, 0] }),
  'Concat of rank-2 integers': (g) => g.node('Concat', [ints(g, [2, 1], [1, 2]), ints(g, [2, 2], [3, 4, 5, 6])], { axis: 1 }),
  ReduceSum: (g) => g.node('ReduceSum', [ints(g, [2, 3], [1, 2, 3, 4, 5, 6]), ints(g, [1], [1])], { keepdims: 0 }),
  'ReduceMax of floats': (g) => g.node('ReduceMax', [floats(g, [2, 3], wave(6))], { axes: [0] }),
  'integer Div truncates': (g) => g.node('Div', [ints(g, [3], [7, -7, 6]), ints(g, [1], [2])]),
  // Shape arithmetic from the image's shape runs on the host at every forward pass (the batch may vary).
  'Range over the image width': (g, x) => g.node('Range', [ints(g, [], [0]), g.node('Gather', [g.node('Shape', [x]), ints(g, [], [3])]), ints(g, [], [1])]),
  'TF-same pads from the image shape': (g, x) => {
    const h = g.node('Cast', [g.node('Gather', [g.node('Shape', [x]), ints(g, [], [2])])], { to: 1 });
    const ceil = g.node('Ceil', [g.node('Div', [h, floats(g, [], [3])])]);
    return g.node('Transpose', [g.node('Reshape', [g.node('Cast', [ceil], { to: INT64 }), ints(g, [2], [1, 1])])], { perm: [1, 0] });
  },
};

function graphWith(make: Case): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', DIMS);
  const folded = g.node('Cast', [make(g, x)], { to: 1 });
  const tail = g.node('Reshape', [folded, g.init([2], [1, -1], { type: INT64 })]);
  g.output(g.node('Concat', [g.node('Flatten', [x]), tail], { axis: 1 }));
  return g.encode({ opset: 17 });
}

describe('constant subgraphs fold as onnxruntime-web computes them', () => {
  const x = wave(12).map((v) => (v + 1) / 2);
  it.each(Object.keys(CASES))('%s', async (name) => {
    const bytes = graphWith(CASES[name]!);
    const expected = await ortRun(bytes, DIMS, x);
    const before = tf.memory().numTensors;
    const { out } = importerRun(bytes, DIMS, x, wave(12), expected.map(() => 1));
    expect(tf.memory().numTensors).toBe(before);
    expect(out.length).toBe(expected.length);
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });
});

describe('operators the importer cannot use', () => {
  const refuse = (bytes: Uint8Array) => {
    const before = tf.memory().numTensors;
    let error: unknown;
    try {
      buildOnnxModel(readOnnxModel(bytes, 'x.onnx'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OnnxImportError);
    expect(tf.memory().numTensors).toBe(before);
    return (error as Error).message;
  };

  it('lists only operators on the image path, not those of constant subgraphs', () => {
    const g = new GraphBuilder();
    const x = g.input('x', DIMS);
    const mask = g.node('Trilu', [g.node('NonZero', [ints(g, [2, 2], [1, 0, 1, 1])])]);
    const y = g.node('GridSample', [x, g.node('Cast', [mask], { to: 1 })]);
    g.output(g.node('Flatten', [g.node('Add', [g.node('Mod', [y, y], { fmod: 1 }), x])]));
    expect(refuse(g.encode())).toMatch(/^x\.onnx uses the operators GridSample, Mod, which AlignScope cannot run \(supported: /);
  });

  it('refuses a constant subgraph of an unknown operator by its name', () => {
    const g = new GraphBuilder();
    const x = g.input('x', DIMS);
    const det = g.node('Det', [floats(g, [2, 2], [1, 2, 3, 4])]);
    g.output(g.node('Flatten', [g.node('Mul', [x, det])]));
    expect(refuse(g.encode())).toMatch(/^x\.onnx cannot be imported: node "Det_\d+" \(Det\) computes a constant with an operator AlignScope cannot evaluate\.$/);
  });
});

