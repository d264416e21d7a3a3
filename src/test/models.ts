import * as tf from '@tensorflow/tfjs';
import { buildLayersModel, parseModelJson, weightFileNames } from '../core/models/layersLoader';
import { catalogueModel } from '../core/models/catalogue';
import { pickImporter } from '../core/models/importers';
import { layersImporter } from '../core/models/layersImporter';
import type { Classifier } from '../core/models/types';
import { wrapClassifier } from '../core/models/wrapClassifier';
import { readAsset } from './assets';

/** The model.json and weight files of a mirrored TF.js layers model, as a user would drop them. */
export function readMirrorModelFiles(dir: string): { main: { name: string; bytes: Uint8Array }; files: Map<string, Uint8Array> } {
  const bytes = readAsset(`${dir}/model.json`);
  const files = new Map(weightFileNames(parseModelJson(bytes, 'model.json')).map((n) => [n, readAsset(`${dir}/${n}`)]));
  return { main: { name: 'model.json', bytes }, files };
}

/** A mirrored catalogue model as a tfjs LayersModel (e.g. 'mobilenet_v1_0.25_224'), for reference checks. */
export async function loadMirrorLayersModel(id: string): Promise<tf.LayersModel> {
  const { main, files } = readMirrorModelFiles(`models/${id}`);
  return buildLayersModel(parseModelJson(main.bytes, main.name), files, main.name);
}

/**
 * A catalogue model read from the asset mirror through its importer (layers model.json with its
 * weight files, or a single-file format), wrapped as a Classifier.
 */
export async function loadCatalogueClassifier(id: string): Promise<Classifier> {
  const info = catalogueModel(id);
  if (!info.assetPath) throw new Error(`The catalogue model "${id}" has no file in the asset mirror.`);
  const dir = info.assetPath.slice(0, info.assetPath.lastIndexOf('/'));
  const hints = { logitsLayer: info.logitsLayer };
  if (info.format === 'tfjs-layers') {
    const { main, files } = readMirrorModelFiles(dir);
    return wrapClassifier((await layersImporter.open(main, files, undefined, hints)).raw, info);
  }
  const name = info.assetPath.slice(dir.length + 1);
  const bytes = readAsset(info.assetPath);
  const importer = pickImporter(bytes.subarray(0, 64), name);
  return wrapClassifier((await importer.open({ name, bytes }, new Map([[name, bytes]]), undefined, hints)).raw, info);
}
