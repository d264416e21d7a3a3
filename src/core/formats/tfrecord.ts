import { ByteReader } from './byteReader';
import { maskedCrc32c } from './crc32c';

export class TfRecordError extends Error {
  override name = 'TfRecordError';
}

export interface TfRecord {
  /** 0-based position in the file. */
  index: number;
  /** Byte offset of the record's header, for reading it again later with readTfRecordAt. */
  offset: number;
  data: Uint8Array;
}

export interface TfRecordReadOptions {
  /** File name or URL for error messages. */
  name?: string;
  /** Check each record's data CRC (default true; the length CRC is always checked). */
  verifyDataCrc?: boolean;
  /** Largest record accepted (default 256 MiB), so a corrupt length cannot trigger a huge allocation. */
  maxRecordBytes?: number;
  signal?: AbortSignal;
}

export type TfRecordSource = Blob | ReadableStream<Uint8Array> | Uint8Array;

const HEADER = 12; // uint64 length + uint32 masked CRC of the length
const FOOTER = 4; // uint32 masked CRC of the data

/**
 * Streams the records of a TFRecord file: [uint64 length][masked CRC32C of length][data][masked CRC32C of data].
 * Only the current record is held in memory.
 */
export async function* readTfRecords(source: TfRecordSource, options: TfRecordReadOptions = {}): AsyncGenerator<TfRecord> {
  const name = options.name ?? sourceName(source);
  const reader = new ByteReader(toStream(source).getReader());
  try {
    for (let index = 0; ; index++) {
      options.signal?.throwIfAborted();
      const offset = reader.offset;
      const header = await reader.read(HEADER);
      if (header.length === 0) return;
      if (header.length < HEADER) throw truncated(name, index, offset, `its 12-byte header has only ${header.length} bytes`);
      const length = checkHeader(header, name, index, offset, options.maxRecordBytes);
      const body = await reader.read(length + FOOTER);
      if (body.length < length + FOOTER) {
        throw truncated(name, index, offset, `it declares ${length} bytes of data and a 4-byte CRC, but only ${body.length} bytes remain`);
      }
      const data = body.subarray(0, length);
      if (options.verifyDataCrc !== false) checkDataCrc(body, length, name, index, offset);
      yield { index, offset, data };
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Random access to a file's bytes: a Blob/File, or a URL read with HTTP Range requests. */
export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

export function blobRange(blob: Blob): ReadRange {
  return async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

/**
 * Reads the one record whose header starts at `offset` (as reported by readTfRecords), so a picked
 * record of a large shard can be loaded again without keeping every record in memory.
 */
export async function readTfRecordAt(
  source: Blob | ReadRange,
  offset: number,
  options: TfRecordReadOptions = {},
): Promise<Uint8Array> {
  const read = source instanceof Blob ? blobRange(source) : source;
  const name = options.name ?? (source instanceof Blob ? sourceName(source) : 'TFRecord file');
  const header = await read(offset, offset + HEADER);
  if (header.length < HEADER) throw truncated(name, -1, offset, `its 12-byte header has only ${header.length} bytes`);
  const length = checkHeader(header, name, -1, offset, options.maxRecordBytes);
  const body = await read(offset + HEADER, offset + HEADER + length + FOOTER);
  if (body.length < length + FOOTER) {
    throw truncated(name, -1, offset, `it declares ${length} bytes of data and a 4-byte CRC, but only ${body.length} bytes remain`);
  }
  if (options.verifyDataCrc !== false) checkDataCrc(body, length, name, -1, offset);
  return body.subarray(0, length);
}

/**
 * The size in bytes (header, data and CRC) of the record whose header starts at `offset`, read
 * from its 12-byte header alone; null at the end of the file. Walking these sizes finds record k
 * without reading the data of records 0…k−1.
 */
export async function tfRecordSpanAt(read: ReadRange, offset: number, name: string, index: number): Promise<number | null> {
  const header = await read(offset, offset + HEADER);
  if (header.length === 0) return null;
  if (header.length < HEADER) throw truncated(name, index, offset, `its 12-byte header has only ${header.length} bytes`);
  return HEADER + checkHeader(header, name, index, offset) + FOOTER;
}

function checkHeader(header: Uint8Array, name: string, index: number, offset: number, max = 256 * 2 ** 20): number {
  const view = new DataView(header.buffer, header.byteOffset, HEADER);
  if (view.getUint32(8, true) !== maskedCrc32c(header.subarray(0, 8))) {
    throw new TfRecordError(
      `${where(name, index, offset)} has a length field whose CRC does not match: the file is not a TFRecord file, or it is corrupt.`,
    );
  }
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const length = high * 2 ** 32 + low;
  if (length > max) {
    throw new TfRecordError(
      `${where(name, index, offset)} declares ${length} bytes, more than the ${max}-byte limit for one record.`,
    );
  }
  return length;
}

function checkDataCrc(body: Uint8Array, length: number, name: string, index: number, offset: number): void {
  const view = new DataView(body.buffer, body.byteOffset + length, FOOTER);
  if (view.getUint32(0, true) !== maskedCrc32c(body.subarray(0, length))) {
    throw new TfRecordError(`${where(name, index, offset)} has data whose CRC does not match: the file is corrupt.`);
  }
}

function truncated(name: string, index: number, offset: number, detail: string): TfRecordError {
  return new TfRecordError(`${where(name, index, offset)} is cut short: ${detail}. The file is truncated.`);
}

function where(name: string, index: number, offset: number): string {
  return index >= 0 ? `In "${name}", record ${index} (at byte ${offset})` : `In "${name}", the record at byte ${offset}`;
}

function toStream(source: TfRecordSource): ReadableStream<Uint8Array> {
  if (source instanceof Uint8Array) {
    return new ReadableStream({
      start(controller) {
        controller.enqueue(source);
        controller.close();
      },
    });
  }
  if (source instanceof Blob) return source.stream() as ReadableStream<Uint8Array>;
  return source;
}

function sourceName(source: TfRecordSource): string {
  return typeof File !== 'undefined' && source instanceof File ? source.name : 'TFRecord file';
}
