import fs from 'node:fs';
import path from 'node:path';

/** The asset mirror used by tests: $ALIGNSCOPE_ASSETS_MIRROR, else ../shared/assets next to the repo. */
export const ASSETS_DIR = path.resolve(
  process.env.ALIGNSCOPE_ASSETS_MIRROR ?? path.join(__dirname, '..', '..', '..', 'shared', 'assets'),
);

export function assetPath(rel: string): string {
  return path.join(ASSETS_DIR, rel);
}

export function readAsset(rel: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(assetPath(rel)));
}

export const hasAssets = fs.existsSync(path.join(ASSETS_DIR, 'models'));
