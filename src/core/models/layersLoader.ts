import * as tf from '@tensorflow/tfjs';
import { ModelLoadError } from './errors';

/** The parts of a TF.js model.json this loader reads. */
export interface LayersModelJson {
  format?: string;
  modelTopology: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1).split('?')[0];

/** Parses and checks a model.json; throws ModelLoadError naming the file when it is not a TF.js layers model. */
export function parseModelJson(bytes: Uint8Array, fileName: string): LayersModelJson {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new ModelLoadError(`The file "${fileName}" is not valid JSON, so it is not a TF.js model.json.`, { cause: e });
  }
  if (!json || typeof json !== 'object' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new ModelLoadError(
      `The file "${fileName}" is not a TF.js model: a model.json needs "modelTopology" and "weightsManifest" entries.`,
    );
  }
  const topology = json.modelTopology as Record<string, unknown>;
  if (json.format === 'graph-model' || 'node' in topology) {
    throw new ModelLoadError(
      `The file "${fileName}" is a TF.js graph model. Graph models are not supported yet: AlignScope rebuilds a model ` +
        `layer by layer to compute input-only gradients, and a graph model has no layers. Convert the Keras model ` +
        `with tensorflowjs_converter --output_format tfjs_layers_model instead.`,
    );
  }
  return json as unknown as LayersModelJson;
}

/** The weight file names a model.json asks for, in manifest order. */
export function weightFileNames(json: LayersModelJson): string[] {
  return json.weightsManifest.flatMap((group) => group.paths.map(baseName));
}

/**
 * Builds the tfjs LayersModel from a parsed model.json and its weight files (keyed by base name).
 * Throws ModelLoadError listing every missing weight file.
 */
export async function buildLayersModel(
  json: LayersModelJson,
  files: Map<string, Uint8Array>,
  fileName: string,
): Promise<tf.LayersModel> {
  const names = weightFileNames(json);
  const missing = names.filter((n) => !files.has(n));
  if (missing.length) {
    throw new ModelLoadError(
      `The model "${fileName}" needs ${missing.length} weight file(s) that were not given: ${missing.join(', ')}. ` +
        `Select model.json together with all its weight files.`,
    );
  }
  const total = names.reduce((a, n) => a + files.get(n)!.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const n of names) {
    weightData.set(files.get(n)!, offset);
    offset += files.get(n)!.byteLength;
  }
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: weightData.buffer }),
    );
  } catch (e) {
    throw new ModelLoadError(
      `The model "${fileName}" could not be built by TF.js: ${(e as Error).message}`,
      { cause: e },
    );
  }
}
