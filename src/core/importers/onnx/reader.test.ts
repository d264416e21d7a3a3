import { describe, expect, it } from 'vitest';
import { OnnxImportError } from './errors';
import { halfToFloat, readOnnxModel, readTensor } from './reader';
import { loadFixture } from './testing';

describe('halfToFloat', () => {
  it.each([
    [0x0000, 0],
    [0x3c00, 1],
    [0xc000, -2],
    [0x3555, 0.333251953125],
    [0x7bff, 65504],
    [0x0001, 2 ** -24],
    [0x03ff, 1023 * 2 ** -24],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ])('reads bits %s as %s', (bits, value) => expect(halfToFloat(bits)).toBe(value));

  it('reads NaN', () => expect(halfToFloat(0x7e00)).toBeNaN());
});

describe('readTensor', () => {
  const file = 'm.onnx';

  it('reads float32 from raw_data (little-endian) and float_data', () => {
    const raw = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    expect(Array.from(readTensor({ name: 'a', dims: [2], data_type: 1, raw_data: raw }, file).floats!)).toEqual([1.5, -2]);
    expect(Array.from(readTensor({ name: 'a', dims: [1, 2], data_type: 1, float_data: [3, 4] }, file).floats!)).toEqual([3, 4]);
  });

  it('reads float32 raw_data that sits at any offset of a larger buffer (protobufjs gives Node Buffer views)', () => {
    const pool = Buffer.alloc(64, 0xff);
    Buffer.from(new Float32Array([0.25, -8]).buffer).copy(pool, 5);
    const raw = pool.subarray(5, 13);
    expect(Array.from(readTensor({ name: 'a', dims: [2], data_type: 1, raw_data: raw }, file).floats!)).toEqual([0.25, -8]);
  });

  it('reads float16 from raw_data and from int32_data', () => {
    const raw = new Uint8Array([0x00, 0x3c, 0x00, 0xc0]); // 1, −2
    expect(Array.from(readTensor({ name: 'h', dims: [2], data_type: 10, raw_data: raw }, file).floats!)).toEqual([1, -2]);
    expect(Array.from(readTensor({ name: 'h', dims: [2], data_type: 10, int32_data: [0x3800, 0x4200] }, file).floats!)).toEqual([0.5, 3]);
  });

  it('reads int64 shapes from raw_data, negative values included', () => {
    const view = new DataView(new ArrayBuffer(16));
    view.setBigInt64(0, -1n, true);
    view.setBigInt64(8, 196n, true);
    expect(readTensor({ name: 's', dims: [2], data_type: 7, raw_data: new Uint8Array(view.buffer) }, file).ints).toEqual([-1, 196]);
  });

  it('refuses data whose length disagrees with the shape, and types it does not read', () => {
    expect(() => readTensor({ name: 'w', dims: [3], data_type: 1, float_data: [1, 2] }, file)).toThrow(
      new OnnxImportError('m.onnx has a malformed tensor "w": float_data holds 2 values where its shape [3] needs 3.'),
    );
    expect(() => readTensor({ name: 'q', dims: [1], data_type: 8 }, file)).toThrow(/m\.onnx has a malformed tensor "q": its data type 8 is not one AlignScope reads/);
  });
});

describe('readOnnxModel', () => {
  it('reads the graph input, output, opset and producer of a fixture', () => {
    const graph = readOnnxModel(loadFixture('vit').bytes, 'vit.onnx');
    expect(graph.inputs).toEqual([{ name: 'x', elemType: 1, dims: ['N', 3, 8, 8] }]);
    expect(graph.outputs).toHaveLength(1);
    expect(graph.opset).toBe(20);
    expect(graph.producer).toBe('alignscope-onnx-fixtures');
    expect(graph.nodes.filter((n) => n.opType === 'Gelu')).toHaveLength(2);
  });
});

describe('attributes without a type (early exporters)', () => {
  it('are read from the field that holds their value', async () => {
    const protobuf = (await import('protobufjs/light')).default;
    const schema = (await import('./onnx.proto3.json')).default;
    const ModelProto = protobuf.Root.fromJSON(schema).lookupType('onnx.ModelProto');
    const bytes = ModelProto.encode(
      ModelProto.fromObject({
        ir_version: 3,
        opset_import: [{ domain: '', version: 9 }],
        graph: {
          node: [{ op_type: 'Foo', input: ['x'], output: ['y'], attribute: [{ name: 'axis', i: 2 }, { name: 'perm', ints: [0, 2, 1] }, { name: 'alpha', f: 0.5 }, { name: 'mode', s: new TextEncoder().encode('edge') }] }],
          input: [{ name: 'x' }],
          output: [{ name: 'y' }],
        },
      }),
    ).finish();
    const [node] = readOnnxModel(bytes, 'old.onnx').nodes;
    expect(Object.fromEntries(node.attributes)).toEqual({
      axis: { kind: 'int', value: 2 },
      perm: { kind: 'ints', value: [0, 2, 1] },
      alpha: { kind: 'float', value: 0.5 },
      mode: { kind: 'string', value: 'edge' },
    });
  });
});
