import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../test/assets';
import { catalogueModel } from '../models/catalogue';
import { lookupTimmDataConfig, parseTimmDataConfigs, withTimmDataConfig } from './timmDataConfig';
import { CsvImportError } from './publishedTable';

const NEW = [
  'model,img_size,top1,crop_pct,interpolation',
  'resnet50.a1_in1k,288,81.2,1.000,bicubic',
  'resnet50.a1_in1k,224,80.1,0.950,bicubic',
  'resnet50.tv_in1k,224,76.1,0.875,bilinear',
  'odd_net.x_in1k,224,70.0,0.9,lanczos',
].join('\n');
const OLD = ['model,top1,crop_pct,interpolation', 'old_net,70.5,0.9,bicubic'].join('\n');
const tables = [parseTimmDataConfigs(NEW, 'new.csv'), parseTimmDataConfigs(OLD, 'old.csv')];

describe('timm data configs', () => {
  it('reads crop_pct and interpolation per row, leaving out filters AlignScope does not have', () => {
    expect(tables[0].get('resnet50.tv_in1k')).toEqual([{ top1: 76.1, imgSize: 224, cropPct: 0.875, interpolation: 'bilinear' }]);
    expect(tables[1].get('old_net')).toEqual([{ top1: 70.5, imgSize: null, cropPct: 0.9, interpolation: 'bicubic' }]);
    expect(tables[0].has('odd_net.x_in1k')).toBe(false);
    expect(() => parseTimmDataConfigs('model,top1\nx,1', 'bad.csv')).toThrow(CsvImportError);
  });

  it('joins names as the top-1 join does: exact, newest table first, untagged names to the best row', () => {
    expect(lookupTimmDataConfig('resnet50.tv_in1k', tables)).toMatchObject({ cropPct: 0.875, interpolation: 'bilinear' });
    expect(lookupTimmDataConfig('old_net', tables)).toMatchObject({ cropPct: 0.9, matched: 'old_net' });
    expect(lookupTimmDataConfig('resnet50', tables)).toMatchObject({ cropPct: 1, interpolation: 'bicubic', matched: 'resnet50.a1_in1k' });
    expect(lookupTimmDataConfig('no_such_net', tables)).toBeNull();
  });

  it('prefers the row evaluated at the model\'s input size, else the first (best) one', () => {
    expect(lookupTimmDataConfig('resnet50.a1_in1k', tables, 224)).toMatchObject({ cropPct: 0.95, imgSize: 224 });
    expect(lookupTimmDataConfig('resnet50.a1_in1k', tables, 288)).toMatchObject({ cropPct: 1, imgSize: 288 });
    expect(lookupTimmDataConfig('resnet50.a1_in1k', tables, 160)).toMatchObject({ cropPct: 1, imgSize: 288 });
  });

  it('fills only what the description leaves open, and says where it came from', () => {
    const base = { ...catalogueModel('mobilenet_v1_0.25_224'), timmName: 'resnet50.tv_in1k' };
    expect(withTimmDataConfig(base, tables)).toMatchObject({
      interpolation: 'bilinear',
      cropPct: 0.875,
      preprocessingSource: 'timm results table, row resnet50.tv_in1k at 224 px',
    });
    const stated = withTimmDataConfig({ ...base, interpolation: 'bicubic', preprocessingSource: 'stated in the model settings' }, tables);
    expect(stated).toMatchObject({ interpolation: 'bicubic', cropPct: 0.875 });
    expect(stated.preprocessingSource).toBe('stated in the model settings; the rest from timm results table, row resnet50.tv_in1k at 224 px');
    // No timm name, or no row: unchanged, so the defaults (bilinear, crop_pct 1) apply.
    const plain = catalogueModel('mobilenet_v1_0.25_224');
    expect(withTimmDataConfig(plain, tables)).toBe(plain);
    const unknown = withTimmDataConfig({ ...plain, timmName: 'no_such_net' }, tables);
    expect(unknown.cropPct).toBeUndefined();
    expect(unknown.preprocessingSource).toBe('AlignScope defaults (bilinear, crop_pct 1): timm\'s table has no row for "no_such_net"');
  });

  it('reads the real 2025 and 2023 tables of the asset mirror (mobilenetv2_100.ra_in1k: bicubic, 0.875)', () => {
    const real = ['timm_results_imagenet_2025-10.csv', 'timm_results_imagenet_2023.csv'].map((f) =>
      parseTimmDataConfigs(fs.readFileSync(assetPath(`reference/${f}`), 'utf8'), f),
    );
    expect(real[0].size).toBeGreaterThan(1200);
    // convnext_large.fb_in22k_ft_in1k is listed at 288 (crop_pct 1) and at 224 (0.875).
    expect(lookupTimmDataConfig('convnext_large.fb_in22k_ft_in1k', real, 224)).toMatchObject({ cropPct: 0.875, imgSize: 224 });
    expect(lookupTimmDataConfig('mobilenetv2_100.ra_in1k', real)).toMatchObject({ cropPct: 0.875, interpolation: 'bicubic' });
    expect(lookupTimmDataConfig('resnet50.tv2_in1k', real)).toMatchObject({ cropPct: 0.965, interpolation: 'bilinear' });
  });
});
