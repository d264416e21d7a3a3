import type { ImageBytesDecoder } from '../image/decode';
import { cropResize } from '../image/resize';
import { createImage, type FloatImage } from '../image/types';
import { humanMapForModel, type HumanMapSource } from '../metrics/clickme';
import { parseExample, type Feature, type Features } from './example';
import { readTfRecords, TfRecordError, type TfRecordReadOptions, type TfRecordSource } from './tfrecord';

/**
 * One ClickMe record before pixel decoding: cheap to keep for every record of a shard
 * (the UI lists labels first and decodes the picture the user opens).
 */
export interface ClickmeRecordRaw {
  index: number;
  /** Byte offset of the record in the shard (readTfRecordAt re-reads it from a File). */
  offset: number;
  /** ImageNet class index. */
  label: number;
  /** 'jpeg': the harmonizer release (JPEG image and heatmap); 'float32': raw float32 arrays (clickme_test_1000). */
  encoding: 'jpeg' | 'float32';
  image: Uint8Array;
  /** null for a record without a map (no "heatmap" feature, or an empty one). */
  heatmap: Uint8Array | null;
}

export interface ClickmeSample {
  index: number;
  label: number;
  encoding: 'jpeg' | 'float32';
  /** RGB in [0, 1]. */
  image: FloatImage;
  /** One channel in [0, 1]; null for a record without a map. */
  heatmap: FloatImage | null;
  /**
   * 'clickme-official': a raw 256×256 map that still needs the paper's blur (humanMapForModel);
   * 'ready': already blurred at model resolution (the 224×224 float32 test files).
   */
  heatmapSource: HumanMapSource;
}

const REQUIRED = ['image', 'label'] as const;

/**
 * Reads the image, label and (optional) heatmap features of one serialized ClickMe tf.train.Example.
 * A record without a map is still a labelled picture: it is attacked, its alignment is "no human map".
 */
export function parseClickmeExample(bytes: Uint8Array, index: number, offset: number, name: string): ClickmeRecordRaw {
  const where = `record ${index} of "${name}"`;
  const features = parseExample(bytes, where);
  for (const key of REQUIRED) {
    if (!features.has(key)) {
      throw new TfRecordError(`In ${where} the "${key}" feature is missing; ClickMe records need "image" and "label" (and "heatmap" for a map).`);
    }
  }
  const image = singleBytes(features, 'image', where);
  const heatmapBytes = features.has('heatmap') ? singleBytes(features, 'heatmap', where) : null;
  const heatmap = heatmapBytes?.length ? heatmapBytes : null;
  const label = features.get('label')!;
  if (label.kind !== 'int64' || label.value.length !== 1 || label.value[0] < 0) {
    throw new TfRecordError(`In ${where} the "label" feature must be one non-negative int64, but it is ${describe(label)}.`);
  }
  const encoding = isJpeg(image) ? 'jpeg' : 'float32';
  if (heatmap && isJpeg(heatmap) !== (encoding === 'jpeg')) {
    throw new TfRecordError(`In ${where} the image and the heatmap are stored differently (one JPEG, one raw); AlignScope reads either both JPEG or both float32.`);
  }
  return { index, offset, label: label.value[0], encoding, image, heatmap };
}

/** Decodes the pictures of a record; JPEGs go through the injected decoder (createImageBitmap in the browser). */
export async function decodeClickmeRecord(raw: ClickmeRecordRaw, decoder: ImageBytesDecoder, name: string): Promise<ClickmeSample> {
  const where = `record ${raw.index} of "${name}"`;
  const base = { index: raw.index, label: raw.label, encoding: raw.encoding };
  if (raw.encoding === 'jpeg') {
    const image = await decoder(raw.image, 3, `${name} (record ${raw.index}, image)`);
    const heatmap = raw.heatmap && (await decoder(raw.heatmap, 1, `${name} (record ${raw.index}, heatmap)`));
    if (heatmap) checkSameSize(image, heatmap, where);
    return { ...base, image, heatmap, heatmapSource: 'clickme-official' };
  }
  const image = squareFromFloat32(raw.image, 3, `the image of ${where}`);
  const heatmap = raw.heatmap && squareFromFloat32(raw.heatmap, 1, `the heatmap of ${where}`);
  if (heatmap) checkSameSize(image, heatmap, where);
  // The paper's 256×256 float files hold raw maps; its 224×224 test file holds maps already blurred.
  return { ...base, image, heatmap, heatmapSource: image.width === 256 ? 'clickme-official' : 'ready' };
}

/**
 * A decoded record as the app measures on it: the picture's central square (official records are
 * 256×256 already) and its map made ready at that side (official maps blurred as in the paper,
 * METHOD.md), both still to go through the model's crop and resize.
 */
export function squareClickmeSample(sample: ClickmeSample): { image: FloatImage; heatmap: FloatImage | null } {
  const side = Math.min(sample.image.width, sample.image.height);
  const image = sample.image.width === sample.image.height ? sample.image : cropResize(sample.image, side);
  return { image, heatmap: sample.heatmap && humanMapForModel(sample.heatmap, side, sample.heatmapSource) };
}

export interface ClickmeShardOptions extends TfRecordReadOptions {
  name?: string;
}

/** Streams the raw records of a ClickMe shard (Blob/File, fetch body stream, or bytes). */
export async function* readClickmeShard(source: TfRecordSource, options: ClickmeShardOptions = {}): AsyncGenerator<ClickmeRecordRaw> {
  const name = options.name ?? (typeof File !== 'undefined' && source instanceof File ? source.name : 'ClickMe shard');
  for await (const record of readTfRecords(source, { ...options, name })) {
    yield parseClickmeExample(record.data, record.index, record.offset, name);
  }
}

function singleBytes(features: Features, key: string, where: string): Uint8Array {
  const f = features.get(key)!;
  if (f.kind !== 'bytes' || f.value.length !== 1) {
    throw new TfRecordError(`In ${where} the "${key}" feature must hold one byte string, but it is ${describe(f)}.`);
  }
  return f.value[0];
}

function describe(f: Feature): string {
  return `a ${f.kind} list of ${f.value.length} value${f.value.length === 1 ? '' : 's'}`;
}

function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0xff && bytes[1] === 0xd8;
}

function squareFromFloat32(bytes: Uint8Array, channels: 1 | 3, what: string): FloatImage {
  const count = bytes.length / 4;
  const side = Math.round(Math.sqrt(count / channels));
  if (!Number.isInteger(count) || side * side * channels !== count) {
    throw new TfRecordError(
      `${capitalise(what)} is neither a JPEG nor a square float32 array with ${channels} channel${channels === 1 ? '' : 's'} (${bytes.length} bytes).`,
    );
  }
  // Copy: the bytes sit at an arbitrary offset inside the record, and float32 views need alignment.
  const data = new Float32Array(bytes.slice().buffer);
  if (data.some((v) => !Number.isFinite(v))) throw new TfRecordError(`${capitalise(what)} contains NaN or infinite values.`);
  toUnitRange(data);
  return createImage(side, side, channels, data);
}

/** Brings float pixels to [0, 1]: kept if already there, /255 if in [0, 255], else min–max scaled. */
function toUnitRange(data: Float32Array): void {
  let min = Infinity, max = -Infinity;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min >= 0 && max <= 1) return;
  const [lo, scale] = min >= 0 && max <= 255 ? [0, 1 / 255] : [min, max > min ? 1 / (max - min) : 0];
  for (let i = 0; i < data.length; i++) data[i] = (data[i] - lo) * scale;
}

function checkSameSize(image: FloatImage, heatmap: FloatImage, where: string): void {
  if (image.width !== heatmap.width || image.height !== heatmap.height) {
    throw new TfRecordError(
      `In ${where} the image is ${image.width}×${image.height} but the heatmap ${heatmap.width}×${heatmap.height}; they must match.`,
    );
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
