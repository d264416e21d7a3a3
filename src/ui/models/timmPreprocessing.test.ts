import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../test/assets';
import { catalogueModel } from '../../core/models/catalogue';
import { fillTimmPreprocessing } from './timmPreprocessing';

/** fetch over the asset mirror: /assets/<rel> → mirror/<rel>. */
const mirrorFetch: typeof fetch = async (input) => {
  const rel = String(input).replace(/^\/assets\//, '');
  return new Response(fs.readFileSync(assetPath(rel), 'utf8'));
};

describe('fillTimmPreprocessing', () => {
  const base = { ...catalogueModel('mobilenet_v1_0.25_224'), id: 'custom:x.onnx' };

  it("fills interpolation and crop_pct from timm's table for a timm name (mobilenetv2_100.ra_in1k: bicubic, 0.875)", async () => {
    const info = await fillTimmPreprocessing({ ...base, timmName: 'mobilenetv2_100.ra_in1k' }, '/', mirrorFetch);
    expect(info).toMatchObject({ interpolation: 'bicubic', cropPct: 0.875 });
    expect(info.preprocessingSource).toBe('timm results table, row mobilenetv2_100.ra_in1k at 224 px');
  });

  it('leaves models without a timm name alone, and fetches nothing for them', async () => {
    const refuse: typeof fetch = () => Promise.reject(new Error('no fetch expected'));
    expect(await fillTimmPreprocessing(base, '/', refuse)).toBe(base);
  });

  it("keeps the defaults and says why when timm's table cannot be fetched", async () => {
    const missing: typeof fetch = async () => new Response('', { status: 404 });
    const info = await fillTimmPreprocessing({ ...base, timmName: 'resnet50.tv_in1k' }, '/nowhere/', missing);
    expect(info.cropPct).toBeUndefined();
    expect(info.preprocessingSource).toMatch(/AlignScope defaults .*timm's table was not readable \(assets\/reference\/timm_results_imagenet_2025-10.csv could not be fetched \(HTTP 404\)\)/);
  });
});
