import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openModelFileStore, type UserModel } from './modelFileStore';

const model = (id: string): UserModel => ({
  id, kind: 'file', name: id.slice(5), size: 3, savedAt: 1,
  files: [{ name: id.slice(5), blob: new Blob([new Uint8Array([1, 2, 3])]) }],
  overrides: { timmName: 'resnet50', inputSize: 224 },
});

describe('model file store', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps model files with what the user stated across a reopen', async () => {
    const factory = new IDBFactory();
    const first = await openModelFileStore(factory, 'm');
    expect(await first.save(model('file:a.onnx'))).toBeNull();
    const again = await openModelFileStore(factory, 'm');
    const got = await again.get('file:a.onnx');
    expect(got?.overrides).toEqual({ timmName: 'resnet50', inputSize: 224 });
    expect(got?.files?.[0].name).toBe('a.onnx');
    expect((await again.list()).map((m) => m.id)).toEqual(['file:a.onnx']);
  });

  it('keeps a model for the session and says so where there is no storage', async () => {
    const store = await openModelFileStore(null);
    expect(await store.save(model('file:b.onnx'))).toMatch(/kept for this session only; a resumed batch asks for its files again/);
    expect((await store.get('file:b.onnx'))?.size).toBe(3);
    expect((await store.list()).map((m) => m.id)).toEqual(['file:b.onnx']);
  });

  it('still reads the stored models after a write fails, and stores a later one once writes work again', async () => {
    const factory = new IDBFactory();
    const first = await openModelFileStore(factory, 'q');
    expect(await first.save(model('file:a.onnx'))).toBeNull();
    const store = await openModelFileStore(factory, 'q');
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('Quota exceeded.', 'QuotaExceededError');
    });
    expect(await store.save(model('file:b.onnx'))).toMatch(/could not be stored \(the browser has no room left\).*kept for this session only/);
    // a.onnx comes from the database (this store never saved it), b.onnx from the session.
    expect((await store.get('file:a.onnx'))?.files?.[0].name).toBe('a.onnx');
    expect((await store.list()).map((m) => m.id).sort()).toEqual(['file:a.onnx', 'file:b.onnx']);
    put.mockRestore();
    expect(await store.save(model('file:c.onnx'))).toBeNull();
    const reopened = await openModelFileStore(factory, 'q');
    expect((await reopened.list()).map((m) => m.id).sort()).toEqual(['file:a.onnx', 'file:c.onnx']);
  });
});
