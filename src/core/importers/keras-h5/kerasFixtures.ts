import type { KerasLayerJson } from './kerasConfig';
import type { H5Layer } from './kerasH5Writer';
import { lcg } from '../../../test/random';

/** Test helpers: Keras 2 model_config JSON written by hand, and deterministic weights. */

export interface LayerSpec {
  class_name: string;
  name: string;
  config?: Record<string, unknown>;
  /** Names of the layers feeding this one; default: the previous layer. */
  inbound?: string[];
  /** Weight short names and shapes, e.g. [['kernel', [3, 3, 3, 4]], ['bias', [4]]]. */
  weights?: [string, number[]][];
}

/** A Keras 2 Functional model_config: one InputLayer, then `specs` in order. */
export function functionalConfig(inputShape: number[], specs: LayerSpec[], inputName = 'input_1'): KerasLayerJson {
  const input = {
    class_name: 'InputLayer',
    name: inputName,
    config: { batch_input_shape: [null, ...inputShape], dtype: 'float32', sparse: false, ragged: false, name: inputName },
    inbound_nodes: [],
  };
  // Keras numbers a nested model's first call node 1: node 0 is the one made when it was built.
  const nested = new Set(specs.filter((s) => ['Functional', 'Model', 'Sequential'].includes(s.class_name)).map((s) => s.name));
  const node = (name: string) => (nested.has(name) ? 1 : 0);
  let prev = inputName;
  const layers = specs.map((s) => {
    const inbound = s.inbound ?? [prev];
    prev = s.name;
    return {
      class_name: s.class_name,
      name: s.name,
      config: { name: s.name, trainable: true, dtype: 'float32', ...s.config },
      inbound_nodes: [inbound.map((n) => [n, node(n), 0, {}])],
    };
  });
  return {
    class_name: 'Functional',
    config: { name: 'model', layers: [input, ...layers], input_layers: [[inputName, 0, 0]], output_layers: [[prev, node(prev), 0]] },
  };
}

/** A small deterministic generator, so fixtures are the same on every run. */
export const seeded = lcg;

export function randomArray(n: number, rand: () => number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
}

/** Weights for every spec that declares some, named as Keras 2 names them (`<layer>/<weight>:0`). */
export function fixtureWeights(specs: LayerSpec[], rand: () => number): H5Layer[] {
  return specs
    .filter((s) => s.weights?.length)
    .map((s) => ({
      name: s.name,
      weights: s.weights!.map(([w, shape]) => {
        if (w === 'count') return { name: `${s.name}/count:0`, shape, data: BigInt64Array.of(1000n) };
        const positive = w === 'moving_variance' || w === 'variance';
        const n = shape.reduce((a, d) => a * d, 1);
        return { name: `${s.name}/${w}:0`, shape, data: randomArray(n, rand, positive ? 0.5 : -1, positive ? 2 : 1) };
      }),
    }));
}
