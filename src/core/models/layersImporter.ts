import type * as tf from '@tensorflow/tfjs';
import { layersModelToRaw } from '../engine';
import { ModelLoadError } from './errors';
import type { ModelImporter } from './importer';
import { buildLayersModel, parseModelJson, weightFileNames } from './layersLoader';
import { detectLogitsLayer, logitsCandidates } from './logitsLayer';
import type { ModelInfo, RawModel } from './types';

type Opened = { raw: RawModel; info: Partial<ModelInfo> };
type MainFile = { name: string; bytes: Uint8Array };

function chooseLogitsLayer(model: tf.LayersModel, fileName: string, stated?: string): string {
  if (!stated) return detectLogitsLayer(model);
  if (model.layers.some((l) => l.name === stated)) return stated;
  const candidates = logitsCandidates(model);
  throw new ModelLoadError(
    `The model "${fileName}" has no layer named "${stated}" to take logits from. ` +
      (candidates.length
        ? `Layers with a class-vector output: ${candidates.join(', ')}.`
        : `No layer has a 1000- or 1001-value output.`),
  );
}

function toRaw(model: tf.LayersModel, fileName: string, hints?: Partial<ModelInfo>): Opened {
  const logitsLayer = chooseLogitsLayer(model, fileName, hints?.logitsLayer);
  let raw: RawModel;
  try {
    raw = layersModelToRaw(model, { logitsLayer });
  } catch (e) {
    throw new ModelLoadError(`The model "${fileName}" cannot be used: ${(e as Error).message}`, { cause: e });
  }
  if (raw.numOutputs !== 1000 && raw.numOutputs !== 1001) {
    raw.dispose();
    throw new ModelLoadError(
      `The model "${fileName}" gives ${raw.numOutputs} values at layer "${logitsLayer}", not a class vector of ` +
        `1000 ImageNet classes (or 1001 with a background class).`,
    );
  }
  const [h, w] = raw.inputShape;
  const info: Partial<ModelInfo> = {
    format: 'tfjs-layers',
    inputSize: h === w ? h : undefined,
    numOutputs: raw.numOutputs,
    classOffset: raw.numOutputs - 1000,
    logitsLayer,
  };
  return { raw, info };
}

/** Opens a TF.js layers model.json with its weight files (keyed by base name) as an input-only-gradient RawModel. */
export async function openLayersModel(
  main: MainFile,
  files: Map<string, Uint8Array>,
  hints?: Partial<ModelInfo>,
): Promise<Opened> {
  const json = parseModelJson(main.bytes, main.name);
  const model = await buildLayersModel(json, files, main.name);
  try {
    return toRaw(model, main.name, hints);
  } finally {
    model.dispose();
  }
}

export const layersImporter: ModelImporter = {
  format: 'tfjs-layers',
  match: (head, fileName) =>
    fileName.toLowerCase().endsWith('.json') || new TextDecoder().decode(head.slice(0, 64)).trimStart().startsWith('{'),
  open: async (main, files, onProgress, hints) => {
    const opened = await openLayersModel(main, files, hints);
    onProgress?.(1);
    return opened;
  },
};

async function fetchBytes(url: string, fetchImpl: typeof fetch, what: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetchImpl(url);
  } catch (e) {
    throw new ModelLoadError(
      `Could not reach ${what} at "${url}" (${(e as Error).message}). Check the address and the network.`,
      { cause: e },
    );
  }
  if (!res.ok) throw new ModelLoadError(`The server answered ${res.status} for ${what} at "${url}".`);
  // A single-page-app server answers a missing file with its index.html: that is not the file.
  if (what.startsWith('the weight file') && (res.headers.get('content-type') ?? '').startsWith('text/html')) {
    throw new ModelLoadError(`The server answered a web page, not ${what}, at "${url}".`);
  }
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Loads a TF.js layers model from the URL of its model.json (weight files next to it).
 * `onProgress` gets the fraction of files fetched. `weightsFallback`: a folder URL to fetch a weight
 * file from when the one beside model.json cannot be had (a shipped model.json whose weights stay at
 * their official URL).
 */
export async function loadLayersFromUrl(
  url: string,
  fetchImpl: typeof fetch = fetch,
  hints?: Partial<ModelInfo>,
  onProgress?: (fraction: number) => void,
  weightsFallback?: string,
): Promise<Opened> {
  const name = url.slice(url.lastIndexOf('/') + 1).split('?')[0] || url;
  const bytes = await fetchBytes(url, fetchImpl, 'the model file');
  const names = weightFileNames(parseModelJson(bytes, url));
  const base = url.slice(0, url.lastIndexOf('/') + 1);
  const files = new Map<string, Uint8Array>();
  let done = 0;
  await Promise.all(
    names.map(async (n) => {
      const what = `the weight file "${n}" of ${name}`;
      const local = fetchBytes(base + n, fetchImpl, what);
      files.set(n, weightsFallback ? await local.catch(() => fetchBytes(weightsFallback + n, fetchImpl, what)) : await local);
      onProgress?.(++done / (names.length + 1));
    }),
  );
  const opened = await openLayersModel({ name: url, bytes }, files, hints);
  onProgress?.(1);
  return opened;
}
