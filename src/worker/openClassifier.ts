/**
 * From a ModelSource (catalogue id, URL, or files the user gave) to a Classifier: finds the
 * model's files, picks the importer, merges what the file says with what the user stated.
 */
import { catalogueModel } from '../core/models/catalogue';
import { ModelLoadError } from '../core/models/errors';
import { pickImporter } from '../core/models/importers';
import { loadLayersFromUrl } from '../core/models/layersImporter';
import { normalizationPreset } from '../core/models/normalizations';
import { checkCropPct } from '../core/models/preprocessing';
import { INTERPOLATIONS } from '../core/image/resample';
import type { Classifier, ModelInfo, RawModel } from '../core/models/types';
import { wrapClassifier } from '../core/models/wrapClassifier';
import type { ModelOverrides, ModelSource } from './protocol';
import { openKerasH5Blob } from '../core/importers/keras-h5';

type Opened = { raw: RawModel; info: Partial<ModelInfo> };

export interface OpenOptions {
  /** Absolute URL of the local assets folder (ending in '/'); catalogue files are looked for there first. */
  assetBase: string;
  fetchImpl?: typeof fetch;
  onProgress?: (fraction: number) => void;
}

const WEIGHT_SHARD = /(^|\/)group\d+-shard\d+of\d+(\.bin)?$|\.bin$/i;
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1).split('?')[0];

export async function openClassifier(source: ModelSource, options: OpenOptions): Promise<Classifier> {
  const fetchImpl = options.fetchImpl ?? fetch;
  switch (source.kind) {
    case 'catalogue': {
      const info = catalogueModel(source.id);
      const local = info.assetPath ? new URL(info.assetPath, options.assetBase).href : undefined;
      const opened = await openFromUrlWithFallback(local, info.url, fetchImpl, info, options.onProgress);
      return wrap(opened.raw, info);
    }
    case 'url': {
      const opened = await openFromUrl(source.url, fetchImpl, source.overrides, options.onProgress);
      return wrap(opened.raw, userModelInfo(baseName(source.url) || source.url, opened.info, source.overrides, source.url));
    }
    case 'files': {
      const main = mainFile(source.files.map((f) => baseName(f.name)));
      const mainEntry = source.files.find((f) => baseName(f.name) === main)!;
      const head = new Uint8Array(await slice(mainEntry.bytes, 64));
      const importer = pickImporter(head, main);
      let opened: Opened;
      if (importer.format === 'keras-h5' && mainEntry.bytes instanceof Blob) {
        // Hundreds of MB: in a worker the datasets are read from the File as needed, never copied whole.
        opened = await openKerasH5Blob(mainEntry.bytes, main, options.onProgress, source.overrides);
      } else {
        const files = new Map<string, Uint8Array>();
        for (const f of source.files) files.set(baseName(f.name), new Uint8Array(await slice(f.bytes)));
        opened = await importer.open({ name: main, bytes: files.get(main)! }, files, options.onProgress, source.overrides);
      }
      return wrap(opened.raw, userModelInfo(main, { format: importer.format, ...opened.info }, source.overrides));
    }
  }
}

/** The bytes of an ArrayBuffer or Blob (the first `end` only, when given). */
async function slice(data: ArrayBuffer | Blob, end?: number): Promise<ArrayBuffer> {
  if (data instanceof Blob) return (end === undefined ? data : data.slice(0, end)).arrayBuffer();
  return end === undefined ? data : data.slice(0, end);
}

/** The file the user means as the model among those dropped together: never a weight shard. */
export function mainFile(names: string[]): string {
  if (!names.length) throw new ModelLoadError('No model file was given: select model.json with its weights, or one .tflite, .h5 or .onnx file.');
  const candidates = names.filter((n) => !WEIGHT_SHARD.test(n));
  const json = candidates.find((n) => n.toLowerCase().endsWith('.json'));
  const main = json ?? candidates[0];
  if (!main) {
    throw new ModelLoadError(
      `Only weight files were given (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}): add the model.json that describes them.`,
    );
  }
  return main;
}

async function openFromUrl(
  url: string,
  fetchImpl: typeof fetch,
  hints: Partial<ModelInfo> | undefined,
  onProgress?: (fraction: number) => void,
  weightsFallback?: string,
): Promise<Opened> {
  const name = baseName(url);
  if (name.toLowerCase().endsWith('.json')) return loadLayersFromUrl(url, fetchImpl, hints, onProgress, weightsFallback);
  let res: Response;
  try {
    res = await fetchImpl(url);
  } catch (e) {
    throw new ModelLoadError(`Could not reach the model at "${url}" (${(e as Error).message}). Check the address and the network.`, { cause: e });
  }
  if (!res.ok) throw new ModelLoadError(`The server answered ${res.status} for the model at "${url}".`);
  if (/\.(h5|hdf5)$/i.test(name)) {
    // A harmonized model is hundreds of MB: read it in place from the Blob rather than holding a second copy.
    const { openKerasH5Blob } = await import('../core/importers/keras-h5');
    return openKerasH5Blob(await res.blob(), name, onProgress, hints);
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  return pickImporter(bytes.subarray(0, 64), name).open({ name, bytes }, new Map([[name, bytes]]), onProgress, hints);
}

/** Local assets first; the official URL when the local copy is missing or unreachable. */
async function openFromUrlWithFallback(
  local: string | undefined,
  official: string | undefined,
  fetchImpl: typeof fetch,
  info: ModelInfo,
  onProgress?: (fraction: number) => void,
): Promise<Opened> {
  if (local) {
    // A shipped model.json (MobileNet v1 0.25) finds its weights at the official URL when no local copy has them.
    const officialDir = official?.slice(0, official.lastIndexOf('/') + 1);
    try {
      return await openFromUrl(local, fetchImpl, info, onProgress, officialDir);
    } catch (e) {
      if (!official || !isUnreachable(e)) throw e;
    }
  }
  if (!official) throw new ModelLoadError(`The catalogue model "${info.name}" has neither a local file nor an official URL.`);
  try {
    return await openFromUrl(official, fetchImpl, info, onProgress);
  } catch (e) {
    if (!isUnreachable(e)) throw e;
    throw new ModelLoadError(
      `The model "${info.name}" is not in the local assets (run "npm run assets") and its official URL ${official} ` +
        `could not be fetched: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

function isUnreachable(e: unknown): boolean {
  return e instanceof ModelLoadError && /Could not reach|server answered/.test(e.message);
}

/** A ModelInfo for a model of the user's: the file's own facts, then what the user stated, then defaults. */
export function userModelInfo(fileName: string, detected: Partial<ModelInfo>, overrides: ModelOverrides = {}, url?: string): ModelInfo {
  const inputSize = overrides.inputSize ?? detected.inputSize;
  if (!inputSize) {
    throw new ModelLoadError(`The model "${fileName}" does not say its input size; state it in the model settings (e.g. 224).`);
  }
  const normalizationName = overrides.normalizationName ?? detected.normalizationName ?? '[-1,1]';
  const numOutputs = overrides.numOutputs ?? detected.numOutputs ?? 1000;
  return {
    id: `custom:${fileName}`,
    name: overrides.name ?? fileName,
    family: detected.family ?? 'your own',
    format: detected.format ?? 'tfjs-layers',
    inputSize,
    normalization: overrides.normalization ?? detected.normalization ?? normalizationPreset('[-1,1]'),
    normalizationName:
      overrides.normalizationName || detected.normalizationName ? normalizationName : `${normalizationName} (assumed)`,
    numOutputs,
    classOffset: overrides.classOffset ?? detected.classOffset ?? numOutputs - 1000,
    logitsLayer: overrides.logitsLayer ?? detected.logitsLayer,
    timmName: overrides.timmName ?? detected.timmName,
    ...statedPreprocessing(fileName, detected, overrides),
    url,
  };
}

/** Interpolation and crop_pct the user (or the file) stated; the rest is filled from timm's table or defaults later. */
function statedPreprocessing(fileName: string, detected: Partial<ModelInfo>, overrides: ModelOverrides): Partial<ModelInfo> {
  const interpolation = overrides.interpolation ?? detected.interpolation;
  const cropPct = overrides.cropPct ?? detected.cropPct;
  if (interpolation && !INTERPOLATIONS.includes(interpolation)) {
    throw new ModelLoadError(`The settings for "${fileName}" ask for the resampling filter "${interpolation}"; use ${INTERPOLATIONS.join(' or ')}.`);
  }
  if (cropPct !== undefined) {
    try {
      checkCropPct(cropPct, `The settings for "${fileName}"`);
    } catch (e) {
      throw new ModelLoadError((e as Error).message);
    }
  }
  if (!interpolation && cropPct === undefined) return {};
  const by = overrides.interpolation || overrides.cropPct !== undefined ? 'stated in the model settings' : 'stated by the file';
  return { interpolation, cropPct, preprocessingSource: by };
}

function wrap(raw: RawModel, info: ModelInfo): Classifier {
  try {
    return wrapClassifier(raw, info);
  } catch (e) {
    raw.dispose();
    throw e;
  }
}
