import * as tf from '@tensorflow/tfjs';
import type { Dataset, Group } from 'h5wasm';
import { KerasH5ImportError } from './errors';
import { datasetBytes, getDataset, getGroup, readFloat32, readStringListAttr } from './hdf5';

/** One model layer and the datasets that fill its weights, in the layer's weight order. */
interface LayerPlan {
  layer: tf.layers.Layer;
  datasets: Dataset[];
  names: string[];
}

/** `block1_conv1/kernel:0` → `kernel`; tfjs' de-duplicating `_1` suffixes dropped too. */
const shortName = (name: string) =>
  name
    .slice(name.lastIndexOf('/') + 1)
    .replace(/:\d+$/, '')
    .replace(/_\d+$/, '');

const sameShape = (a: readonly number[], b: readonly (number | null)[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

const MAX_LISTED = 8;

/**
 * Pairs every weight the file stores with its home in the model, as Keras' own loader does
 * (layers by name, weights in layer order), and checks names and shapes before any data is read,
 * so a mismatch never leaves a half-loaded model. Throws one error listing the problems.
 */
export function planWeights(model: tf.LayersModel, root: Group, fileName: string): LayerPlan[] {
  const layerNames = readStringListAttr(root, 'layer_names');
  if (!layerNames) {
    throw new KerasH5ImportError(`The file "${fileName}" has no layer_names attribute where Keras stores its weights (${root.path}).`);
  }
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const problems: string[] = [];
  const plans: LayerPlan[] = [];
  const stored = new Set<string>();
  for (const name of layerNames) {
    const group = getGroup(root, name);
    if (!group) {
      problems.push(`layer "${name}" is listed but has no group`);
      continue;
    }
    const names = readStringListAttr(group, 'weight_names') ?? [];
    if (!names.length) continue;
    const layer = byName.get(name);
    if (!layer) {
      problems.push(`the file has weights for a layer "${name}" that the model does not have`);
      continue;
    }
    stored.add(name);
    const targets = layer.weights;
    if (targets.length !== names.length) {
      problems.push(`layer "${name}" needs ${targets.length} weights but the file has ${names.length} (${names.join(', ')})`);
      continue;
    }
    const datasets: Dataset[] = [];
    names.forEach((weightName, i) => {
      const ds = getDataset(group, weightName);
      const target = targets[i];
      if (!ds) {
        problems.push(`weight "${weightName}" of layer "${name}" is listed but not stored`);
        return;
      }
      if (shortName(weightName) !== shortName(target.originalName)) {
        problems.push(`weight "${weightName}" of layer "${name}" sits where the model expects "${shortName(target.originalName)}"`);
      }
      const shape = ds.shape ?? [];
      if (!sameShape(shape, target.shape)) {
        problems.push(`weight "${weightName}" of layer "${name}" has shape [${shape}] but the model needs [${target.shape}]`);
      }
      datasets.push(ds);
    });
    plans.push({ layer, datasets, names });
  }
  for (const layer of model.layers) {
    if (layer.weights.length && !stored.has(layer.name)) problems.push(`layer "${layer.name}" has no weights in the file`);
  }
  if (problems.length) {
    const more = problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : '';
    throw new KerasH5ImportError(
      `The weights in "${fileName}" do not fit its model: ${problems.slice(0, MAX_LISTED).join('; ')}${more}. Nothing was loaded.`,
    );
  }
  return plans;
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Reads the planned datasets one at a time into the layers' variables. A variable takes over the
 * tensor's data (assign does not copy), so besides the model only one dataset is in flight.
 */
export async function loadPlannedWeights(
  plans: LayerPlan[],
  fileName: string,
  onProgress: (fraction: number) => void = () => {},
): Promise<void> {
  const total = plans.reduce((a, p) => a + p.datasets.reduce((b, ds) => b + datasetBytes(ds), 0), 0) || 1;
  let done = 0;
  const onBytes = (n: number) => {
    done += n;
    onProgress(Math.min(1, done / total));
  };
  for (const { layer, datasets, names } of plans) {
    const tensors = datasets.map((ds, i) => {
      const target = layer.weights[i];
      const values = readFloat32(ds, `Weight "${names[i]}" of layer "${layer.name}" in "${fileName}"`, onBytes);
      return tf.tensor(values, target.shape as number[], target.dtype);
    });
    try {
      layer.setWeights(tensors);
    } finally {
      tensors.forEach((t) => t.dispose());
    }
    await nextTask();
  }
  onProgress(1);
}
