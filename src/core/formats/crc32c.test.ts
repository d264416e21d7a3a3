import { describe, expect, it } from 'vitest';
import { crc32c, maskedCrc32c } from './crc32c';

describe('crc32c', () => {
  it('gives the standard check value for "123456789"', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
  it('matches the RFC 3720 (iSCSI) test vectors', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });
  it('can continue over split input', () => {
    const all = new TextEncoder().encode('123456789');
    expect(crc32c(all.subarray(4), crc32c(all.subarray(0, 4)))).toBe(0xe3069283);
  });
  it('masks as TensorFlow does: rotate right by 15, add 0xa282ead8', () => {
    expect(maskedCrc32c(new Uint8Array(0))).toBe(0xa282ead8); // crc of nothing is 0
    const c = 0xe3069283;
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe((((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0);
  });
});

describe('crc32c, slicing-by-8 against the bit-by-bit definition', () => {
  /** The CRC computed one bit at a time, straight from the polynomial: an independent reference. */
  function bitwise(bytes: Uint8Array): number {
    let c = 0xffffffff;
    for (const b of bytes) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    }
    return ~c >>> 0;
  }
  it('agrees for every length from 0 to 40 and at odd offsets', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 197 + 13) & 0xff);
    for (let len = 0; len <= 40; len++) {
      for (const start of [0, 1, 3, 7]) {
        const part = data.subarray(start, start + len);
        expect(crc32c(part)).toBe(bitwise(part));
      }
    }
    expect(crc32c(data)).toBe(bitwise(data));
  });
});
