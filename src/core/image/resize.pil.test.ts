/**
 * The model input against PIL (Debian's python3-pil, run live): timm's eval transform on a PIL
 * image, i.e. Resize(floor(size / crop_pct)) of the shorter side with PIL's antialiased filter, then
 * CenterCrop(size). scripts/pil/eval_resize.py makes PIL's side; .ci/run installs python3-pil.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../test/assets';
import { cropResize, resizeBilinear } from './resize';
import type { Interpolation } from './resample';
import { createImage } from './types';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, '..', '..', '..', 'scripts', 'pil', 'eval_resize.py');
const hasPil = spawnSync(PYTHON, ['-c', 'import PIL'], { stdio: 'ignore' }).status === 0;

interface Source {
  file: string;
  resize?: [number, number];
  mode?: 'L';
}
interface Case {
  name: string;
  source: Source;
  size: number;
  interpolation: Interpolation;
  crop_pct: number;
}

const photo = (name: string) => ({ file: assetPath(`images/${name}`) });
const PHOTOS = ['astronaut.png', 'chelsea.png', 'coffee.png', 'motorcycle_left.png', 'rocket.jpg'];
const CASES: Case[] = [
  // The CC0 photos (512×512, 451×300, 600×400, 741×500, 640×427) with each filter at crop 1 and timm's common 0.875.
  ...PHOTOS.flatMap((f) =>
    (['bilinear', 'bicubic'] as const).flatMap((interpolation) =>
      [1, 0.875].map((crop_pct) => ({ name: f, source: photo(f), size: 224, interpolation, crop_pct })),
    ),
  ),
  // Generated sizes: a portrait, a large 5× shrink, an upscale, MobileNet sizes and crop_pct 0.95 / 0.9.
  { name: 'portrait 333×517', source: { ...photo('coffee.png'), resize: [333, 517] }, size: 224, interpolation: 'bicubic', crop_pct: 0.95 },
  { name: 'large 1203×877', source: { ...photo('astronaut.png'), resize: [1203, 877] }, size: 224, interpolation: 'bilinear', crop_pct: 0.9 },
  { name: 'small 97×61 (upscale)', source: { ...photo('chelsea.png'), resize: [97, 61] }, size: 224, interpolation: 'bicubic', crop_pct: 0.875 },
  { name: 'small 97×61 bilinear', source: { ...photo('chelsea.png'), resize: [97, 61] }, size: 160, interpolation: 'bilinear', crop_pct: 1 },
  { name: 'rocket at 128', source: photo('rocket.jpg'), size: 128, interpolation: 'bilinear', crop_pct: 1 },
  // crop_pct > 1 (three rows of timm's table): the resized picture is smaller than the crop and is padded with black.
  { name: 'chelsea crop_pct 1.15', source: photo('chelsea.png'), size: 224, interpolation: 'bicubic', crop_pct: 1.15 },
  // A one-channel human map takes the same path.
  { name: 'map (L) 451×300', source: { ...photo('chelsea.png'), mode: 'L' }, size: 224, interpolation: 'bicubic', crop_pct: 0.875 },
];

interface PilResult {
  width: number;
  height: number;
  channels: number;
  source: string;
  expected: string;
}

function runPil(cases: Case[]): PilResult[] {
  const res = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(cases.map(({ name: _, ...c }) => c)), maxBuffer: 1 << 28 });
  if (res.status !== 0) throw new Error(`PIL reference failed: ${res.stderr.toString()}`);
  return JSON.parse(res.stdout.toString()) as PilResult[];
}

describe.skipIf(!hasPil)('cropResize equals PIL (timm eval transform)', () => {
  const results = hasPil ? runPil(CASES) : [];

  it.each(CASES.map((c, i) => [c.name, c.interpolation, c.crop_pct, c.size, i] as const))(
    '%s, %s, crop_pct %s, %i px: mean |ours − PIL| < 1/255',
    (_name, interpolation, cropPct, size, i) => {
      const r = results[i];
      const src = Buffer.from(r.source, 'base64');
      const expected = Buffer.from(r.expected, 'base64');
      const img = createImage(r.width, r.height, r.channels, Float32Array.from(src, (v) => v / 255));
      const ours = cropResize(img, size, { interpolation, cropPct });
      expect([ours.width, ours.height, ours.channels]).toEqual([size, size, r.channels]);
      let sum = 0;
      let max = 0;
      for (let k = 0; k < expected.length; k++) {
        const d = Math.abs(ours.data[k] * 255 - expected[k]);
        sum += d;
        max = Math.max(max, d);
      }
      // PIL rounds to 8 bits after each pass (±0.5 level each, times the filter's total weight); the float result does not.
      expect(sum / expected.length, `mean difference in 8-bit levels (max ${max.toFixed(2)})`).toBeLessThan(1);
      expect(max).toBeLessThan(1.5);
      if (process.env.PIL_REPORT) console.log(`${_name} ${interpolation} ${cropPct}: mean ${(sum / expected.length).toFixed(3)}, max ${max.toFixed(2)}`);
    },
  );

  it('would catch plain (non-antialiased) bilinear: it misses PIL by several levels on a 5× shrink', () => {
    const i = CASES.findIndex((c) => c.name.startsWith('large'));
    const r = results[i];
    const img = createImage(r.width, r.height, r.channels, Float32Array.from(Buffer.from(r.source, 'base64'), (v) => v / 255));
    const shorter = Math.floor(224 / 0.9);
    const plain = cropResize(resizeBilinear(img, shorter, Math.floor((shorter * r.width) / r.height)), 224);
    const expected = Buffer.from(r.expected, 'base64');
    let sum = 0;
    for (let k = 0; k < expected.length; k++) sum += Math.abs(plain.data[k] * 255 - expected[k]);
    expect(sum / expected.length).toBeGreaterThan(3);
  });
});
