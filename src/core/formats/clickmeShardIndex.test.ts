import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImageBytes } from '../../test/images';
import { encodeExample } from './example';
import { indexClickmeShard } from './clickmeShardIndex';
import { TfRecordError } from './tfrecord';
import { encodeTfRecords } from './tfrecordWriter';

function grayJpeg(level: number): Uint8Array {
  const data = new Uint8Array(8 * 8 * 4).map((_, i) => (i % 4 === 3 ? 255 : level));
  return new Uint8Array(jpeg.encode({ data, width: 8, height: 8 }, 100).data);
}

const shard = encodeTfRecords(
  [10, 20, 30].map((label) =>
    encodeExample({
      image: { kind: 'bytes', value: [grayJpeg(label)] },
      heatmap: { kind: 'bytes', value: [grayJpeg(label * 2)] },
      label: { kind: 'int64', value: [label] },
    }),
  ),
);

/** A server over the shard bytes that honours Range headers (or not). */
function server(ranges: boolean) {
  const requests: string[] = [];
  const impl = (async (_url: string, init?: RequestInit) => {
    const range = new Headers(init?.headers).get('Range');
    requests.push(range ?? 'whole');
    if (range && ranges) {
      const [, a, b] = /bytes=(\d+)-(\d+)/.exec(range)!;
      return new Response(shard.slice(Number(a), Number(b) + 1), { status: 206 });
    }
    return new Response(shard as BodyInit, { status: 200 });
  }) as typeof fetch;
  return { impl, requests };
}

describe('indexClickmeShard', () => {
  it('lists a File once and decodes the record that is opened', async () => {
    const file = new File([shard as BlobPart], 'val-0.tfrecords');
    const index = await indexClickmeShard(file, { decoder: decodeImageBytes });
    expect(index.name).toBe('val-0.tfrecords');
    expect(index.entries.map((e) => e.label)).toEqual([10, 20, 30]);
    expect(index.truncated).toBe(false);
    const sample = await index.open(2);
    expect(sample.label).toBe(30);
    expect(sample.heatmap!.data[0] * 255).toBeCloseTo(60, 0);
  });

  it('stops listing at the limit and says so', async () => {
    const index = await indexClickmeShard(new Blob([shard as BlobPart]), { decoder: decodeImageBytes, limit: 2 });
    expect(index.entries).toHaveLength(2);
    expect(index.truncated).toBe(true);
  });

  it('re-reads one record of a URL with a Range request', async () => {
    const s = server(true);
    const index = await indexClickmeShard('https://example.org/val-0.tfrecords', { decoder: decodeImageBytes, fetchImpl: s.impl });
    expect((await index.open(1)).label).toBe(20);
    const offset = index.entries[1].offset;
    expect(s.requests).toEqual(['whole', `bytes=${offset}-${offset + 11}`, expect.stringMatching(new RegExp(`^bytes=${offset + 12}-`))]);
  });

  it('explains a server without Range support, an HTTP error and an unknown record', async () => {
    const index = await indexClickmeShard('https://example.org/s.tfrecords', { decoder: decodeImageBytes, fetchImpl: server(false).impl });
    await expect(index.open(0)).rejects.toThrow(/does not answer byte-range requests \(HTTP 200 instead of 206\)/);
    await expect(index.open(7)).rejects.toThrow(/has no record 7 \(it lists 3\)/);
    const notFound = (async () => new Response('', { status: 404 })) as typeof fetch;
    await expect(indexClickmeShard('https://example.org/x', { decoder: decodeImageBytes, fetchImpl: notFound })).rejects.toThrow(
      /The ClickMe shard at https:\/\/example.org\/x answered HTTP 404/,
    );
  });

  it('rejects an empty shard', async () => {
    await expect(indexClickmeShard(new File([], 'empty.tfrecords'), { decoder: decodeImageBytes })).rejects.toThrow(TfRecordError);
  });
});
