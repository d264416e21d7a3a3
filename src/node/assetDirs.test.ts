import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assetDirHolding, localAssetDirs } from './assetDirs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'asset-dirs-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function put(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'x');
}

describe('local asset folders', () => {
  const publicDir = path.join(tmp, 'public');
  const mirror = path.join(tmp, 'mirror');
  put(path.join(publicDir, 'assets', 'models', 'both.bin'));
  put(path.join(mirror, 'models', 'both.bin'));
  put(path.join(mirror, 'models', 'mirror-only.bin'));

  it('looks in public/assets first, then the mirror, and only there where one is set', () => {
    expect(localAssetDirs({ publicDir, mirror })).toEqual([path.join(publicDir, 'assets'), mirror]);
    expect(localAssetDirs({ publicDir })).toEqual([path.join(publicDir, 'assets')]);
    expect(localAssetDirs({ publicDir, mirror: '' })).toEqual([path.join(publicDir, 'assets')]);
  });

  it('finds an asset in the first folder that holds it', () => {
    const dirs = localAssetDirs({ publicDir, mirror });
    expect(assetDirHolding('models/both.bin', dirs)).toBe(path.join(publicDir, 'assets'));
    expect(assetDirHolding('models/mirror-only.bin', dirs)).toBe(mirror);
    expect(assetDirHolding('models/nowhere.bin', dirs)).toBeNull();
  });
});
