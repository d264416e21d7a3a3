import type { ImageBytesDecoder } from '../image/decode';
import { decodeClickmeRecord, parseClickmeExample, readClickmeShard, type ClickmeSample } from './clickmeShard';
import { blobRange, readTfRecordAt, TfRecordError, type ReadRange } from './tfrecord';

export interface ClickmeShardEntry {
  index: number;
  offset: number;
  label: number;
  encoding: 'jpeg' | 'float32';
}

/** A shard listed once (labels and offsets only); pictures are decoded when a record is opened. */
export interface ClickmeShardIndex {
  name: string;
  entries: ClickmeShardEntry[];
  /** True when `limit` stopped the listing before the end of the shard. */
  truncated: boolean;
  open(index: number): Promise<ClickmeSample>;
}

export interface IndexClickmeShardOptions {
  decoder: ImageBytesDecoder;
  name?: string;
  /** List at most this many records (default: all). */
  limit?: number;
  /** Called every 50 records with how many were listed and the byte offset reached. */
  onProgress?: (records: number, bytes: number) => void;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

/**
 * Opens a ClickMe TFRecord shard from a File/Blob or a URL. The shard is streamed once to list its
 * records; opening one re-reads just that record (Blob slice, or an HTTP Range request for a URL),
 * so a multi-GB shard never sits in memory.
 */
export async function indexClickmeShard(source: Blob | string, options: IndexClickmeShardOptions): Promise<ClickmeShardIndex> {
  const fetchImpl = options.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const name = options.name ?? (typeof source === 'string' ? source : source instanceof File ? source.name : 'ClickMe shard');
  const limit = options.limit ?? Infinity;

  let stream: Blob | ReadableStream<Uint8Array>;
  let read: ReadRange;
  if (typeof source === 'string') {
    const res = await fetchImpl(source, { signal: options.signal }).catch((e: Error) => {
      throw new TfRecordError(`The ClickMe shard at ${source} could not be reached: ${e.message}.`);
    });
    if (!res.ok || !res.body) throw new TfRecordError(`The ClickMe shard at ${source} answered HTTP ${res.status}.`);
    stream = res.body;
    read = urlRange(source, fetchImpl);
  } else {
    stream = source;
    read = blobRange(source);
  }

  const entries: ClickmeShardEntry[] = [];
  let truncated = false;
  for await (const r of readClickmeShard(stream, { name, signal: options.signal })) {
    if (entries.length >= limit) {
      truncated = true;
      break;
    }
    entries.push({ index: r.index, offset: r.offset, label: r.label, encoding: r.encoding });
    if (entries.length % 50 === 0) options.onProgress?.(entries.length, r.offset);
  }
  if (entries.length === 0) throw new TfRecordError(`The ClickMe shard "${name}" holds no records.`);

  return {
    name,
    entries,
    truncated,
    async open(index) {
      const entry = entries[index];
      if (!entry) throw new TfRecordError(`The ClickMe shard "${name}" has no record ${index} (it lists ${entries.length}).`);
      const bytesOfRecord = await readTfRecordAt(read, entry.offset, { name });
      return decodeClickmeRecord(parseClickmeExample(bytesOfRecord, index, entry.offset, name), options.decoder, name);
    },
  };
}

/** Byte ranges of a URL through HTTP Range requests; a server that ignores them is reported, not downloaded whole. */
export function urlRange(url: string, fetchImpl: typeof fetch): ReadRange {
  return async (start, end) => {
    const res = await fetchImpl(url, { headers: { Range: `bytes=${start}-${end - 1}` } });
    if (res.status !== 206) {
      throw new TfRecordError(
        `The server of ${url} does not answer byte-range requests (HTTP ${res.status} instead of 206), so single records cannot be re-read; download the shard and open the file instead.`,
      );
    }
    return new Uint8Array(await res.arrayBuffer());
  };
}
