import { describe, expect, it } from 'vitest';
import { OnnxImportError } from './errors';
import { inlineFunctions } from './functions';
import type { OnnxAttribute, OnnxFunction, OnnxGraph, OnnxNode } from './reader';

const node = (opType: string, inputs: string[], outputs: string[], attributes: [string, OnnxAttribute][] = [], domain = ''): OnnxNode => ({
  opType,
  domain,
  name: '',
  inputs,
  outputs,
  attributes: new Map(attributes),
});

const graph = (nodes: OnnxNode[], functions: OnnxFunction[]): OnnxGraph => ({
  fileName: 'f.onnx',
  nodes,
  initializers: new Map(),
  inputs: [],
  outputs: [],
  opset: 17,
  functions,
  producer: '',
});

const scaled: OnnxFunction = {
  name: 'Scaled',
  domain: 'local',
  inputs: ['X'],
  outputs: ['Y', 'Unused'],
  defaults: new Map([['alpha', { kind: 'float', value: 0.25 }]]),
  nodes: [node('HardSigmoid', ['X'], ['H'], [['alpha', { kind: 'ref', name: 'alpha' }]]), node('Mul', ['X', 'H'], ['Y']), node('Neg', ['X'], ['Unused'])],
};

describe('inlineFunctions', () => {
  it('renames formal inputs and outputs to the call, scopes inner values, resolves attribute references', () => {
    const nodes = inlineFunctions(
      graph([node('Scaled', ['a'], ['b'], [['alpha', { kind: 'float', value: 0.5 }]], 'local'), node('Scaled', ['b'], ['c'], [], 'local')], [scaled]),
    );
    expect(nodes.map((n) => [n.opType, n.inputs, n.outputs])).toEqual([
      ['HardSigmoid', ['a'], ['Scaled#0/H']],
      ['Mul', ['a', 'Scaled#0/H'], ['b']],
      ['Neg', ['a'], ['Scaled#0/Unused']],
      ['HardSigmoid', ['b'], ['Scaled#1/H']],
      ['Mul', ['b', 'Scaled#1/H'], ['c']],
      ['Neg', ['b'], ['Scaled#1/Unused']],
    ]);
    expect(nodes[0].attributes.get('alpha')).toEqual({ kind: 'float', value: 0.5 });
    expect(nodes[3].attributes.get('alpha')).toEqual({ kind: 'float', value: 0.25 });
  });

  it('refuses a function that calls itself', () => {
    const loop: OnnxFunction = { ...scaled, name: 'Loop', nodes: [node('Loop', ['X'], ['Y'], [], 'local')] };
    expect(() => inlineFunctions(graph([node('Loop', ['a'], ['b'], [], 'local')], [loop]))).toThrow(
      new OnnxImportError('f.onnx nests its function Loop more than 32 deep (does it call itself?).'),
    );
  });
});
