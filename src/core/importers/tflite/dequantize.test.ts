import { describe, expect, it } from 'vitest';
import { constantFloats, constantInts, halfToFloat } from './dequantize';
import { TfliteImportError } from './errors';
import type { TfliteTensor } from './reader';
import { TensorType } from './schema_generated';

function tensor(shape: number[], type: TensorType, bytes: ArrayBufferView, quantization?: TfliteTensor['quantization']): TfliteTensor {
  return { index: 0, name: 'w', shape, type, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), quantization };
}

describe('constantFloats', () => {
  it('applies one scale and zero point to uint8 values', () => {
    const t = tensor([3], TensorType.UINT8, new Uint8Array([0, 128, 255]), { scale: [1 / 128], zeroPoint: [128], axis: 0 });
    expect(Array.from(constantFloats(t, 'm.tflite'))).toEqual([-1, 0, 127 / 128]);
  });

  it('applies per-channel scales along the last axis of depthwise weights [1, h, w, C]', () => {
    // two taps × two channels: channel 0 scale 2, channel 1 scale 0.5 with zero point 1
    const t = tensor([1, 1, 2, 2], TensorType.INT8, new Int8Array([1, 3, -1, -3]), { scale: [2, 0.5], zeroPoint: [0, 1], axis: 3 });
    expect(Array.from(constantFloats(t, 'm.tflite'))).toEqual([2, 1, -2, -2]);
  });

  it('applies per-channel scales along the first axis of conv weights [O, h, w, I] and int32 biases', () => {
    const w = tensor([2, 1, 1, 2], TensorType.INT8, new Int8Array([1, 2, 3, 4]), { scale: [1, 10], zeroPoint: [0, 0], axis: 0 });
    expect(Array.from(constantFloats(w, 'm.tflite'))).toEqual([1, 2, 30, 40]);
    const b = tensor([2], TensorType.INT32, new Int32Array([-1000, 1000]), { scale: [0.001, 0.002], zeroPoint: [0, 0], axis: 0 });
    expect(Array.from(constantFloats(b, 'm.tflite'))).toEqual([-1, 2]);
  });

  it('reads float32 and float16 values as they are', () => {
    expect(Array.from(constantFloats(tensor([2], TensorType.FLOAT32, new Float32Array([1.5, -2])), 'm'))).toEqual([1.5, -2]);
    expect(Array.from(constantFloats(tensor([2], TensorType.FLOAT16, new Uint16Array([0x3e00, 0xbc00])), 'm'))).toEqual([1.5, -1]);
  });

  it('rejects scales that do not match the quantised axis, naming the file', () => {
    const t = tensor([2, 2], TensorType.INT8, new Int8Array(4), { scale: [1, 2, 3], zeroPoint: [0, 0, 0], axis: 0 });
    expect(() => constantFloats(t, 'bad.tflite')).toThrow(TfliteImportError);
    expect(() => constantFloats(t, 'bad.tflite')).toThrow(/bad\.tflite.*3 quantisation scales along axis 0/);
  });

  it('rejects a type it cannot read', () => {
    expect(() => constantFloats(tensor([1], TensorType.COMPLEX64, new Float32Array(2)), 'c.tflite')).toThrow(/c\.tflite.*COMPLEX64/);
  });
});

describe('constantInts', () => {
  it('reads int32 and int64 shapes without dequantising', () => {
    expect(constantInts(tensor([2], TensorType.INT32, new Int32Array([1, -1])), 'm')).toEqual([1, -1]);
    expect(constantInts(tensor([2], TensorType.INT64, new BigInt64Array([3n, 1001n])), 'm')).toEqual([3, 1001]);
  });

  it('refuses float data where integers are needed', () => {
    expect(() => constantInts(tensor([1], TensorType.FLOAT32, new Float32Array([1])), 'f.tflite')).toThrow(/f\.tflite.*should hold integers/);
  });
});

describe('halfToFloat', () => {
  it('decodes IEEE binary16 including subnormals and infinities', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });
});
