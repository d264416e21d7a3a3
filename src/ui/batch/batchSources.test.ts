import { describe, expect, it } from 'vitest';
import { encodeExample } from '../../core/formats/example';
import { encodeTfRecords } from '../../core/formats/tfrecordWriter';
import { openShardFile, shardRecordsOfClasses } from './batchSources';

/** A float32 ClickMe record, 2×2, with no heatmap feature. */
function maplessRecord(label: number): Uint8Array {
  return encodeExample({
    image: { kind: 'bytes', value: [new Uint8Array(new Float32Array(2 * 2 * 3).fill(0.5).buffer)] },
    label: { kind: 'int64', value: [label] },
  });
}

describe('shard class filter', () => {
  it('lists the records of the wanted classes in a shard without maps', async () => {
    const bytes = encodeTfRecords([3, 7, 3, 9, 7].map(maplessRecord));
    const file = new File([bytes as BlobPart], 'nomaps.tfrecords');
    expect((await openShardFile(file)).records).toBe(5);
    expect(await shardRecordsOfClasses('nomaps.tfrecords', new Set([7, 9]))).toEqual([1, 3, 4]);
    expect(await shardRecordsOfClasses('nomaps.tfrecords', new Set([500]))).toEqual([]);
  });
});
