import { OnnxImportError } from './errors';
import type { OnnxAttribute, OnnxGraph, OnnxNode } from './reader';

// Deeper than any exporter nests modules; beyond it a function calls itself.
const MAX_DEPTH = 32;

/**
 * The graph's nodes with every call of a model-local function replaced by the function's body:
 * formal inputs and outputs renamed to the call's, inner values prefixed with the call, attribute
 * references resolved from the call (or the function's defaults).
 */
export function inlineFunctions(graph: OnnxGraph): OnnxNode[] {
  if (graph.functions.length === 0) return graph.nodes;
  const functions = new Map(graph.functions.map((f) => [`${f.domain}:${f.name}`, f]));
  let calls = 0;
  const expand = (nodes: OnnxNode[], depth: number): OnnxNode[] =>
    nodes.flatMap((call) => {
      const fn = functions.get(`${call.domain}:${call.opType}`);
      if (!fn) return [call];
      if (depth >= MAX_DEPTH) throw new OnnxImportError(`${graph.fileName} nests its function ${fn.name} more than ${MAX_DEPTH} deep (does it call itself?).`);
      if (fn.opset !== undefined && fn.opset !== graph.opset) {
        throw new OnnxImportError(`${graph.fileName} has a function ${fn.name} written for opset ${fn.opset} inside a model of opset ${graph.opset}.`);
      }
      const scope = `${call.name || fn.name}#${calls++}/`;
      const renamed = new Map<string, string>();
      fn.inputs.forEach((n, i) => renamed.set(n, call.inputs[i] ?? ''));
      fn.outputs.forEach((n, i) => renamed.set(n, call.outputs[i] || scope + n));
      const name = (n: string) => (n === '' ? '' : (renamed.get(n) ?? scope + n));
      const resolve = (attributes: Map<string, OnnxAttribute>) =>
        new Map(
          [...attributes].flatMap(([key, a]): [string, OnnxAttribute][] => {
            if (a.kind !== 'ref') return [[key, a]];
            const value = call.attributes.get(a.name) ?? fn.defaults.get(a.name);
            return value ? [[key, value]] : [];
          }),
        );
      const body = fn.nodes.map((n) => ({
        ...n,
        name: scope + (n.name || n.opType),
        inputs: n.inputs.map(name),
        outputs: n.outputs.map(name),
        attributes: resolve(n.attributes),
      }));
      return expand(body, depth + 1);
    });
  return expand(graph.nodes, 0);
}
