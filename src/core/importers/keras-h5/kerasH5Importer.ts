import * as tf from '@tensorflow/tfjs';
import type { File as H5File } from 'h5wasm';
import { EngineError, layersModelToRaw } from '../../engine';
import type { ModelImporter } from '../../models/importer';
import { normalizationPreset } from '../../models/normalizations';
import type { ModelInfo, RawModel } from '../../models/types';
import { KerasH5ImportError } from './errors';
import { getGroup, isHdf5, openH5Blob, openH5Bytes, readStringAttr, type OpenH5 } from './hdf5';
import { prepareModelConfig, type PreparedConfig } from './kerasConfig';
import { loadPlannedWeights, planWeights } from './kerasWeights';
import './normalizationLayer';

type Progress = (fraction: number) => void;

export interface KerasLayersModel {
  model: tf.LayersModel;
  prepared: PreparedConfig;
  kerasVersion?: string;
}

/**
 * Builds the tfjs layers model an open Keras .h5 file describes, with its weights, logits out
 * (a final softmax turned off). On any error nothing stays allocated.
 */
export async function readKerasLayersModel(file: H5File, fileName: string, onProgress?: Progress): Promise<KerasLayersModel> {
  const configJson = readStringAttr(file, 'model_config');
  const weightsRoot = getGroup(file, 'model_weights');
  if (configJson === undefined) {
    const weightsOnly = weightsRoot === undefined && 'layer_names' in file.attrs;
    throw new KerasH5ImportError(
      weightsOnly
        ? `The file "${fileName}" holds weights only (saved with save_weights): the architecture lives in the Python ` +
            `code that built it, so AlignScope cannot rebuild the model. Save the whole model with model.save("…h5").`
        : `The file "${fileName}" is HDF5 but has no model_config attribute, so it is not a Keras model file.`,
    );
  }
  if (!weightsRoot) {
    throw new KerasH5ImportError(`The file "${fileName}" has a model_config but no model_weights group: it holds no weights.`);
  }
  const kerasVersion = readStringAttr(file, 'keras_version');
  const prepared = prepareModelConfig(configJson, fileName, kerasVersion);
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: prepared.modelConfig as unknown as tf.io.ModelJSON['modelTopology'] });
  } catch (e) {
    if (e instanceof KerasH5ImportError) throw e;
    throw new KerasH5ImportError(
      `The model in "${fileName}" could not be built in TensorFlow.js: ${(e as Error).message}`,
      { cause: e },
    );
  }
  try {
    await loadPlannedWeights(planWeights(model, weightsRoot, fileName), fileName, onProgress);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, prepared, kerasVersion };
}

const baseName = (name: string) => name.slice(name.lastIndexOf('/') + 1).replace(/\.(h5|hdf5)$/i, '');

async function importOpen(
  h5: OpenH5,
  fileName: string,
  onProgress?: Progress,
  hints?: Partial<ModelInfo>,
): Promise<{ raw: RawModel; info: Partial<ModelInfo> }> {
  let built: KerasLayersModel;
  try {
    built = await readKerasLayersModel(h5.file, fileName, onProgress);
  } catch (e) {
    if (e instanceof KerasH5ImportError) throw e;
    // h5wasm reports damage found while reading (a truncated file opens fine) as plain Errors.
    throw new KerasH5ImportError(`The file "${fileName}" could not be read; it looks truncated or damaged (HDF5 said: "${(e as Error).message}").`, {
      cause: e,
    });
  } finally {
    h5.close();
  }
  const { model, prepared, kerasVersion } = built;
  const logitsLayer = hints?.logitsLayer ?? prepared.logitsLayer;
  let raw: RawModel;
  try {
    // Unless the user named a layer, the logits are the model's output (its softmax already turned off);
    // naming that layer would fail for a wrapped model, whose layer also has its construction node.
    raw = layersModelToRaw(model, { logitsLayer: hints?.logitsLayer });
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    throw new KerasH5ImportError(`The model in "${fileName}" cannot be attacked: ${e.message}`, { cause: e });
  } finally {
    model.dispose();
  }
  const [size] = raw.inputShape;
  const notes = [
    `Keras ${kerasVersion ?? 'version unknown'} HDF5 file.`,
    hints?.logitsLayer
      ? `Logits: the output of layer "${logitsLayer}", as stated.`
      : prepared.softmaxRemovedAt
        ? `Logits: the softmax of layer "${prepared.softmaxRemovedAt}" is turned off.`
        : `No final softmax found: the output of "${logitsLayer}" is taken as logits.`,
    prepared.rescalesPixelsAt
      ? `The model rescales [0,255] pixels itself (layer "${prepared.rescalesPixelsAt}"), so it takes [0,255] input.`
      : 'The file does not state its preprocessing: choose the normalisation (harmonized models: ImageNet mean/std).',
  ];
  return {
    raw,
    info: {
      name: baseName(fileName),
      format: 'keras-h5',
      inputSize: size,
      numOutputs: raw.numOutputs,
      classOffset: raw.numOutputs === 1001 ? 1 : 0,
      logitsLayer,
      ...(prepared.rescalesPixelsAt && { normalization: normalizationPreset('[0,255]'), normalizationName: '[0,255]' }),
      notes: notes.join(' '),
    },
  };
}

function notHdf5(fileName: string): KerasH5ImportError {
  return new KerasH5ImportError(
    `The file "${fileName}" is not an HDF5 file (it lacks the HDF5 signature "\\x89HDF\\r\\n\\x1a\\n"); ` +
      `Keras .h5 models are HDF5 files. A Keras 3 ".keras" file is a zip archive and is not supported.`,
  );
}

/** Keras .h5 (HDF5) classifiers from bytes in memory. */
export const kerasH5Importer: ModelImporter = {
  format: 'keras-h5',
  // .keras too, so that a Keras 3 zip gets the sentence explaining it rather than "unknown format".
  match: (head, fileName) => isHdf5(head) || /\.(h5|hdf5|keras)$/i.test(fileName),
  async open(main, _files, onProgress, hints) {
    if (!isHdf5(main.bytes)) throw notHdf5(main.name);
    return importOpen(await openH5Bytes(main.bytes, main.name), main.name, onProgress, hints);
  },
};

/**
 * The same import from a File/Blob (a dropped file, or `await response.blob()` of a download).
 * Inside a Web Worker the file is never read whole into memory (WORKERFS reads the byte ranges
 * HDF5 asks for), which is what lets files of hundreds of MB load beside their weights. Elsewhere
 * (no FileReaderSync) it falls back to reading the bytes.
 */
export async function openKerasH5Blob(
  blob: Blob,
  fileName: string,
  onProgress?: Progress,
  hints?: Partial<ModelInfo>,
): Promise<{ raw: RawModel; info: Partial<ModelInfo> }> {
  const head = new Uint8Array(await blob.slice(0, 4104).arrayBuffer());
  if (!isHdf5(head)) throw notHdf5(fileName);
  if (typeof FileReaderSync === 'undefined') {
    return kerasH5Importer.open({ name: fileName, bytes: new Uint8Array(await blob.arrayBuffer()) }, new Map(), onProgress, hints);
  }
  return importOpen(await openH5Blob(blob, fileName), fileName, onProgress, hints);
}
