import type { ModelOverrides } from '../../core/models/modelId';
import { committed, openDatabase, request } from './idbRequest';

/**
 * Models the user opened in this browser, for batches: a URL model by its id (URL + #fragment), and
 * a model from files by `file:<main file name>` with the files as Blobs and what the user stated
 * about it (normalisation, size, classes, logits layer, timm name). Where IndexedDB refuses (quota,
 * private window), the entries live for this session and a resumed batch asks for the files again.
 */
export interface UserModel {
  id: string;
  kind: 'url' | 'file';
  /** Shown in the batch list. */
  name: string;
  /** Total bytes of the files (a resumed batch checks it); 0 for URL models. */
  size: number;
  files?: { name: string; blob: Blob }[];
  overrides?: ModelOverrides;
  savedAt: number;
}

export interface ModelFileStore {
  /** Null when the model was kept; else why it is kept for this session only. */
  save(model: UserModel): Promise<string | null>;
  list(): Promise<UserModel[]>;
  get(id: string): Promise<UserModel | null>;
}

const DB_NAME = 'alignscope-models';
const STORE = 'models';

export async function openModelFileStore(factory: IDBFactory | null = globalThis.indexedDB ?? null, name = DB_NAME): Promise<ModelFileStore> {
  const memory = new Map<string, UserModel>();
  const outcome = factory
    ? await openDatabase(factory, name, 1, (db) => db.createObjectStore(STORE, { keyPath: 'id' }), 3000, 'models database')
    : { problem: 'This browser gives AlignScope no IndexedDB.' };
  const db = 'db' in outcome ? outcome.db : null;
  const problem = 'problem' in outcome ? outcome.problem : null;

  const stored = async (): Promise<UserModel[]> => {
    if (!db) return [];
    const tx = db.transaction(STORE, 'readonly');
    return request(tx.objectStore(STORE).getAll() as IDBRequest<UserModel[]>);
  };

  return {
    async save(model) {
      memory.set(model.id, model);
      if (!db) return `${problem} The model is kept for this session only; a resumed batch asks for its files again.`;
      try {
        const tx = db.transaction(STORE, 'readwrite');
        const done = committed(tx);
        tx.objectStore(STORE).put(model);
        await done;
        return null;
      } catch (e) {
        // Only this model is not stored: the database still serves the models stored before, and a later save tries again.
        const why = (e as DOMException).name === 'QuotaExceededError' ? 'the browser has no room left' : (e as Error).message;
        return `The model could not be stored (${why}). It is kept for this session only; a resumed batch asks for its files again.`;
      }
    },
    async list() {
      const all = new Map((await stored().catch(() => [])).map((m) => [m.id, m]));
      for (const [id, m] of memory) all.set(id, m);
      return [...all.values()].sort((a, b) => a.savedAt - b.savedAt);
    },
    async get(id) {
      if (memory.has(id)) return memory.get(id)!;
      if (!db) return null;
      const tx = db.transaction(STORE, 'readonly');
      return (await request(tx.objectStore(STORE).get(id) as IDBRequest<UserModel | undefined>)) ?? null;
    },
  };
}
