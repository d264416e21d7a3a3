import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { openModelFileStore, type UserModel } from './modelFileStore';

const model = (id: string): UserModel => ({
  id, kind: 'file', name: id.slice(5), size: 3, savedAt: 1,
  files: [{ name: id.slice(5), blob: new Blob([new Uint8Array([1, 2, 3])]) }],
  overrides: { timmName: 'resnet50', inputSize: 224 },
});

describe('model file store', () => {
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
});
