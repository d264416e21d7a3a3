import { ASSETS, type AssetEntry } from './manifest';

/**
 * The manifest files a catalogue model loads: a TF.js layers model is its model.json and every file
 * beside it (weight shards), a TFLite model its one file. Empty for models without a manifest asset.
 */
export function modelAssetFiles(model: { format: string; assetPath?: string }): AssetEntry[] {
  const { assetPath } = model;
  if (!assetPath) return [];
  if (model.format !== 'tfjs-layers') return ASSETS.filter((a) => a.path === assetPath);
  const dir = assetPath.slice(0, assetPath.lastIndexOf('/') + 1);
  return ASSETS.filter((a) => a.path.startsWith(dir) && !a.path.slice(dir.length).includes('/') && a.path !== `${dir}metadata.json`);
}

/** Bytes of the files, for "2.0 MB" in the UI. */
export function totalBytes(files: readonly AssetEntry[]): number {
  return files.reduce((sum, f) => sum + f.size, 0);
}
