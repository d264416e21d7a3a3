import fs from 'node:fs';
import path from 'node:path';

export interface AssetFolders {
  /** The app's public folder (holds samples/ and assets/). */
  publicDir: string;
  /** $ALIGNSCOPE_ASSETS_MIRROR, looked in when public/assets lacks a file. */
  mirror?: string;
}

/** Where local copies of assets are looked for, in order: the app's public/assets, then the mirror. */
export function localAssetDirs({ publicDir, mirror }: AssetFolders): string[] {
  return [path.join(publicDir, 'assets'), ...(mirror ? [mirror] : [])];
}

/** The first of `dirs` that holds the asset `rel` (a path under assets/), or null. */
export function assetDirHolding(rel: string, dirs: readonly string[]): string | null {
  return dirs.find((dir) => fs.existsSync(path.join(dir, rel))) ?? null;
}
