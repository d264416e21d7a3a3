import { describe, expect, it } from 'vitest';
import { createDrawnMapStore, mapFromStrokes, type KeyValueStorage } from './drawnMapStore';

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

describe('drawn maps', () => {
  it('keeps strokes per image with undo and clear, and survives a reload', () => {
    const storage = memoryStorage();
    const store = createDrawnMapStore(storage);
    store.getState().addStroke('chelsea', [{ x: 0.5, y: 0.5, r: 0.05 }]);
    store.getState().addStroke('chelsea', [{ x: 0.2, y: 0.2, r: 0.05 }]);
    store.getState().addStroke('chelsea', []);
    expect(store.getState().strokes.chelsea.length).toBe(2);
    store.getState().undo('chelsea');
    expect(store.getState().strokes.chelsea).toEqual([[{ x: 0.5, y: 0.5, r: 0.05 }]]);
    const reloaded = createDrawnMapStore(storage);
    reloaded.getState().load('chelsea');
    expect(reloaded.getState().strokes.chelsea).toEqual([[{ x: 0.5, y: 0.5, r: 0.05 }]]);
    reloaded.getState().clear('chelsea');
    expect(storage.data.size).toBe(0);
  });

  it('reports storage that is broken or full instead of losing the map', () => {
    const storage = memoryStorage();
    storage.data.set('alignscope.drawnMap.coffee', 'nonsense');
    const store = createDrawnMapStore(storage);
    store.getState().load('coffee');
    expect(store.getState().problem).toBe('The drawn map stored for coffee is not valid JSON.');
    const full = { ...memoryStorage(), setItem: () => { throw new Error('quota exceeded'); } };
    const s2 = createDrawnMapStore(full);
    s2.getState().addStroke('rocket', [{ x: 0.5, y: 0.5, r: 0.05 }]);
    expect(s2.getState().strokes.rocket.length).toBe(1);
    expect(s2.getState().problem).toMatch(/^Your map for rocket could not be saved in this browser \(quota exceeded\)/);
  });

  it('derives a blurred map peaking at the bubble, max 1', () => {
    expect(mapFromStrokes([], 8)).toBeNull();
    const map = mapFromStrokes([[{ x: 0.5, y: 0.5, r: 0.1 }]], 32)!;
    expect(map.length).toBe(32 * 32);
    expect(Math.max(...map)).toBeCloseTo(1, 6);
    const at = (x: number, y: number) => map[y * 32 + x];
    // Blurred: the centre is high, the corners low but the mask has spread beyond the bubble.
    expect(at(16, 16)).toBeGreaterThan(0.85);
    expect(at(0, 0)).toBeLessThan(0.2);
    expect(at(16, 16)).toBeGreaterThan(at(16, 26));
    // Same strokes, same array (cached per size).
    const strokes = [[{ x: 0.3, y: 0.3, r: 0.1 }]];
    expect(mapFromStrokes(strokes, 16)).toBe(mapFromStrokes(strokes, 16));
  });
});
