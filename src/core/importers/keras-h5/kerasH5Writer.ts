import type { Group } from 'h5wasm';
import { loadH5wasm } from './hdf5';

/**
 * Writes Keras 2 style .h5 files (the layout of keras.Model.save / h5py), so tests can make
 * their own model files in code: nothing else in AlignScope writes HDF5.
 */

export interface H5Weight {
  /** Keras weight name, e.g. `conv1/kernel:0`; the dataset lives at model_weights/<layer>/<name>. */
  name: string;
  shape: number[];
  /** float32, or int64 (Keras stores Normalization's `count` as int64). */
  data: Float32Array | BigInt64Array;
}

export interface H5Layer {
  name: string;
  weights: H5Weight[];
}

export interface KerasH5Contents {
  /** The model_config attribute: an object (JSON-encoded here) or a raw string; omitted = weights-only file. */
  modelConfig?: object | string;
  kerasVersion?: string;
  backend?: string;
  layers: H5Layer[];
  /** Split layer_names into layer_names0, layer_names1... as Keras does for long lists. */
  chunkLayerNames?: number;
  /** Weights-only layout (save_weights): layers at the root instead of under model_weights. */
  weightsAtRoot?: boolean;
}

const encoder = new TextEncoder();

/** h5py stores Python bytes as fixed-length strings: dtype S<longest byte length>. */
function fixedStrings(obj: Group, name: string, values: string[]): void {
  const width = Math.max(1, ...values.map((v) => encoder.encode(v).length));
  obj.create_attribute(name, values, [values.length], `S${width}`);
}

function ensureGroup(root: Group, path: string): Group {
  let g = root;
  for (const part of path.split('/')) {
    g = (g.get(part) as Group | null) ?? g.create_group(part);
  }
  return g;
}

let nextId = 0;

export async function writeKerasH5(contents: KerasH5Contents): Promise<Uint8Array> {
  const { h5wasm, fs } = await loadH5wasm();
  const path = `/alignscope-fixture-${nextId++}.h5`;
  // Keras' model_config attributes pass HDF5's compact 64 kB header limit; 'latest' allows dense attributes.
  const f = new h5wasm.File(path, 'w', { libver: 'latest' });
  try {
    const { modelConfig, kerasVersion = '2.9.0', backend = 'tensorflow' } = contents;
    if (modelConfig !== undefined) {
      const json = typeof modelConfig === 'string' ? modelConfig : JSON.stringify(modelConfig);
      f.create_attribute('model_config', json, null, `S${encoder.encode(json).length}`);
      f.create_attribute('keras_version', kerasVersion);
      f.create_attribute('backend', backend);
    }
    const weights = contents.weightsAtRoot ? f : f.create_group('model_weights');
    const names = contents.layers.map((l) => l.name);
    if (contents.chunkLayerNames) {
      for (let i = 0, c = 0; i < names.length; i += contents.chunkLayerNames, c++) {
        fixedStrings(weights, `layer_names${c}`, names.slice(i, i + contents.chunkLayerNames));
      }
    } else {
      fixedStrings(weights, 'layer_names', names);
    }
    weights.create_attribute('keras_version', kerasVersion);
    weights.create_attribute('backend', backend);
    for (const layer of contents.layers) {
      const g = weights.create_group(layer.name);
      fixedStrings(g, 'weight_names', layer.weights.map((w) => w.name));
      for (const w of layer.weights) {
        const slash = w.name.lastIndexOf('/');
        const parent = slash < 0 ? g : ensureGroup(g, w.name.slice(0, slash));
        const dtype = w.data instanceof BigInt64Array ? '<q' : '<f';
        parent.create_dataset({ name: w.name.slice(slash + 1), data: w.data, shape: w.shape, dtype });
      }
    }
  } finally {
    f.close();
  }
  const bytes = fs.readFile(path).slice();
  fs.unlink(path);
  return bytes;
}
