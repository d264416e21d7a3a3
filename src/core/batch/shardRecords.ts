import { squareFromFloat32 } from '../formats/clickmeShard';
import { parseExample } from '../formats/example';
import { readTfRecordAt, tfRecordSpanAt, TfRecordError, type ReadRange } from '../formats/tfrecord';
import type { ImageBytesDecoder } from '../image/decode';
import { resizeBilinear } from '../image/resize';
import { humanMapForModel } from '../metrics/clickme';
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

  /** Record `index` at the model's size: image resized, ClickMe map preprocessed as in the paper (METHOD.md). */
  async load(index: number, size: number): Promise<BatchImage> {
    const offset = await this.offsetOf(index);
    if (offset === null) {
      throw new TfRecordError(`The ClickMe shard "${this.name}" has no record ${index} (it holds ${this.offsets.length - 1}).`);
    }
    this.recordsRead++;
    const bytes = await readTfRecordAt(this.read, offset, { name: this.name });
    const where = `record ${index} of "${this.name}"`;
    const features = parseExample(bytes, where);
    const image = features.get('image');
    const heatmap = features.get('heatmap');
    const label = features.get('label');
    if (image?.kind !== 'bytes' || image.value.length !== 1) throw new TfRecordError(`In ${where} the "image" feature is missing or not one byte string.`);
    if (label?.kind !== 'int64' || label.value.length !== 1 || label.value[0] < 0) {
      throw new TfRecordError(`In ${where} the "label" feature is missing or not one non-negative int64.`);
    }
    const jpeg = (b: Uint8Array) => b.length > 2 && b[0] === 0xff && b[1] === 0xd8;
    const decode = (b: Uint8Array, channels: 1 | 3, what: string) =>
      jpeg(b) ? this.decoder(b, channels, `${this.name} (record ${index}, ${what})`) : Promise.resolve(squareFromFloat32(b, channels, `the ${what} of ${where}`));
    const rgb = await decode(image.value[0], 3, 'image');
    const pixels = rgb.width === size && rgb.height === size ? rgb : resizeBilinear(rgb, size, size);
    let map = null;
    if (heatmap?.kind === 'bytes' && heatmap.value.length === 1 && heatmap.value[0].length > 0) {
      const raw = await decode(heatmap.value[0], 1, 'heatmap');
      // The paper's JPEG and 256×256 float maps are raw; its 224×224 float test file holds maps already blurred.
      const official = jpeg(heatmap.value[0]) || raw.width === 256;
      map = humanMapForModel(raw, size, official ? 'clickme-official' : 'ready');
    }
    return { pixels: pixels.data, heatmap: map, label: label.value[0] };
  }
}
