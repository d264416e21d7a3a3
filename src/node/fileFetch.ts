/**
 * fetch for Node with file: URLs: the importers, the asset resolver and the gallery load everything
 * through a fetchImpl, so in Node they read the disk through this one (GET, HEAD and byte ranges).
 * Other URLs go to Node's own fetch.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = { json: 'application/json', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg' };

export const fileFetch: typeof fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith('file:')) return fetch(input, init);
  const file = fileURLToPath(url.split('#')[0]);
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    return new Response(null, { status: 404, statusText: `${file} does not exist` });
  }
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  const headers = { 'content-type': TYPES[ext] ?? 'application/octet-stream' };
  if ((init?.method ?? 'GET').toUpperCase() === 'HEAD') {
    return new Response(null, { status: 200, headers: { ...headers, 'content-length': String(size) } });
  }
  const range = /^bytes=(\d+)-(\d*)$/.exec(new Headers(init?.headers).get('range') ?? '');
  if (range) {
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) + 1 : size, size);
    const bytes = readRange(file, start, end);
    return new Response(bytes as BlobPart, { status: 206, headers: { ...headers, 'content-length': String(bytes.length) } });
  }
  return new Response(fs.readFileSync(file) as BlobPart, { status: 200, headers: { ...headers, 'content-length': String(size) } });
};

/** Bytes [start, end) of a file, read in place (a shard of several GB is never read whole). */
export function readRange(file: string, start: number, end: number): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    return readAt(fd, start, end);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Random access to a file kept open for the life of the process: a shard's record headers are
 * walked one small read at a time, thousands of them for an official shard.
 */
export function fileRange(file: string): (start: number, end: number) => Promise<Uint8Array> {
  let fd: number | null = null;
  return async (start, end) => readAt((fd ??= fs.openSync(file, 'r')), start, end);
}

function readAt(fd: number, start: number, end: number): Uint8Array {
  const length = Math.max(0, end - start);
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, out, got, length - got, start + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? out : out.subarray(0, got);
}
