import { decodeClickmeRecord, parseClickmeExample, squareClickmeSample } from '../formats/clickmeShard';
import { readTfRecordAt, tfRecordSpanAt, TfRecordError, type ReadRange } from '../formats/tfrecord';
import type { ImageBytesDecoder } from '../image/decode';
import type { CropResizeOptions } from '../image/resize';
import { batchImageOf } from './imageSource';
import type { BatchImage } from './runner';

/**
 * One ClickMe shard read one record at a time, for a batch: record k is found by walking the
 * 12-byte headers before it (their offsets are kept), and only its own data is read and decoded.
 * A shard of several hundred MB is never held; `recordsRead` counts the records whose data was read.
 */
export class LazyShard {
  recordsRead = 0;
  private readonly offsets: number[] = [0];
  private ended = false;

  constructor(
    readonly name: string,
    private readonly read: ReadRange,
    private readonly decoder: ImageBytesDecoder,
  ) {}

  /** Byte offset of record `index`, or null past the end of the shard. */
  private async offsetOf(index: number): Promise<number | null> {
    while (this.offsets.length <= index + 1 && !this.ended) {
      const k = this.offsets.length - 1;
      const span = await tfRecordSpanAt(this.read, this.offsets[k], this.name, k);
      if (span === null) this.ended = true;
      else this.offsets.push(this.offsets[k] + span);
    }
    if (index < this.offsets.length - 1) return this.offsets[index];
    // The offset after the last record is the end of the file, not a record.
    return null;
  }

  /** Whether record `index` exists (reads the headers up to it, no data). */
  async has(index: number): Promise<boolean> {
    return (await this.offsetOf(index)) !== null;
  }

  /** How many records the shard holds (reads every header once, no data). */
  async count(): Promise<number> {
    await this.offsetOf(Number.MAX_SAFE_INTEGER - 1);
    return this.offsets.length - 1;
  }

  /**
   * Record `index` at the model's size. The map is blurred as in the paper (METHOD.md) at the record's
   * own square size; then image and map go through the model's crop and resize together, as in the
   * interactive ClickMe panel.
   */
  async load(index: number, size: number, crop?: CropResizeOptions): Promise<BatchImage> {
    const offset = await this.offsetOf(index);
    if (offset === null) {
      throw new TfRecordError(`The ClickMe shard "${this.name}" has no record ${index} (it holds ${this.offsets.length - 1}).`);
    }
    this.recordsRead++;
    const bytes = await readTfRecordAt(this.read, offset, { name: this.name });
    const sample = await decodeClickmeRecord(parseClickmeExample(bytes, index, offset, this.name), this.decoder, this.name);
    const { image, heatmap } = squareClickmeSample(sample);
    return batchImageOf(image, heatmap, sample.label, size, crop);
  }
}
