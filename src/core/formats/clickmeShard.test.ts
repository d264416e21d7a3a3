import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImageBytes } from '../../test/images';
import { decodeClickmeRecord, readClickmeShard, squareClickmeSample, type ClickmeRecordRaw } from './clickmeShard';
import { encodeExample, type Feature } from './example';
import { TfRecordError } from './tfrecord';
import { encodeTfRecords } from './tfrecordWriter';

const SIDE = 16; // small stand-ins for the 256×256 ClickMe pictures

/** A JPEG of a horizontal ramp; gray when `gray` (R = G = B), as a heatmap. */
function rampJpeg(gray: boolean): Uint8Array {
  const data = new Uint8Array(SIDE * SIDE * 4);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = (i % SIDE) * 16;
    data.set(gray ? [v, v, v, 255] : [v, 255 - v, 128, 255], i * 4);
  }
  return new Uint8Array(jpeg.encode({ data, width: SIDE, height: SIDE }, 100).data);
}

const f32bytes = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const bytes = (b: Uint8Array): Feature => ({ kind: 'bytes', value: [b] });
const int64 = (v: number): Feature => ({ kind: 'int64', value: [v] });

function shard(records: Record<string, Feature>[]): Uint8Array {
  return encodeTfRecords(records.map(encodeExample));
}

async function readAll(data: Uint8Array, name = 'val-0.tfrecords'): Promise<ClickmeRecordRaw[]> {
  const out = [];
  for await (const r of readClickmeShard(data, { name })) out.push(r);
  return out;
}

describe('ClickMe shards, JPEG records (harmonizer release)', () => {
  const data = shard([
    { image: bytes(rampJpeg(false)), heatmap: bytes(rampJpeg(true)), label: int64(281) },
    { image: bytes(rampJpeg(false)), heatmap: bytes(rampJpeg(true)), label: int64(7) },
  ]);

  it('lists labels and offsets without decoding pixels', async () => {
    const records = await readAll(data);
    expect(records.map((r) => [r.index, r.label, r.encoding])).toEqual([[0, 281, 'jpeg'], [1, 7, 'jpeg']]);
    expect(records[0].offset).toBe(0);
    expect(records[1].offset).toBe(16 + encodeExample({ image: bytes(rampJpeg(false)), heatmap: bytes(rampJpeg(true)), label: int64(281) }).length);
  });

  it('decodes the image to RGB and the heatmap to one channel, to be blurred like official maps', async () => {
    const [first] = await readAll(data);
    const sample = await decodeClickmeRecord(first, decodeImageBytes, 'val-0.tfrecords');
    expect([sample.image.width, sample.image.channels, sample.heatmap!.channels]).toEqual([SIDE, 3, 1]);
    expect(sample.heatmapSource).toBe('clickme-official');
    // Ramp column 10 holds 160/255; JPEG at quality 100 keeps it within a few levels.
    expect(Math.abs(sample.heatmap!.data[3 * SIDE + 10] - 160 / 255)).toBeLessThan(4 / 255);
    expect(Math.abs(sample.image.data[(3 * SIDE + 10) * 3 + 1] - 95 / 255)).toBeLessThan(4 / 255);
  });
});

describe('ClickMe shards, float32 records (the paper’s clickme_test files)', () => {
  it('reads a 224-style record as ready maps and brings [0,255] images to [0,1]', async () => {
    const side = 4;
    const image = Array.from({ length: side * side * 3 }, (_, i) => i * 5); // up to 235: the [0,255] scale
    const heatmap = Array.from({ length: side * side }, (_, i) => i / 16);
    const [raw] = await readAll(shard([{ image: bytes(f32bytes(image)), heatmap: bytes(f32bytes(heatmap)), label: int64(3) }]));
    expect(raw.encoding).toBe('float32');
    const sample = await decodeClickmeRecord(raw, decodeImageBytes, 'clickme_test_1000.tfrecords');
    expect(sample.heatmapSource).toBe('ready');
    expect(sample.image.data[47]).toBeCloseTo(235 / 255, 6);
    expect(sample.heatmap!.data[5]).toBeCloseTo(5 / 16, 6);
  });

  it('marks 256×256 float maps as raw official maps', async () => {
    const n = 256 * 256;
    const [raw] = await readAll(
      shard([{ image: bytes(f32bytes(new Array(n * 3).fill(0.5))), heatmap: bytes(f32bytes(new Array(n).fill(0))), label: int64(0) }]),
    );
    expect((await decodeClickmeRecord(raw, decodeImageBytes, 's')).heatmapSource).toBe('clickme-official');
  });

  it('rejects a float array that is not a square picture', async () => {
    const [raw] = await readAll(shard([{ image: bytes(f32bytes([1, 2, 3, 4, 5])), heatmap: bytes(f32bytes([1])), label: int64(1) }]));
    await expect(decodeClickmeRecord(raw, decodeImageBytes, 'odd.tfrecords')).rejects.toThrow(
      /^The image of record 0 of "odd.tfrecords" is neither a JPEG nor a square float32 array with 3 channels \(20 bytes\)/,
    );
  });

  it('rejects an image and heatmap of different sizes', async () => {
    const [raw] = await readAll(shard([{ image: bytes(f32bytes(new Array(12).fill(0))), heatmap: bytes(f32bytes(new Array(9).fill(0))), label: int64(1) }]));
    await expect(decodeClickmeRecord(raw, decodeImageBytes, 's')).rejects.toThrow(/image is 2×2 but the heatmap 3×3/);
  });
});

describe('ClickMe records without a map', () => {
  it('reads a record with no heatmap feature, or an empty one, as a labelled picture with a null map', async () => {
    const raws = await readAll(shard([
      { image: bytes(rampJpeg(false)), label: int64(5) },
      { image: bytes(rampJpeg(false)), heatmap: bytes(new Uint8Array(0)), label: int64(6) },
    ]));
    expect(raws.map((r) => [r.label, r.encoding, r.heatmap])).toEqual([[5, 'jpeg', null], [6, 'jpeg', null]]);
    const sample = await decodeClickmeRecord(raws[0], decodeImageBytes, 'nomaps.tfrecords');
    expect([sample.image.width, sample.image.channels, sample.heatmap]).toEqual([SIDE, 3, null]);
    expect(squareClickmeSample(sample).heatmap).toBeNull();
  });
});

describe('squareClickmeSample', () => {
  it('keeps the central square of a wide picture and leaves a ready square map as it is', async () => {
    // 4 wide, 2 high, value = column / 4: the central square is columns 1 and 2.
    const wide = { width: 4, height: 2, channels: 3 as const, data: Float32Array.from({ length: 24 }, (_, i) => Math.floor(i / 3) % 4 / 4) };
    const map = { width: 2, height: 2, channels: 1 as const, data: Float32Array.from([0, 0.25, 0.5, 1]) };
    const square = squareClickmeSample({ index: 0, label: 1, encoding: 'float32', image: wide, heatmap: map, heatmapSource: 'ready' });
    expect([square.image.width, square.image.height]).toEqual([2, 2]);
    expect([...square.image.data].filter((_, i) => i % 3 === 0)).toEqual([0.25, 0.5, 0.25, 0.5]);
    expect([...square.heatmap!.data]).toEqual([0, 0.25, 0.5, 1]);
  });
});

describe('ClickMe shards, broken records', () => {
  const cases: [string, Record<string, Feature>, RegExp][] = [
    ['a missing image', { heatmap: bytes(rampJpeg(true)), label: int64(1) }, /the "image" feature is missing; ClickMe records need "image" and "label"/],
    ['a missing label', { image: bytes(rampJpeg(false)), heatmap: bytes(rampJpeg(true)) }, /the "label" feature is missing/],
    ['a float label', { image: bytes(rampJpeg(false)), heatmap: bytes(rampJpeg(true)), label: { kind: 'float', value: [1] } }, /"label" feature must be one non-negative int64, but it is a float list of 1 value/],
    ['two heatmaps', { image: bytes(rampJpeg(false)), heatmap: { kind: 'bytes', value: [rampJpeg(true), rampJpeg(true)] }, label: int64(1) }, /"heatmap" feature must hold one byte string, but it is a bytes list of 2 values/],
    ['two images', { image: { kind: 'bytes', value: [rampJpeg(false), rampJpeg(false)] }, heatmap: bytes(rampJpeg(true)), label: int64(1) }, /"image" feature must hold one byte string, but it is a bytes list of 2 values/],
    ['a JPEG image with a raw heatmap', { image: bytes(rampJpeg(false)), heatmap: bytes(f32bytes([0])), label: int64(1) }, /stored differently/],
  ];
  for (const [what, features, message] of cases) {
    it(`rejects ${what}, naming the record and file`, async () => {
      const err = await readAll(shard([features]), 'bad.tfrecords').catch((e) => e);
      expect(err).toBeInstanceOf(TfRecordError);
      expect(err.message).toMatch(/^In record 0 of "bad.tfrecords" /);
      expect(err.message).toMatch(message);
    });
  }

  it('reports a corrupt JPEG through the decoder with the record named', async () => {
    const broken = rampJpeg(false).slice(0, 40);
    const [raw] = await readAll(shard([{ image: bytes(broken), heatmap: bytes(rampJpeg(true)), label: int64(1) }]));
    await expect(decodeClickmeRecord(raw, decodeImageBytes, 'cut.tfrecords')).rejects.toThrow(
      /The file "cut.tfrecords \(record 0, image\)" could not be decoded/,
    );
  });
});
