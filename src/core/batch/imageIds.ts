/**
 * A batch names each image by one string, so a plan is plain data that survives a reload and
 * travels in an address or on a command line:
 * - a sample id (`serre-lab_0`, `coffee`);
 * - `upload:<file name>`: a picture the user uploaded (with its map, where one was given);
 * - `shard:<shard name or URL>#<record index>`: one record of a ClickMe TFRecord shard.
 */
export type ImageRef =
  | { kind: 'sample'; id: string }
  | { kind: 'upload'; name: string }
  | { kind: 'shard'; shard: string; index: number };

export const UPLOAD_IMAGE_PREFIX = 'upload:';
export const SHARD_IMAGE_PREFIX = 'shard:';

export class ImageSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageSpecError';
  }
}

export function shardImageId(shard: string, index: number): string {
  return `${SHARD_IMAGE_PREFIX}${shard}#${index}`;
}

export function parseImageId(id: string): ImageRef {
  if (id.startsWith(UPLOAD_IMAGE_PREFIX)) return { kind: 'upload', name: id.slice(UPLOAD_IMAGE_PREFIX.length) };
  if (id.startsWith(SHARD_IMAGE_PREFIX)) {
    // A shard URL may hold '#' itself: the record index is after the last one.
    const hash = id.lastIndexOf('#');
    const index = hash < 0 ? NaN : Number(id.slice(hash + 1));
    if (!Number.isInteger(index) || index < 0) {
      throw new ImageSpecError(`The image id "${id}" names a shard but no record: write shard:<shard>#<record index>.`);
    }
    return { kind: 'shard', shard: id.slice(SHARD_IMAGE_PREFIX.length, hash), index };
  }
  return { kind: 'sample', id };
}

/** Where an image came from, for exports: the sample id, `upload:<name>` or the shard; and its record index. */
export function imageSourceOf(id: string): { imageSource: string; recordIndex: number | null } {
  const ref = parseImageId(id);
  if (ref.kind === 'shard') return { imageSource: ref.shard, recordIndex: ref.index };
  return { imageSource: id, recordIndex: null };
}

/** One entry of an image list as the address or the command line writes it, before it is expanded. */
export type ImageSpec =
  | { kind: 'samples' }
  | { kind: 'sample'; id: string }
  | { kind: 'upload'; name: string }
  | { kind: 'shard'; shard: string; from?: number; to?: number };

/** `samples`, a sample id, `upload:<name>`, `shard:<url>` or `shard:<url>#<from>-<to>` (both inclusive). */
export function parseImageSpec(spec: string): ImageSpec {
  const s = spec.trim();
  if (s === 'samples') return { kind: 'samples' };
  if (s.startsWith(UPLOAD_IMAGE_PREFIX)) return { kind: 'upload', name: s.slice(UPLOAD_IMAGE_PREFIX.length) };
  if (s.startsWith(SHARD_IMAGE_PREFIX)) {
    const body = s.slice(SHARD_IMAGE_PREFIX.length);
    const range = /#(\d+)(?:-(\d+))?$/.exec(body);
    if (!range) return { kind: 'shard', shard: body };
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from) throw new ImageSpecError(`The record range of "${s}" ends (${to}) before it starts (${from}).`);
    return { kind: 'shard', shard: body.slice(0, range.index), from, to };
  }
  if (!s) throw new ImageSpecError('An image in the list is empty.');
  return { kind: 'sample', id: s };
}

export interface ExpandContext {
  /** Every sample a batch may use, in gallery order. */
  sampleIds: readonly string[];
  /** How many records a shard holds (the app lists it once; the runner does the same). */
  shardRecords(shard: string): Promise<number>;
  /** Whether a shard has record `index`; lets a range be checked without walking the whole shard. */
  shardHas?(shard: string, index: number): Promise<boolean>;
}

/** Turns an image list into image ids, in order, without duplicates. */
export async function expandImageSpecs(specs: readonly ImageSpec[], ctx: ExpandContext): Promise<string[]> {
  const out: string[] = [];
  for (const spec of specs) {
    if (spec.kind === 'samples') out.push(...ctx.sampleIds);
    else if (spec.kind === 'sample') {
      if (!ctx.sampleIds.includes(spec.id)) throw new ImageSpecError(`There is no sample image "${spec.id}".`);
      out.push(spec.id);
    } else if (spec.kind === 'upload') out.push(`${UPLOAD_IMAGE_PREFIX}${spec.name}`);
    else {
      const from = spec.from ?? 0;
      let to = spec.to;
      if (to === undefined || !ctx.shardHas || !(await ctx.shardHas(spec.shard, to))) {
        const count = await ctx.shardRecords(spec.shard);
        to ??= count - 1;
        if (to >= count) {
          throw new ImageSpecError(`The shard "${spec.shard}" holds ${count} records (0–${count - 1}); the range ${from}-${to} goes past its end.`);
        }
      }
      for (let i = from; i <= to; i++) out.push(shardImageId(spec.shard, i));
    }
  }
  return [...new Set(out)];
}
