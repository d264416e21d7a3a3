import { maskedCrc32c } from './crc32c';

/** Frames records as a TFRecord file (used to build test shards and fixtures). */
export function encodeTfRecords(records: Uint8Array[]): Uint8Array {
  const total = records.reduce((sum, r) => sum + 16 + r.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const r of records) {
    view.setUint32(at, r.length % 2 ** 32, true);
    view.setUint32(at + 4, Math.floor(r.length / 2 ** 32), true);
    view.setUint32(at + 8, maskedCrc32c(out.subarray(at, at + 8)), true);
    out.set(r, at + 12);
    view.setUint32(at + 12 + r.length, maskedCrc32c(r), true);
    at += 16 + r.length;
  }
  return out;
}
