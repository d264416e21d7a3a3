import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createImage } from '../../core/image/types';
import { KEEP_UPLOADS, openUploadStore, UploadStorageError, type StoredUpload } from './uploadStore';

const upload = (id: string, savedAt: number): StoredUpload => ({
  id, name: id.slice('upload:'.length), bytes: new Uint8Array([1, 2, 3, savedAt]).buffer, type: 'image/png', savedAt,
});

describe('upload store', () => {
  it('keeps an upload and its map across a reopen (a reload)', async () => {
    const factory = new IDBFactory();
    const first = await openUploadStore(factory);
    await first.save(upload('upload:cat.png', 1));
    const map = createImage(2, 1, 1, new Float32Array([0.25, 1]));
    await first.setHeatmap('upload:cat.png', map, 'gray levels');
    const again = await openUploadStore(factory);
    const back = await again.load('upload:cat.png');
    expect(back).toMatchObject({ id: 'upload:cat.png', name: 'cat.png', type: 'image/png', heatmapReading: 'gray levels' });
    expect([...new Uint8Array(back!.bytes)]).toEqual([1, 2, 3, 1]);
    expect([...back!.heatmap!.data]).toEqual([0.25, 1]);
    expect(await again.load('upload:dog.png')).toBeNull();
  });

  it(`keeps the newest ${KEEP_UPLOADS}`, async () => {
    const store = await openUploadStore(new IDBFactory());
    for (let i = 0; i < KEEP_UPLOADS + 3; i++) await store.save(upload(`upload:${i}.png`, i));
    const kept = await Promise.all(Array.from({ length: KEEP_UPLOADS + 3 }, (_, i) => store.load(`upload:${i}.png`)));
    expect(kept.map((u) => u !== null)).toEqual(Array.from({ length: KEEP_UPLOADS + 3 }, (_, i) => i >= 3));
  });

  it('a map for an upload it does not hold changes nothing', async () => {
    const store = await openUploadStore(new IDBFactory());
    await store.setHeatmap('upload:none.png', createImage(1, 1, 1), undefined);
    expect(await store.load('upload:none.png')).toBeNull();
  });

  it('without IndexedDB it says so in a sentence', async () => {
    await expect(openUploadStore(null)).rejects.toThrow(UploadStorageError);
    await expect(openUploadStore(null)).rejects.toThrow(/not kept across reloads/);
  });
});
