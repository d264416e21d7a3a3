import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeExample } from '../../core/formats/example';
import { encodeTfRecords } from '../../core/formats/tfrecordWriter';
import { requestFromAddress } from './addressBatch';
import { readBatchParams } from './batchUrl';

const record = (label: number) =>
  encodeExample({ image: { kind: 'bytes', value: [new Uint8Array(new Float32Array(12).buffer)] }, label: { kind: 'int64', value: [label] } });
const SHARD = encodeTfRecords([record(1), record(2), record(3), record(4)]);

/** A server that answers Range requests for the shard and counts them. */
function serve() {
  const ranges: string[] = [];
  vi.stubGlobal('fetch', async (_url: string, init?: RequestInit) => {
    const range = new Headers(init?.headers).get('Range');
    if (!range) return new Response(SHARD.slice().buffer);
    ranges.push(range);
    const [, a, b] = /bytes=(\d+)-(\d+)/.exec(range)!.map(Number);
    return new Response(SHARD.slice(a, b + 1).buffer, { status: 206 });
  });
  return ranges;
}

afterEach(() => vi.unstubAllGlobals());

describe('a batch from the address', () => {
  it('expands samples and a URL shard range, reading only the headers up to its last record', async () => {
    const ranges = serve();
    const params = readBatchParams('?tab=batch&models=m1&images=samples,shard:https://h/a.tfrecords%231-2&protocol=interactive&steps=5&run=1')!;
    const req = await requestFromAddress(params, ['coffee', 'chelsea']);
    expect(req).toMatchObject({
      models: ['m1'], images: ['coffee', 'chelsea', 'shard:https://h/a.tfrecords#1', 'shard:https://h/a.tfrecords#2'],
      imageSpecs: ['samples', 'shard:https://h/a.tfrecords#1-2'], steps: 5, fromAddress: true,
    });
    // Headers of records 0, 1, 2 and the end check of record 2: never record 3's.
    expect(ranges.length).toBeLessThanOrEqual(4);
  });

  it('refuses a range past the end of the shard, and a shard file that is not open', async () => {
    serve();
    const past = readBatchParams('?tab=batch&models=m1&images=shard:https://h/b.tfrecords%232-9')!;
    await expect(requestFromAddress(past, [])).rejects.toThrow('The shard "https://h/b.tfrecords" holds 4 records (0–3); the range 2-9 goes past its end.');
    const file = readBatchParams('?tab=batch&models=m1&images=shard:val-0.tfrecords')!;
    await expect(requestFromAddress(file, [])).rejects.toThrow('The address names the shard file "val-0.tfrecords", which is not open in this tab');
  });
});
