import { assetUrl as defaultAssetUrl } from '../assets/resolver';

export interface ImageNetClass {
  index: number;
  /** WordNet id, e.g. n01440764 ('' when the source list has none). */
  wnid: string;
  /** Short display name, e.g. "tench". */
  short: string;
  /** All synonyms, e.g. "tench, Tinca tinca". */
  name: string;
}

export class LabelsError extends Error {
  override name = 'LabelsError';
}

export const LABELS_JSON = 'labels/imagenet1000_index_wnid_names.json';
/** Official (Apache-2.0) fallback: 1001 lines, "background" first. */
export const LABELS_CORAL = 'labels/coral_imagenet_labels_1001_with_background.txt';

/** Parses labels/imagenet1000_index_wnid_names.json: 1000 objects {index, wnid, short, name}, indices 0…999. */
export function parseImageNetLabels(json: unknown, source = LABELS_JSON): ImageNetClass[] {
  if (!Array.isArray(json)) throw new LabelsError(`The label file "${source}" must hold a JSON array of 1000 classes.`);
  const out: ImageNetClass[] = new Array(1000);
  for (const [i, row] of json.entries()) {
    const r = row as Partial<ImageNetClass>;
    if (!Number.isInteger(r.index) || r.index! < 0 || r.index! > 999 || typeof r.short !== 'string' || typeof r.name !== 'string') {
      throw new LabelsError(`Entry ${i} of the label file "${source}" needs an index 0–999, a short name and a full name.`);
    }
    if (out[r.index!]) throw new LabelsError(`The label file "${source}" lists class ${r.index} twice.`);
    out[r.index!] = { index: r.index!, wnid: typeof r.wnid === 'string' ? r.wnid : '', short: r.short, name: r.name };
  }
  const missing = out.findIndex((c) => !c);
  if (json.length !== 1000 || missing >= 0) {
    throw new LabelsError(`The label file "${source}" must list all 1000 ImageNet classes, but ${missing >= 0 ? `class ${missing} is missing` : `it has ${json.length} entries`}.`);
  }
  return out;
}

/**
 * Parses the TFLite/coral label text (one class per line, "background" first): ImageNet class k is line k+1.
 * The short name is the first synonym.
 */
export function parseCoralLabels(text: string, source = LABELS_CORAL): ImageNetClass[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.length !== 1001 || lines[0].trim() !== 'background') {
    throw new LabelsError(`The label file "${source}" must have 1001 lines starting with "background", but it has ${lines.length} lines starting with "${lines[0] ?? ''}".`);
  }
  return lines.slice(1).map((name, index) => ({ index, wnid: '', short: name.split(',')[0].trim(), name: name.trim() }));
}

export interface LoadLabelsOptions {
  assetUrl?: (path: string) => Promise<string | null>;
  fetchImpl?: typeof fetch;
}

/**
 * The 1000 ImageNet classes: the WordNet-id list when it can be had (local copy; it is derived, so no
 * official URL), else the official coral list. Fails only when neither loads.
 */
export async function loadImageNetLabels(options: LoadLabelsOptions = {}): Promise<ImageNetClass[]> {
  const resolve = options.assetUrl ?? defaultAssetUrl;
  const fetchImpl = options.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const problems: string[] = [];
  for (const [path, parse] of [
    [LABELS_JSON, async (r: Response) => parseImageNetLabels(await r.json(), LABELS_JSON)],
    [LABELS_CORAL, async (r: Response) => parseCoralLabels(await r.text(), LABELS_CORAL)],
  ] as const) {
    try {
      const url = await resolve(path);
      if (!url) {
        problems.push(`${path} has no local copy (run npm run assets) and no official URL`);
        continue;
      }
      const res = await fetchImpl(url);
      if (!res.ok) {
        problems.push(`${url} answered HTTP ${res.status}`);
        continue;
      }
      return await parse(res);
    } catch (e) {
      problems.push(`${path}: ${(e as Error).message}`);
    }
  }
  throw new LabelsError(`The ImageNet class names could not be loaded: ${problems.join('; ')}.`);
}
