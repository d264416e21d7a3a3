import { describe, expect, it } from 'vitest';
import { ProtocolError, parseRequest, parseResponse, transferablesOf } from './protocol';

describe('protocol parsing', () => {
  it('accepts every known request type and keeps the message intact', () => {
    const msg = { type: 'setImage', requestId: 3, pixels: new Float32Array(12), size: 2 };
    expect(parseRequest(msg)).toBe(msg);
    expect(parseRequest({ type: 'attackCancel', requestId: 4, runId: 1 }).type).toBe('attackCancel');
  });

  it('throws a ProtocolError naming an unknown request type', () => {
    expect(() => parseRequest({ type: 'launchMissiles', requestId: 1 })).toThrow(ProtocolError);
    expect(() => parseRequest({ type: 'launchMissiles', requestId: 1 })).toThrow(/unknown type "launchMissiles"/);
  });

  it('rejects non-messages and requests without an id', () => {
    expect(() => parseRequest(null)).toThrow(/without a string "type"/);
    expect(() => parseRequest('predict')).toThrow(ProtocolError);
    expect(() => parseRequest({ type: 'predict' })).toThrow(/without a numeric requestId/);
  });

  it('checks responses the same way', () => {
    expect(parseResponse({ type: 'done', requestId: 1 }).type).toBe('done');
    expect(() => parseResponse({ type: 'bogus' })).toThrow(/main thread received a message of unknown type "bogus"/);
  });
});

describe('transferablesOf', () => {
  it('collects each distinct buffer once, from nested arrays and objects', () => {
    const pixels = new Float32Array(8);
    const heat = new Float32Array(4);
    const fileA = new ArrayBuffer(16);
    const msg = {
      type: 'x',
      pixels,
      again: new Uint8Array(pixels.buffer),
      heat,
      source: { files: [{ name: 'a', bytes: fileA }] },
    };
    const found = transferablesOf(msg);
    expect(found).toHaveLength(3);
    expect(new Set(found)).toEqual(new Set([pixels.buffer, heat.buffer, fileA]));
  });

  it('finds nothing in a message without arrays', () => {
    expect(transferablesOf({ type: 'predict', requestId: 1, meta: { a: 1, b: 'x' } })).toEqual([]);
  });

  it('actually transfers: the sender side is detached after structuredClone with the list', () => {
    const pixels = new Float32Array([1, 2, 3]);
    const msg = { pixels };
    const copy = structuredClone(msg, { transfer: transferablesOf(msg) });
    expect(Array.from(copy.pixels)).toEqual([1, 2, 3]);
    expect(pixels.byteLength).toBe(0);
  });
});
