import type { RunInputs, RunState } from '../state/runStore';

/**
 * Keeps the last run across reloads: the whole snapshot (steps with their δ copies included)
 * goes to IndexedDB, which stores typed arrays as they are. Nothing the user made is lost on a
 * reload; a browser without IndexedDB only loses this convenience, with a stated reason.
 */

export type StoredRun = Pick<
  RunState,
  'definition' | 'status' | 'config' | 'environment' | 'steps' | 'result' | 'resultAlignment' | 'startedAt' | 'finishedAt' | 'rate' | 'error'
> & { inputs: Omit<RunInputs, 'labelName'> | null; savedAt: number };

export class RunStorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunStorageError';
  }
}

const DB_NAME = 'alignscope-visualiser';
const STORE = 'runs';
const LAST = 'last';

function openDb(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new RunStorageError(`The browser's database for saved runs could not be opened (${req.error?.message ?? 'unknown error'}).`));
    req.onblocked = () => reject(new RunStorageError('The database for saved runs is blocked by another AlignScope tab; close it to keep runs across reloads.'));
  });
}

function transact<T>(factory: IDBFactory, mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return openDb(factory).then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = work(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(req.result);
        };
        tx.onerror = tx.onabort = () => {
          db.close();
          const why = tx.error?.name === 'QuotaExceededError' ? 'the browser has no room left' : tx.error?.message ?? 'unknown error';
          reject(new RunStorageError(`The last run could not be saved or read (${why}).`));
        };
      }),
  );
}

function defaultFactory(): IDBFactory {
  if (typeof indexedDB === 'undefined') {
    throw new RunStorageError('This browser has no IndexedDB, so runs are not kept across reloads; export the run JSON to keep it.');
  }
  return indexedDB;
}

/** A snapshot of the run store that structured clone can store (functions dropped). */
export function snapshotOf(state: RunState, savedAt: number): StoredRun {
  const { labelName: _unused, ...inputs } = state.inputs ?? ({} as RunInputs);
  return {
    definition: state.definition,
    status: state.status,
    config: state.config,
    environment: state.environment,
    steps: state.steps,
    result: state.result,
    resultAlignment: state.resultAlignment,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt,
    rate: state.rate,
    error: state.error,
    inputs: state.inputs ? (inputs as Omit<RunInputs, 'labelName'>) : null,
    savedAt,
  };
}

export async function saveLastRun(run: StoredRun, factory: IDBFactory = defaultFactory()): Promise<void> {
  await transact(factory, 'readwrite', (s) => s.put(run, LAST));
}

export async function loadLastRun(factory: IDBFactory = defaultFactory()): Promise<StoredRun | null> {
  return ((await transact(factory, 'readonly', (s) => s.get(LAST))) as StoredRun | undefined) ?? null;
}

export async function deleteLastRun(factory: IDBFactory = defaultFactory()): Promise<void> {
  await transact(factory, 'readwrite', (s) => s.delete(LAST));
}
