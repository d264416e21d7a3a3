/**
 * A ClickMe TFRecord shard written for the e2e tests, independently of the app's reader: its own
 * TFRecord framing (masked CRC32C), its own minimal tf.train.Example protobuf encoder, JPEGs from
 * the mirror's ClickMe samples. Node-only (Playwright's side).
 */
import fs from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

const MIRROR = process.env.ALIGNSCOPE_ASSETS_MIRROR ?? '/work/shared/assets';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function masked(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

function varint(v: number): number[] {
  const out: number[] = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A length-delimited protobuf field. */
function field(no: number, payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([(no << 3) | 2, ...varint(payload.length)]), payload]);
}

function example(features: Record<string, { bytes: Uint8Array } | { int64: number }>): Buffer {
  const entries = Object.entries(features).map(([key, f]) => {
    const feature =
      'bytes' in f
        ? field(1, field(1, f.bytes)) // Feature.bytes_list { value }
        : field(3, field(1, Buffer.from(varint(f.int64)))); // Feature.int64_list { packed value }
    return field(1, Buffer.concat([field(1, Buffer.from(key)), field(2, feature)])); // map entry
  });
  return field(1, Buffer.concat(entries)); // Example.features
}

function frame(record: Uint8Array): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(record.length));
  const crcs = Buffer.alloc(8);
  crcs.writeUInt32LE(masked(len), 0);
  crcs.writeUInt32LE(masked(record), 4);
  return Buffer.concat([len, crcs.subarray(0, 4), record, crcs.subarray(4)]);
}

/** Centre square of a PNG, nearest-neighbour resized to side×side, as a JPEG. */
function squareJpeg(file: string, side: number): Uint8Array {
  const png = PNG.sync.read(fs.readFileSync(file));
  const s = Math.min(png.width, png.height);
  const top = Math.floor((png.height - s) / 2);
  const left = Math.floor((png.width - s) / 2);
  const data = Buffer.alloc(side * side * 4);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const sy = top + Math.floor(((y + 0.5) * s) / side);
      const sx = left + Math.floor(((x + 0.5) * s) / side);
      png.data.copy(data, (y * side + x) * 4, (sy * png.width + sx) * 4, (sy * png.width + sx) * 4 + 4);
      data[(y * side + x) * 4 + 3] = 255;
    }
  }
  return new Uint8Array(jpeg.encode({ data, width: side, height: side }, 92).data);
}

export interface ShardRow {
  label: number;
}

/**
 * The first `count` ClickMe samples, or the samples named by `ids` in that order, as an
 * official-layout shard (256×256 JPEGs, int64 label).
 */
export function writeClickmeShard(count: number, ids?: string[]): { bytes: Buffer; rows: ShardRow[] } {
  const dir = path.join(MIRROR, 'clickme-samples');
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as {
    samples: { id: string; image: string; heatmap: string; label: number }[];
  };
  const rows = ids ? ids.map((id) => index.samples.find((s) => s.id === id)!) : index.samples.slice(0, count);
  const records = rows.map((r) =>
    frame(
      example({
        image: { bytes: squareJpeg(path.join(dir, r.image), 256) },
        heatmap: { bytes: squareJpeg(path.join(dir, r.heatmap), 256) },
        label: { int64: r.label },
      }),
    ),
  );
  return { bytes: Buffer.concat(records), rows: rows.map((r) => ({ label: r.label })) };
}

export function labelNames(): Map<number, string> {
  const rows = JSON.parse(fs.readFileSync(path.join(MIRROR, 'labels/imagenet1000_index_wnid_names.json'), 'utf8')) as { index: number; short: string }[];
  return new Map(rows.map((r) => [r.index, r.short]));
}
