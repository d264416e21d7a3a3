import type { FloatImage } from '../../core/image/types';
import { committed, openDatabase, request } from './idbRequest';

/**
 * The user's own pictures, kept across reloads: the image file's bytes and the human map given for
 * it. The address bar and the last run name an upload by id (`upload:<file name>`), so a reload
 * can show it again instead of a sample with an error. The newest few are kept.
 */

export interface StoredUpload {
  id: string;
  name: string;
  /** The file as the user gave it (decoded again on reload, like a fresh upload). */
  bytes: ArrayBuffer;
  type: string;
  heatmap?: FloatImage;
  heatmapReading?: string;
  savedAt: number;
}

export interface UploadStore {
  save(upload: StoredUpload): Promise<void>;
  /** Gives a stored upload its human map; nothing happens for an id that is not stored. */
  setHeatmap(id: string, heatmap: FloatImage, reading: string | undefined): Promise<void>;
  load(id: string): Promise<StoredUpload | null>;
}

export class UploadStorageError extends Error {
  override name = 'UploadStorageError';
}

const DB_NAME = 'alignscope-uploads';
const STORE = 'uploads';
/** Uploads kept; the oldest go first. Pictures are a few MB at most, so this stays small. */
export const KEEP_UPLOADS = 8;

/** The store over IndexedDB; throws UploadStorageError with a sentence when there is none. */
export async function openUploadStore(factory: IDBFactory | null = globalThis.indexedDB ?? null, name = DB_NAME): Promise<UploadStore> {
  if (!factory) throw new UploadStorageError('This browser gives AlignScope no IndexedDB, so uploaded pictures are not kept across reloads.');
  const outcome = await openDatabase(factory, name, 1, (db) => db.createObjectStore(STORE, { keyPath: 'id' }), 3000, 'uploads database');
  if ('problem' in outcome) throw new UploadStorageError(`${outcome.problem} Uploaded pictures are not kept across reloads.`);
  const db = outcome.db;

  const write = async (work: (store: IDBObjectStore) => Promise<void>) => {
    const tx = db.transaction(STORE, 'readwrite');
    const done = committed(tx);
    await work(tx.objectStore(STORE));
    try {
      await done;
    } catch (e) {
      const why = (e as DOMException).name === 'QuotaExceededError' ? 'the browser has no room left' : (e as Error).message;
      throw new UploadStorageError(`The uploaded picture could not be kept for the next visit (${why}).`);
    }
  };

  return {
    save: (upload) =>
      write(async (store) => {
        store.put(upload);
        const all = await request(store.getAll() as IDBRequest<StoredUpload[]>);
        const others = all.filter((u) => u.id !== upload.id).sort((a, b) => b.savedAt - a.savedAt);
        for (const old of others.slice(KEEP_UPLOADS - 1)) store.delete(old.id);
      }),
    setHeatmap: (id, heatmap, reading) =>
      write(async (store) => {
        const upload = await request(store.get(id) as IDBRequest<StoredUpload | undefined>);
        if (upload) store.put({ ...upload, heatmap, heatmapReading: reading });
      }),
    load: async (id) => {
      const tx = db.transaction(STORE, 'readonly');
      return (await request(tx.objectStore(STORE).get(id) as IDBRequest<StoredUpload | undefined>)) ?? null;
    },
  };
}

/** Every upload kept in this browser (for the batch's image list); empty where storage is refused. */
export async function listUploads(factory: IDBFactory | null = globalThis.indexedDB ?? null, name = DB_NAME): Promise<StoredUpload[]> {
  if (!factory) return [];
  const outcome = await openDatabase(factory, name, 1, (db) => db.createObjectStore(STORE, { keyPath: 'id' }), 3000, 'uploads database');
  if ('problem' in outcome) return [];
  try {
    const tx = outcome.db.transaction(STORE, 'readonly');
    return await request(tx.objectStore(STORE).getAll() as IDBRequest<StoredUpload[]>);
  } finally {
    outcome.db.close();
  }
}
