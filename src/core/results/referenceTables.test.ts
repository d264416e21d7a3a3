import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assetPath } from '../../test/assets';
import { CsvImportError } from './publishedTable';
import { join2023, lookupTop1, parseDigitized2023, parseTimmTable, type Digitized2023 } from './referenceTables';
import { architectureClass, modelFamily } from './taxonomy';

const read = (rel: string) => fs.readFileSync(assetPath(rel), 'utf8');

describe('timm top-1 join', () => {
  const t2025 = parseTimmTable(
    'model,img_size,top1,top5\nresnet50.a1_in1k,224,81.2,95\nresnet50.tv_in1k,224,76.1,93\nvit_x.augreg,224,"1,1",2\n',
    'new.csv',
  );
  const t2023 = parseTimmTable('model,top1\nresnet50.a1_in1k,80.0\nold_net,70.5\n', 'old.csv');
  const tables = [t2025, t2023];

  it('prefers an exact name in the newest table', () => {
    expect(lookupTop1('resnet50.tv_in1k', tables)).toEqual({ top1: 76.1, matched: 'resnet50.tv_in1k', table: 0 });
    expect(lookupTop1('old_net', tables)).toEqual({ top1: 70.5, matched: 'old_net', table: 1 });
  });
  it('joins an untagged name to the best tagged row of that architecture', () => {
    expect(lookupTop1('resnet50', tables)).toEqual({ top1: 81.2, matched: 'resnet50.a1_in1k', table: 0 });
  });
  it('treats a dot before a digit as part of the name, not a tag', () => {
    expect(lookupTop1('resnet50_l2_eps0.01', tables)).toBeNull();
    expect(lookupTop1('resnet50.xx_unknown', tables)).toBeNull();
  });
  it('skips rows whose top-1 is not a number', () => {
    expect(t2025.has('vit_x.augreg')).toBe(false);
  });
  it('rejects a table without the top1 column', () => {
    expect(() => parseTimmTable('model,acc\na,1', 'bad.csv')).toThrow(CsvImportError);
    expect(() => parseTimmTable('model,acc\na,1', 'bad.csv')).toThrow('bad.csv lacks the column(s) top1.');
  });
  it('joins the 2025 follow-up models to the mirror timm tables', () => {
    const mirror = [
      parseTimmTable(read('reference/timm_results_imagenet_2025-10.csv'), '2025-10'),
      parseTimmTable(read('reference/timm_results_imagenet_2023.csv'), '2023'),
    ];
    expect(lookupTop1('mobilenetv2_100.ra_in1k', mirror)?.top1).toBe(72.91);
    const names = read('reference/aa2025_l2fmn_per_model.csv').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    const joined = names.filter((n) => lookupTop1(n, mirror) !== null);
    // The 42 adversarially trained ResNets and the 4 DINOv2 backbones have no ImageNet row in timm.
    expect(joined).toHaveLength(351 - 46);
  });
});

const p = (legendClass: string, top1: number, value: number): Digitized2023 => ({ legendClass, top1, value, dots: 1 });

describe('2023 digitised points', () => {
  it('pairs the closest top-1 readings within a class, each point once', () => {
    const tol = [p('CNN', 70.0, 5), p('CNN', 70.2, 6), p('Transformer', 80, 7), p('CNN', 75, 8)];
    const ali = [p('CNN', 70.1, 0.1), p('CNN', 70.25, 0.2), p('Hybrid', 80, 0.3), p('CNN', 76, 0.4)];
    expect(join2023(tol, ali, 0.3)).toEqual([
      // 70.2↔70.25 (gap .05) is taken first, then 70.0↔70.1 (gap .1); 75↔76 is too far; classes never mix.
      { legendClass: 'CNN', top1: 70.05, tolerance: 5, alignment: 0.1 },
      { legendClass: 'CNN', top1: 70.225, tolerance: 6, alignment: 0.2 },
    ]);
  });
  it('reads both mirror figures', () => {
    const tol = parseDigitized2023(read('reference/aa2023_fig_tolerance_digitized.csv'), 'tol', 'tolerance');
    const ali = parseDigitized2023(read('reference/aa2023_fig_alignment_digitized.csv'), 'ali', 'alignment');
    expect(tol).toHaveLength(230);
    expect(ali).toHaveLength(248);
    expect(tol[0]).toEqual({ legendClass: 'AdvRobust', top1: 67.5, value: 23.9541, dots: 1 });
    const joined = join2023(tol, ali);
    expect(joined.length).toBeGreaterThan(150);
    expect(joined.length).toBeLessThanOrEqual(230);
    for (const j of joined) expect(j.alignment).toBeGreaterThan(-1);
  });
});

describe('taxonomy', () => {
  it.each([
    ['resnet50.a1_in1k', 'resnet', 'CNN'],
    ['mobilenetv2_100.ra_in1k', 'mobilenetv2', 'CNN'],
    ['tf_efficientnet_b0.in1k', 'efficientnet', 'CNN'],
    ['wide_resnet50_2_l2_eps0.5', 'wide_resnet', 'AdvRobust'],
    ['resnet18_linf_eps8.0', 'resnet', 'AdvRobust'],
    ['vit_base_patch16_224.augreg_in21k_ft_in1k', 'vit', 'Transformer'],
    ['beitv2_base_patch16_224.in1k_ft_in1k', 'beitv2', 'Transformer'],
    ['levit_128.fb_dist_in1k', 'levit', 'Hybrid'],
    ['convnextv2_tiny', 'convnextv2', 'CNN'],
    ['mobilenet_v1_0.25_224', 'mobilenet', 'CNN'],
    ['resnet50v2_harmonized', 'resnet', 'Harmonized'],
  ])('%s → family %s, class %s', (name, family, cls) => {
    expect(modelFamily(name)).toBe(family);
    expect(architectureClass(name)).toBe(cls);
  });
});
