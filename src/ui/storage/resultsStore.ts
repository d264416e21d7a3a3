import type { BatchPlan } from '../../core/batch/plan';
import type { ResultRecord } from '../../core/results/types';
import { committed, openDatabase, request } from './idbRequest';

const DB_NAME = 'alignscope-results';
const DB_VERSION = 1;
const RESULTS = 'results';
const BATCHES = 'batches';
const CHANNEL = 'alignscope-results';

export type StorageKind = 'indexeddb' | 'memory';

export interface ResultsStore {
  /** 'memory' once IndexedDB is unavailable, blocked or full: results then live only in this tab. */
  readonly kind: StorageKind;
  /** A full sentence saying why results are not persisted, or null while IndexedDB works. */
  readonly problem: string | null;
  putResult(r: ResultRecord): Promise<void>;
  /** Many results in one transaction (an imported CSV): all stored, or, when the write fails, all kept in memory. */
  putResults(records: readonly ResultRecord[]): Promise<void>;
  listResults(): Promise<ResultRecord[]>;
  /** Deletes the given result ids, or every result when none are given. Returns how many went. */
  deleteResults(ids?: readonly string[]): Promise<number>;
  putBatch(plan: BatchPlan): Promise<void>;
  listBatches(): Promise<BatchPlan[]>;
  /** Another tab (or this store) stored or deleted something; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  close(): void;
}

export interface OpenOptions {
  /** Defaults to the global indexedDB; tests pass fake-indexeddb's factory. */
  factory?: IDBFactory | null;
  name?: string;
  blockedMs?: number;
}

/** Opens the results store; never throws: without a working IndexedDB it returns a memory store saying why. */
export async function openResultsStore(opts: OpenOptions = {}): Promise<ResultsStore> {
  const factory = opts.factory === undefined ? (globalThis.indexedDB ?? null) : opts.factory;
  const name = opts.name ?? DB_NAME;
  if (!factory) {
    return new Store(null, name, 'This browser gives AlignScope no IndexedDB (a private window or blocked site storage).');
  }
  const outcome = await openDatabase(
    factory,
    name,
    DB_VERSION,
    (db) => {
      if (!db.objectStoreNames.contains(RESULTS)) db.createObjectStore(RESULTS, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(BATCHES)) db.createObjectStore(BATCHES, { keyPath: 'id' });
    },
    opts.blockedMs,
  );
  return 'db' in outcome ? new Store(outcome.db, name, null) : new Store(null, name, outcome.problem);
}

/**
 * IndexedDB with an in-memory spill: a write that fails (quota, a deleted database) moves the
 * store to memory for the rest of the session, so a batch never loses a finished result. Each
 * write is one transaction keyed by a deterministic id, so two tabs writing the same job
 * overwrite each other's identical result instead of duplicating or tearing it.
 */
class Store implements ResultsStore {
  private memResults = new Map<string, ResultRecord>();
  private memBatches = new Map<string, BatchPlan>();
  private listeners = new Set<() => void>();
  private channel: BroadcastChannel | null = null;
  private persist: boolean;
  problem: string | null;

  constructor(
    private db: IDBDatabase | null,
    name: string,
    problem: string | null,
  ) {
    this.problem = problem;
    this.persist = db !== null;
    if (typeof BroadcastChannel !== 'undefined') {
      this.channel = new BroadcastChannel(`${CHANNEL}:${name}`);
      this.channel.onmessage = () => this.emit();
    }
    if (db) {
      db.onversionchange = () => {
        // Closing lets the other tab's upgrade or deletion go ahead instead of blocking it.
        db.close();
        this.db = null;
        this.degrade('Another tab is upgrading or deleting the results database.');
      };
    }
  }

  get kind(): StorageKind {
    return this.db && this.persist ? 'indexeddb' : 'memory';
  }

  async putResult(r: ResultRecord): Promise<void> {
    await this.write(RESULTS, [r], this.memResults);
  }

  async putResults(records: readonly ResultRecord[]): Promise<void> {
    if (records.length) await this.write(RESULTS, records, this.memResults);
  }

  async putBatch(plan: BatchPlan): Promise<void> {
    await this.write(BATCHES, [plan], this.memBatches);
  }

  async listResults(): Promise<ResultRecord[]> {
    return this.readAll(RESULTS, this.memResults);
  }

  async listBatches(): Promise<BatchPlan[]> {
    return this.readAll(BATCHES, this.memBatches);
  }

  async deleteResults(ids?: readonly string[]): Promise<number> {
    const targets = ids ?? (await this.listResults()).map((r) => r.id);
    for (const id of targets) this.memResults.delete(id);
    if (this.db) {
      try {
        const tx = this.db.transaction(RESULTS, 'readwrite');
        const os = tx.objectStore(RESULTS);
        if (ids) for (const id of ids) os.delete(id);
        else os.clear();
        await committed(tx);
      } catch (e) {
        this.degrade(`Deleting results from IndexedDB failed (${(e as Error).message}).`);
      }
    }
    this.announce();
    return targets.length;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.channel?.close();
    this.channel = null;
    this.db?.close();
    this.listeners.clear();
  }

  /** One transaction for `values`: it commits them all or none, so on a failure they all go to memory. */
  private async write<T extends { id: string }>(store: string, values: readonly T[], mem: Map<string, T>): Promise<void> {
    if (this.db && this.persist) {
      try {
        const tx = this.db.transaction(store, 'readwrite');
        const os = tx.objectStore(store);
        try {
          for (const v of values) os.put(v);
        } catch (e) {
          // A put that throws (quota, a value that cannot be cloned) must not let the others commit.
          tx.abort();
          throw e;
        }
        await committed(tx);
        this.announce();
        return;
      } catch (e) {
        const err = e as DOMException;
        this.degrade(
          err?.name === 'QuotaExceededError'
            ? 'The browser refused to store more results: its storage quota for this site is full.'
            : `Storing a result in IndexedDB failed (${err?.message ?? String(e)}).`,
        );
      }
    }
    for (const v of values) mem.set(v.id, v);
    this.announce();
  }

  private async readAll<T extends { id: string }>(store: string, mem: Map<string, T>): Promise<T[]> {
    const out = new Map<string, T>();
    if (this.db) {
      try {
        const tx = this.db.transaction(store, 'readonly');
        for (const v of await request(tx.objectStore(store).getAll() as IDBRequest<T[]>)) out.set(v.id, v);
      } catch (e) {
        this.degrade(`Reading IndexedDB failed (${(e as Error).message}).`);
      }
    }
    for (const [id, v] of mem) out.set(id, v);
    return [...out.values()];
  }

  /** Earlier results stay readable while the connection lives; new ones go to memory. */
  private degrade(why: string): void {
    this.persist = false;
    this.problem = `${why} New results are kept in memory only: download them as CSV before closing this tab.`;
    this.emit();
  }

  private announce(): void {
    this.channel?.postMessage('changed');
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
