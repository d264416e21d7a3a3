import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { createImage } from '../../core/image/types';
import { preprocessClickmeMap } from '../../core/metrics/clickme';
import { BubbleMapError, CLICKME_SIZE, normaliseToUnit, parseStrokes, rasteriseBubbles, type Stroke } from './bubbleMask';

/**
 * The maps users draw, per image: strokes are kept (so undo works after a reload) in
 * localStorage, and the map is derived from them: bubble mask on ClickMe's 256×256 canvas,
 * then the official ClickMe preprocessing (256→64, Gaussian σ=10, →size), scaled to max 1.
 */

const KEY_PREFIX = 'alignscope.drawnMap.';

/** What persistence needs of localStorage; tests pass a Map-backed one. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface DrawnMapState {
  strokes: Record<string, Stroke[]>;
  /** A problem reading or writing storage, as a sentence for the UI. */
  problem: string | null;
  load(imageId: string): void;
  addStroke(imageId: string, stroke: Stroke): void;
  undo(imageId: string): void;
  clear(imageId: string): void;
}

export function createDrawnMapStore(storage: KeyValueStorage | null) {
  return createStore<DrawnMapState>()((set, get) => {
    const save = (imageId: string, strokes: Stroke[]) => {
      set({ strokes: { ...get().strokes, [imageId]: strokes } });
      try {
        if (strokes.length) storage?.setItem(KEY_PREFIX + imageId, JSON.stringify(strokes));
        else storage?.removeItem(KEY_PREFIX + imageId);
      } catch (e) {
        set({ problem: `Your map for ${imageId} could not be saved in this browser (${(e as Error).message}); it stays until the page is closed.` });
      }
    };
    return {
      strokes: {},
      problem: null,
      load: (imageId) => {
        if (imageId in get().strokes || !storage) return;
        const text = storage.getItem(KEY_PREFIX + imageId);
        if (text === null) return;
        try {
          set({ strokes: { ...get().strokes, [imageId]: parseStrokes(text, imageId) } });
        } catch (e) {
          set({ problem: e instanceof BubbleMapError ? e.message : String(e) });
        }
      },
      addStroke: (imageId, stroke) => {
        if (stroke.length) save(imageId, [...(get().strokes[imageId] ?? []), stroke]);
      },
      undo: (imageId) => save(imageId, (get().strokes[imageId] ?? []).slice(0, -1)),
      clear: (imageId) => save(imageId, []),
    };
  });
}

const cache = new WeakMap<Stroke[], Map<number, Float32Array>>();

/** The human map made from strokes, size×size in [0,1]; null when nothing is drawn. */
export function mapFromStrokes(strokes: Stroke[] | undefined, size: number): Float32Array | null {
  if (!strokes || strokes.length === 0) return null;
  let bySize = cache.get(strokes);
  if (!bySize) cache.set(strokes, (bySize = new Map()));
  let map = bySize.get(size);
  if (!map) {
    const mask = createImage(CLICKME_SIZE, CLICKME_SIZE, 1, rasteriseBubbles(strokes, CLICKME_SIZE));
    map = normaliseToUnit(preprocessClickmeMap(mask, size).data);
    bySize.set(size, map);
  }
  return map;
}

function browserStorage(): KeyValueStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export const drawnMapStore = createDrawnMapStore(browserStorage());

export function useDrawnMaps<T>(selector: (s: DrawnMapState) => T): T {
  return useStore(drawnMapStore, selector);
}

/** The drawn map of an image at the model size (loads stored strokes on first use). */
export function drawnMapFor(imageId: string, size: number): Float32Array | null {
  drawnMapStore.getState().load(imageId);
  return mapFromStrokes(drawnMapStore.getState().strokes[imageId], size);
}
