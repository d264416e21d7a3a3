import manifestJson from './manifest.json';

export interface AssetEntry {
  /** Path inside the assets folder (public/assets, or a mirror). */
  path: string;
  group: string;
  size: number;
  sha256: string;
  /** Official download; null when the file is derived and only a mirror has it. */
  url: string | null;
  derived: boolean;
  /** What a derived file was made from (null when computed for AlignScope). */
  sourceUrl?: string | null;
  /** `npm run assets` fails when a required file cannot be obtained. */
  required: boolean;
  licence: string;
  /** Where the repository itself ships a copy (the CC0 photos). */
  bundled?: string;
  note?: string;
}

export const ASSETS: readonly AssetEntry[] = manifestJson.assets as AssetEntry[];
export const ASSET_GROUPS: Readonly<Record<string, { description: string }>> = manifestJson.groups;

const byPath = new Map(ASSETS.map((a) => [a.path, a]));

export class UnknownAssetError extends Error {
  override name = 'UnknownAssetError';
}

export function assetEntry(path: string): AssetEntry {
  const entry = byPath.get(path);
  if (!entry) throw new UnknownAssetError(`"${path}" is not an asset listed in AlignScope's manifest (src/core/assets/manifest.json).`);
  return entry;
}
