import { afterEach, describe, expect, it, vi } from 'vitest';
import { assetPath, hasAssets } from '../../test/assets';
import { decodeImageBytes, loadImageFile } from '../../test/images';
import { decodeImageFile, ImageDecodeError } from './decode';

describe('decodeImageFile (browser path, createImageBitmap stubbed in Node)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('names the file when the browser cannot decode it', async () => {
    vi.stubGlobal('createImageBitmap', () => Promise.reject(new DOMException('The source image could not be decoded.')));
    const file = new File([new Uint8Array([1, 2, 3])], 'notes.txt');
    const err = await decodeImageFile(file).catch((e) => e);
    expect(err).toBeInstanceOf(ImageDecodeError);
    expect(err.message).toMatch(/^The file "notes.txt" could not be read as an image/);
  });
});

describe('Node test decoder', () => {
  it('rejects bytes that are neither PNG nor JPEG', async () => {
    await expect(decodeImageBytes(new Uint8Array([0, 1, 2, 3]), 3, 'x.bin')).rejects.toThrow(
      /The file "x.bin" is neither a PNG nor a JPEG image/,
    );
  });

  it('rejects a truncated PNG', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    await expect(decodeImageBytes(png, 3, 'cut.png')).rejects.toThrow(ImageDecodeError);
  });

  it.skipIf(!hasAssets)('reads the CC0 photos and the ClickMe maps', () => {
    const coffee = loadImageFile(assetPath('images/coffee.png'));
    expect([coffee.width, coffee.height, coffee.channels]).toEqual([600, 400, 3]);
    const rocket = loadImageFile(assetPath('images/rocket.jpg'));
    expect(rocket.channels).toBe(3);
    const map = loadImageFile(assetPath('clickme-samples/serre-lab_0_clickme.png'), 1);
    expect(map.channels).toBe(1);
    expect(map.data.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
