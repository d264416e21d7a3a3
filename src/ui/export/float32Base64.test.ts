import { describe, expect, it } from 'vitest';
import {
  Float32Base64Error,
  decodeArray,
  decodeFloat32Base64,
  encodeArray,
  encodeFloat32Base64,
} from './float32Base64';

describe('float32 base64', () => {
  it('writes IEEE-754 little-endian bytes (hand-encoded values)', () => {
    // 1.0f = 0x3F800000 → bytes 00 00 80 3F; -2.0f = 0xC0000000 → 00 00 00 C0.
    const expected = Buffer.from([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]).toString('base64');
    expect(encodeFloat32Base64(new Float32Array([1, -2]))).toBe(expected);
    expect(expected).toBe('AACAPwAAAMA=');
  });

  it('round-trips special and large arrays exactly', () => {
    const values = new Float32Array(224 * 224 * 3);
    for (let i = 0; i < values.length; i++) values[i] = Math.fround(Math.sin(i) * 1e-3 * (i % 7));
    values[0] = -0;
    values[1] = Infinity;
    values[2] = 1.401298464324817e-45; // smallest subnormal
    const back = decodeFloat32Base64(encodeFloat32Base64(values));
    expect(back.length).toBe(values.length);
    expect(Object.is(back[0], -0)).toBe(true);
    expect(Array.from(back.subarray(1, 3))).toEqual([Infinity, 1.401298464324817e-45]);
    expect(Buffer.from(back.buffer).equals(Buffer.from(values.buffer))).toBe(true);
  });

  it('agrees with Node Buffer little-endian reads', () => {
    const values = new Float32Array([0.25, -3.5, 1e-7]);
    const bytes = Buffer.from(encodeFloat32Base64(values), 'base64');
    expect([0, 4, 8].map((o) => bytes.readFloatLE(o))).toEqual(Array.from(values));
  });

  it('checks shapes both ways', () => {
    const enc = encodeArray(new Float32Array(6), [2, 3]);
    expect(enc).toMatchObject({ dtype: 'float32', byteOrder: 'little', shape: [2, 3] });
    expect(decodeArray(enc).length).toBe(6);
    expect(() => encodeArray(new Float32Array(5), [2, 3])).toThrow(/cannot have the shape \[2, 3\]/);
    expect(() => decodeArray({ ...enc, shape: [4, 4] }, 'human map')).toThrow(/human map holds 6 values but its shape \[4, 4\] says 16/);
  });

  it('rejects broken text with full sentences', () => {
    expect(() => decodeFloat32Base64('AAA=', 'perturbation')).toThrow(Float32Base64Error);
    expect(() => decodeFloat32Base64('AAA=', 'perturbation')).toThrow('The perturbation holds 2 bytes, not a whole number of 4-byte float32 values.');
    expect(() => decodeFloat32Base64('%%%', 'clean input')).toThrow('The clean input is not valid base64 text.');
  });
});
