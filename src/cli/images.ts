/**
 * The images named on the command line, as image ids and an ImageSource that turns an id into
 * pixels at a model's size. Everything that can be checked without running a job is checked when
 * the list is opened: sample ids exist, folders hold labelled pictures, shards are TFRecord files
 * and the record ranges lie inside them.
 *
 * Image ids are the app's (core/batch/imageIds): a sample id, `upload:<folder>/<file>` for a
 * picture of a folder, `shard:<path>#<record>` for a shard record.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CropResizeOptions } from '../core/image/resize';
import { loadGallery, type GallerySample } from '../core/samples/gallery';
import { decodeImageBytes, decodeImageSync } from '../node/decodeImage';
import { assetDirHolding, localAssetDirs, type AssetFolders } from '../node/assetDirs';
import { fileFetch, fileRange } from '../node/fileFetch';
import { UsageError } from './args';
import type { BatchImage, ImageSource } from '../core/batch/runner';
import { expandImageSpecs, type ImageSpec } from '../core/batch/imageIds';
import { batchImageOf, routedImageSource } from '../core/batch/imageSource';
import { LazyShard } from '../core/batch/shardRecords';

/** The local copy of an asset (public/assets, else the mirror), or null. */
function assetFile(rel: string, folders: AssetFolders): string | null {
  const dir = assetDirHolding(rel, localAssetDirs(folders));
  return dir && path.join(dir, rel);
}

const PICTURE = /\.(png|jpe?g)$/i;
const MAP_SUFFIX = /_clickme$/i;
const SHARD_RANGE = /#(\d+)(?:-(\d+))?$/;

interface FolderPicture {
  file: string;
  map: string | null;
  /** null without a labels file entry: the runner attacks from the clean top-1, as the app does for uploads. */
  label: number | null;
}

export interface OpenedImages {
  ids: string[];
  source: ImageSource;
  /** Records read from shards so far (for the lazy-access check). */
  recordsRead(): number;
}

export async function openImages(specs: readonly string[], folders: AssetFolders, cwd = process.cwd()): Promise<OpenedImages> {
  let gallery: GallerySample[] | null = null;
  let galleryProblem: string | undefined;
  const samples = async () => {
    if (!gallery) {
      const g = await loadGallery({
        fetchImpl: fileFetch,
        assetUrl: async (rel) => {
          const f = assetFile(rel, folders);
          return f ? pathToFileURL(f).href : null;
        },
        samplesBase: pathToFileURL(path.join(folders.publicDir, 'samples')).href + '/',
      });
      gallery = g.samples;
      galleryProblem = g.problem;
    }
    return gallery;
  };
  const pictures = new Map<string, FolderPicture>();
  const shards = new Map<string, { shard: LazyShard; count: number }>();

  const parsed: ImageSpec[] = [];
  for (const spec of specs) {
    if (spec === 'samples') {
      if (!withMaps(await samples()).length) throw new UsageError(`"samples" names the ClickMe samples, but none are installed. ${galleryProblem ?? ''}`.trim());
      parsed.push({ kind: 'samples' });
      continue;
    }
    const bare = spec.startsWith('shard:') ? spec.slice('shard:'.length) : spec;
    const range = SHARD_RANGE.exec(bare);
    const fileName = range ? bare.slice(0, range.index) : bare;
    const full = path.resolve(cwd, fileName);
    const stat = fs.statSync(full, { throwIfNoEntry: false });
    if (stat?.isDirectory() && !range) {
      for (const [id, pic] of readFolder(full, fileName)) {
        pictures.set(id, pic);
        parsed.push({ kind: 'upload', name: id.slice('upload:'.length) });
      }
    } else if (stat?.isFile() || range || spec.startsWith('shard:')) {
      if (!stat?.isFile()) throw new UsageError(`The ClickMe shard "${fileName}" does not exist.`);
      if (!shards.has(fileName)) {
        // Walking the record headers once checks that the file is a TFRecord file and counts its records.
        const shard = new LazyShard(fileName, fileRange(full), decodeImageBytes);
        try {
          shards.set(fileName, { shard, count: await shard.count() });
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      }
      const from = range ? Number(range[1]) : undefined;
      const to = range ? (range[2] === undefined ? from : Number(range[2])) : undefined;
      if (from !== undefined && to !== undefined && to < from) throw new UsageError(`The record range of "${spec}" ends (${to}) before it starts (${from}).`);
      parsed.push({ kind: 'shard', shard: fileName, from, to });
    } else {
      const all = await samples();
      const sample = all.find((s) => s.id === spec);
      if (!sample) {
        throw new UsageError(`"${spec}" is neither a sample id (${all.map((s) => s.id).join(', ')}), nor a folder, nor a ClickMe shard file.`);
      }
      if (sample.label === undefined) throw new UsageError(`The sample "${spec}" has no ImageNet label, which a batch needs.`);
      parsed.push({ kind: 'sample', id: spec });
    }
  }

  let ids: string[];
  try {
    // "samples" are those with a map and a class, as in the app's batch; a photo named by id joins them.
    const usable = gallery ? withMaps(gallery) : [];
    const named = parsed.flatMap((p) => (p.kind === 'sample' && !usable.includes(p.id) ? [p.id] : []));
    ids = await expandImageSpecs(parsed, {
      sampleIds: [...usable, ...named],
      shardRecords: async (shard) => shards.get(shard)!.count,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  const source: ImageSource = routedImageSource({
    // ClickMe sample maps are already normalised and blurred: they only need the image's crop and resize.
    async sample(id, size, crop) {
      const sample = (await samples()).find((s) => s.id === id);
      if (!sample || sample.label === undefined) throw new Error(`There is no labelled sample image "${id}".`);
      return readPicture(fileURLToPath(sample.imageUrl), sample.heatmapUrl ? fileURLToPath(sample.heatmapUrl) : null, sample.label, size, crop);
    },
    async upload(name, size, crop) {
      const pic = pictures.get(`upload:${name}`);
      if (!pic) throw new Error(`The picture "${name}" was not named on the command line.`);
      return readPicture(pic.file, pic.map, pic.label, size, crop);
    },
    async shard(name) {
      const opened = shards.get(name);
      if (!opened) throw new Error(`The shard "${name}" was not named on the command line.`);
      return opened.shard;
    },
  });
  return { ids, source, recordsRead: () => [...shards.values()].reduce((n, s) => n + s.shard.recordsRead, 0) };
}

function withMaps(samples: readonly GallerySample[]): string[] {
  return samples.filter((s) => s.heatmapUrl && s.label !== undefined).map((s) => s.id);
}

function readPicture(file: string, map: string | null, label: number | null, size: number, crop?: CropResizeOptions): BatchImage {
  const image = decodeImageSync(new Uint8Array(fs.readFileSync(file)), 3, path.basename(file));
  const heatmap = map ? decodeImageSync(new Uint8Array(fs.readFileSync(map)), 1, path.basename(map)) : null;
  return batchImageOf(image, heatmap, label, size, crop);
}

/**
 * A folder of `<name>.png` (or .jpg) pictures, each with an optional `<name>_clickme.png` map, and an
 * optional `labels.json` ({"<name>": <ImageNet class>}) or `labels.csv` (`name,label` lines) with
 * their true classes; a picture without one is attacked from its clean top-1.
 */
function readFolder(dir: string, asTyped: string): Map<string, FolderPicture> {
  const names = fs.readdirSync(dir).filter((f) => PICTURE.test(f)).sort();
  const stem = (f: string) => f.replace(PICTURE, '');
  const maps = new Map(names.filter((f) => MAP_SUFFIX.test(stem(f))).map((f) => [stem(f).replace(MAP_SUFFIX, ''), f]));
  const images = names.filter((f) => !MAP_SUFFIX.test(stem(f)));
  if (!images.length) throw new UsageError(`The folder "${asTyped}" holds no .png or .jpg pictures.`);
  const labels = readLabels(dir, asTyped);
  const out = new Map<string, FolderPicture>();
  for (const f of images) {
    const map = maps.get(stem(f));
    out.set(`upload:${path.posix.join(asTyped.replace(/\\/g, '/'), f)}`, {
      file: path.join(dir, f),
      map: map ? path.join(dir, map) : null,
      label: labels.get(stem(f)) ?? null,
    });
  }
  return out;
}

function readLabels(dir: string, asTyped: string): Map<string, number> {
  const labels = new Map<string, number>();
  const put = (name: string, value: unknown, where: string) => {
    const n = typeof value === 'string' ? Number(value.trim()) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 999) {
      throw new UsageError(`${where}: the class of "${name}" must be an ImageNet class index 0–999, not ${JSON.stringify(value)}.`);
    }
    labels.set(name.replace(PICTURE, ''), n);
  };
  const json = path.join(dir, 'labels.json');
  const csv = path.join(dir, 'labels.csv');
  if (fs.existsSync(json)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(json, 'utf8'));
    } catch (e) {
      throw new UsageError(`${asTyped}/labels.json is not valid JSON: ${(e as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`${asTyped}/labels.json must be an object {"name": class}.`);
    for (const [k, v] of Object.entries(parsed)) put(k, v, `${asTyped}/labels.json`);
  } else if (fs.existsSync(csv)) {
    fs.readFileSync(csv, 'utf8').split(/\r?\n/).forEach((line, i) => {
      if (!line.trim() || (i === 0 && /^name,/i.test(line))) return;
      const [name, value] = line.split(',');
      put(name.trim(), value ?? '', `${asTyped}/labels.csv line ${i + 1}`);
    });
  }
  return labels;
}
