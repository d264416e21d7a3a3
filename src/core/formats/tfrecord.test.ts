import { describe, expect, it } from 'vitest';
import { maskedCrc32c } from './crc32c';
import { readTfRecordAt, readTfRecords, TfRecordError, type TfRecordSource } from './tfrecord';
import { encodeTfRecords } from './tfrecordWriter';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function readAll(source: TfRecordSource, name = 'test.tfrecords') {
  const out: { index: number; offset: number; text: string }[] = [];
  for await (const r of readTfRecords(source, { name })) out.push({ index: r.index, offset: r.offset, text: dec(r.data) });
  return out;
}

/** A stream that delivers the bytes in chunks of `size`, to exercise records split across chunks. */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) controller.close();
      else controller.enqueue(bytes.slice(at, (at += size)));
    },
  });
}

const valid = encodeTfRecords([enc('hello'), enc(''), enc('a longer third record')]);

describe('TFRecord framing written by encodeTfRecords', () => {
  it('lays out length, masked length CRC, data, masked data CRC by hand', () => {
    const one = encodeTfRecords([enc('hi')]);
    const view = new DataView(one.buffer);
    expect(one.length).toBe(8 + 4 + 2 + 4);
    expect(view.getUint32(0, true)).toBe(2);
    expect(view.getUint32(4, true)).toBe(0);
    expect(view.getUint32(8, true)).toBe(maskedCrc32c(Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0)));
    expect(dec(one.subarray(12, 14))).toBe('hi');
    expect(view.getUint32(14, true)).toBe(maskedCrc32c(enc('hi')));
  });
});

describe('readTfRecords', () => {
  it('reads every record with its offset, from bytes, a Blob and a 5-byte-chunk stream', async () => {
    const expected = [
      { index: 0, offset: 0, text: 'hello' },
      { index: 1, offset: 21, text: '' },
      { index: 2, offset: 37, text: 'a longer third record' },
    ];
    expect(await readAll(valid)).toEqual(expected);
    expect(await readAll(new Blob([valid as BlobPart]))).toEqual(expected);
    expect(await readAll(chunked(valid, 5))).toEqual(expected);
  });

  it('reads an empty file as no records', async () => {
    expect(await readAll(new Uint8Array(0))).toEqual([]);
  });

  const broken: [string, Uint8Array, RegExp][] = [
    ['a header cut short', valid.slice(0, 21 + 7), /record 1 \(at byte 21\) is cut short: its 12-byte header has only 7 bytes/],
    ['data cut short', valid.slice(0, 14), /record 0 \(at byte 0\) is cut short: it declares 5 bytes of data and a 4-byte CRC, but only 2 bytes remain/],
    ['a flipped length bit', flip(valid, 0), /record 0 \(at byte 0\) has a length field whose CRC does not match/],
    ['a flipped data bit', flip(valid, 13), /record 0 \(at byte 0\) has data whose CRC does not match: the file is corrupt/],
    ['a flipped data CRC', flip(valid, 21 + 12 + 1), /record 1 \(at byte 21\) has data whose CRC does not match/],
    ['a text file', enc('this is not a tfrecord file at all'), /has a length field whose CRC does not match: the file is not a TFRecord file/],
  ];
  for (const [what, bytes, message] of broken) {
    it(`rejects ${what} with a TfRecordError naming the file`, async () => {
      const err = await readAll(bytes).catch((e) => e);
      expect(err).toBeInstanceOf(TfRecordError);
      expect(err.message).toMatch(/^In "test.tfrecords", /);
      expect(err.message).toMatch(message);
    });
  }

  it('yields the good records before the broken one', async () => {
    const seen: string[] = [];
    const err = await (async () => {
      for await (const r of readTfRecords(flip(valid, 37 + 12), { name: 'x' })) seen.push(dec(r.data));
    })().catch((e) => e);
    expect(seen).toEqual(['hello', '']);
    expect(err).toBeInstanceOf(TfRecordError);
  });

  it('can skip the data CRC check', async () => {
    const records = [];
    for await (const r of readTfRecords(flip(valid, 13), { verifyDataCrc: false })) records.push(r);
    expect(records).toHaveLength(3);
  });

  it('refuses a record larger than the limit before allocating it', async () => {
    await expect(readTfRecords(valid, { name: 'big', maxRecordBytes: 4 }).next()).rejects.toThrow(
      /record 0 \(at byte 0\) declares 5 bytes, more than the 4-byte limit/,
    );
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(readTfRecords(valid, { signal: controller.signal }).next()).rejects.toThrow();
  });
});

describe('readTfRecordAt', () => {
  const blob = new Blob([valid as BlobPart]);
  it('re-reads one record by its offset', async () => {
    expect(dec(await readTfRecordAt(blob, 37))).toBe('a longer third record');
    expect(dec(await readTfRecordAt(blob, 0))).toBe('hello');
  });
  it('rejects an offset that is not a record start', async () => {
    await expect(readTfRecordAt(blob, 3, { name: 'shard.tfrecords' })).rejects.toThrow(
      /In "shard.tfrecords", the record at byte 3 has a length field whose CRC does not match/,
    );
  });
  it('rejects an offset past the end', async () => {
    await expect(readTfRecordAt(blob, valid.length - 2)).rejects.toThrow(/header has only 2 bytes/);
  });
});

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at] ^= 0x10;
  return out;
}
