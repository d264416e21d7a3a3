/** Types of onnxBuilder.mjs, for tests that build small ONNX graphs. */
export type AttributeValue = number | number[] | string | { f: number } | { fs: number[] } | { t: unknown } | { ref: string; type: number };

export const DATA_TYPES: { FLOAT: number; INT64: number; FLOAT16: number };
export function f(value: number): { f: number };

export class GraphBuilder {
  input(name: string, dims: (number | string)[] | null): string;
  init(dims: number[], values: number[], options?: { type?: number; storage?: 'raw' | 'typed' }): string;
  ints(values: number[], options?: { storage?: 'raw' | 'typed' }): string;
  node(opType: string, inputs: string[], attrs?: Record<string, AttributeValue>, options?: { outputs?: 1; domain?: string }): string;
  node(opType: string, inputs: string[], attrs: Record<string, AttributeValue>, options: { outputs: number; domain?: string }): string[];
  constant(dims: number[], values: number[], options?: { type?: number }): string;
  output(name: string): void;
  encode(options?: { opset?: number; extraOpsets?: { domain: string; version: number }[] }): Uint8Array;
}
