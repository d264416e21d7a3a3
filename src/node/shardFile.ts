/**
 * A ClickMe TFRecord shard on disk, read lazily: opening it walks the 12-byte record headers only
 * (offsets and lengths, the length CRC checked), and a record's bytes are read when its job runs.
 * A shard of several GB is never held in memory.
 */
import fs from 'node:fs';
import type { ImageBytesDecoder } from '../core/image/decode';
import { decodeClickmeRecord, parseClickmeExample, type ClickmeSample } from '../core/formats/clickmeShard';
import { maskedCrc32c } from '../core/formats/crc32c';
import { readTfRecordAt, TfRecordError } from '../core/formats/tfrecord';
import { readRange } from './fileFetch';

const HEADER = 12;
const FOOTER = 4;

export class ShardFile {
  /** How many records were read for jobs (never more than the jobs run). */
  recordsRead = 0;

  private constructor(
    readonly file: string,
    readonly name: string,
    readonly offsets: number[],
    private readonly decoder: ImageBytesDecoder,
  ) {}

  /** Throws TfRecordError when the file is not a TFRecord file, is cut short, or its first record is not a ClickMe record. */
  static async open(file: string, name: string, decoder: ImageBytesDecoder): Promise<ShardFile> {
    const size = fs.statSync(file).size;
    const offsets: number[] = [];
    const fd = fs.openSync(file, 'r');
    try {
      const header = new Uint8Array(HEADER);
      for (let offset = 0; offset < size; ) {
        const got = fs.readSync(fd, header, 0, HEADER, offset);
        const where = `Record ${offsets.length} of "${name}" (byte ${offset})`;
        if (got < HEADER) throw new TfRecordError(`${where} is cut short: its 12-byte header has only ${got} bytes.`);
        const view = new DataView(header.buffer);
        if (view.getUint32(8, true) !== maskedCrc32c(header.subarray(0, 8))) {
          throw new TfRecordError(`${where} has a length field whose CRC does not match: "${name}" is not a TFRecord file, or it is corrupt.`);
        }
        const length = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
        const next = offset + HEADER + length + FOOTER;
        if (next > size) throw new TfRecordError(`${where} declares ${length} bytes of data, but the file ends before them: "${name}" is cut short.`);
        offsets.push(offset);
        offset = next;
      }
    } finally {
      fs.closeSync(fd);
    }
    if (!offsets.length) throw new TfRecordError(`The ClickMe shard "${name}" holds no records.`);
    const shard = new ShardFile(file, name, offsets, decoder);
    // The features are checked on the first record now, so a TFRecord of something else stops the command.
    parseClickmeExample(await shard.recordBytes(0), 0, 0, name);
    return shard;
  }

  get count(): number {
    return this.offsets.length;
  }

  async record(index: number): Promise<ClickmeSample> {
    if (!(index >= 0 && index < this.offsets.length)) {
      throw new TfRecordError(`The ClickMe shard "${this.name}" has no record ${index} (it holds ${this.offsets.length}).`);
    }
    this.recordsRead++;
    const bytes = await this.recordBytes(index);
    return decodeClickmeRecord(parseClickmeExample(bytes, index, this.offsets[index], this.name), this.decoder, this.name);
  }

  private recordBytes(index: number): Promise<Uint8Array> {
    return readTfRecordAt(async (start, end) => readRange(this.file, start, end), this.offsets[index], { name: this.name });
  }
}
