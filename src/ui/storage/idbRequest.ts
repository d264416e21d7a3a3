/** Promise views of IndexedDB's event API; small enough that a wrapper library would not pay for itself. */

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed.'));
  });
}

/** Resolves when the transaction commits; rejects with its error when it aborts (quota errors arrive here). */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('The IndexedDB transaction was aborted.', 'AbortError'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed.'));
  });
}

export type OpenOutcome = { db: IDBDatabase } | { problem: string };

/**
 * Opens (and creates or upgrades) a database. A second tab holding an older version blocks an
 * upgrade; after `blockedMs` the caller gets a problem instead of waiting forever.
 */
export function openDatabase(
  factory: IDBFactory,
  name: string,
  version: number,
  upgrade: (db: IDBDatabase) => void,
  blockedMs = 3000,
  what = 'results database',
): Promise<OpenOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (o: OpenOutcome) => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(name, version);
    } catch (e) {
      finish({ problem: `IndexedDB refused to open the ${what} (${(e as Error).message}).` });
      return;
    }
    req.onupgradeneeded = () => upgrade(req.result);
    req.onsuccess = () => {
      if (settled) req.result.close();
      else finish({ db: req.result });
    };
    req.onerror = () =>
      finish({ problem: `IndexedDB could not open the ${what} (${req.error?.message ?? 'unknown error'}).` });
    req.onblocked = () =>
      setTimeout(
        () => finish({ problem: `Another AlignScope tab holds an older version of the ${what} open and blocks it.` }),
        blockedMs,
      );
  });
}
