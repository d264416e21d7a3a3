import { describe, expect, it } from 'vitest';
import { assetPath, hasAssets } from '../../test/assets';
import { buildClickmeShard, clickmeSampleRows } from '../../test/clickmeShard';
import { decodeImageBytes, loadImageFile } from '../../test/images';
import { cropResize } from '../image/resize';
import { humanMapForModel } from '../metrics/clickme';
import { spearman } from '../metrics/spearman';
import { decodeClickmeRecord, readClickmeShard, type ClickmeRecordRaw } from './clickmeShard';
import { readTfRecordAt } from './tfrecord';
import { encodeTfRecords } from './tfrecordWriter';

async function readAll(source: Uint8Array | Blob): Promise<ClickmeRecordRaw[]> {
  const out = [];
  for await (const r of readClickmeShard(source, { name: 'mirror.tfrecords' })) out.push(r);
  return out;
}

describe.skipIf(!hasAssets)('a ClickMe shard built from the mirror samples', () => {
  it('round-trips labels, pictures and maps, and re-reads a record by its offset', async () => {
    const rows = clickmeSampleRows().slice(0, 2);
    const bytes = buildClickmeShard({ count: 2 });
    const raws = await readAll(new Blob([bytes as BlobPart]));
    expect(raws.map((r) => r.label)).toEqual(rows.map((r) => r.label));

    const sample = await decodeClickmeRecord(raws[1], decodeImageBytes, 'mirror.tfrecords');
    const heatmap = sample.heatmap!;
    expect([sample.image.width, sample.image.height, heatmap.channels]).toEqual([256, 256, 1]);
    const original = cropResize(loadImageFile(assetPath(`clickme-samples/${rows[1].image}`)), 256);
    let err = 0;
    for (let i = 0; i < original.data.length; i++) err += Math.abs(original.data[i] - sample.image.data[i]);
    expect(err / original.data.length).toBeLessThan(0.02); // JPEG at quality 95

    // The official preprocessing (blur at 64×64) keeps the map's ordering largely intact.
    const preprocessed = humanMapForModel(heatmap, 224, sample.heatmapSource);
    expect(spearman(preprocessed.data, cropResize(heatmap, 224).data)!).toBeGreaterThan(0.8);

    const again = await readTfRecordAt(new Blob([bytes as BlobPart]), raws[1].offset);
    expect((await readAll(encodeTfRecords([again]))).map((r) => r.label)).toEqual([rows[1].label]);
  });

  it('reads the float32 variant with the same labels', async () => {
    const raws = await readAll(buildClickmeShard({ count: 1, encoding: 'float32', side: 224 }));
    expect(raws.map((r) => [r.encoding, r.label])).toEqual([['float32', clickmeSampleRows()[0].label]]);
    const sample = await decodeClickmeRecord(raws[0], decodeImageBytes, 'f32');
    expect(sample.heatmapSource).toBe('ready');
    expect(sample.image.width).toBe(224);
  });
});
