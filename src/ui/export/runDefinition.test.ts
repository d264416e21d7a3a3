import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_DEFINITION, RunUrlError, parseRunUrl, runDefinitionToSearch, toAttackConfig, type RunDefinition } from './runDefinition';

describe('run definition in the URL', () => {
  it('reads the automation contract URL', () => {
    const { definition, autoRun, problems } = parseRunUrl('?image=chelsea&model=mobilenet_v1_0.25_224&attack=fmn&steps=20&run=1');
    expect(problems).toEqual([]);
    expect(autoRun).toBe(true);
    expect(definition).toMatchObject({ imageId: 'chelsea', modelId: 'mobilenet_v1_0.25_224', attack: 'fmn', steps: 20, backend: null });
    // Every FMN parameter is present with its engine default.
    expect(definition.params).toEqual({ alphaMax: 1.5, alphaMin: 0.015, stepRelativeToEps: true, gamma0: 0.05, gammaMin: 0.001 });
  });

  it('round-trips a full definition exactly', () => {
    const def: RunDefinition = {
      imageId: 'n01443537_1',
      modelId: 'mobilenet_v1_0.75_224',
      backend: 'webgl',
      protocol: '2025-corrected',
      attack: 'pgd-linf',
      steps: 7,
      params: { eps: 4 / 255, alpha: 1 / 255, randomStart: false },
      readout: 'binary',
      target: 281,
      seed: 42,
      convention: 'max',
      divideByCeiling: true,
    };
    const search = runDefinitionToSearch(def, true);
    expect(search).toBe(
      'image=n01443537_1&model=mobilenet_v1_0.75_224&backend=webgl&protocol=2025-corrected&attack=pgd-linf&steps=7' +
        `&eps=${4 / 255}&alpha=${1 / 255}&randomStart=0&readout=binary&target=281&seed=42&map=max&ceiling=1&run=1`,
    );
    const back = parseRunUrl('?' + search);
    expect(back.problems).toEqual([]);
    expect(back.autoRun).toBe(true);
    expect(back.definition).toEqual(def);
  });

  it('switching attack brings that attack’s step default', () => {
    expect(parseRunUrl('?attack=deepfool').definition.steps).toBe(50);
    expect(parseRunUrl('?attack=deepfool&steps=3').definition.steps).toBe(3);
  });

  it('reads attack=ensemble with its gradient budget and phase split', () => {
    const { definition, problems } = parseRunUrl('?attack=ensemble&steps=1000&ddnShare=0.2');
    expect(problems).toEqual([]);
    expect(definition).toMatchObject({ attack: 'ensemble', steps: 1000, params: { fmnShare: 0.4, ddnShare: 0.2, ddnEpsInit: 1, refineAlphaMax: 0.5 } });
    expect(toAttackConfig(definition).params).toEqual({ ensemble: { fmnShare: 0.4, ddnShare: 0.2, ddnEpsInit: 1, refineAlphaMax: 0.5 } });
    expect(parseRunUrl('?attack=ensemble').definition.steps).toBe(200);
  });

  it('reports each bad value as a full sentence and keeps the default', () => {
    const { definition, problems, autoRun } = parseRunUrl('?attack=cw&steps=0&target=1000&backend=metal&alphaMax=x&seed=-1&map=sum&run=yes');
    expect(autoRun).toBe(false);
    expect(problems.every((p) => p instanceof RunUrlError)).toBe(true);
    expect(problems.map((p) => p.message)).toEqual([
      'The URL parameter backend=metal is not one of webgpu, webgl, wasm, cpu; the default is used instead.',
      'The URL parameter attack=cw is not one of fmn, ddn, pgd-bisect, fgsm, pgd-linf, deepfool, fmn-as-published, ensemble; the default is used instead.',
      'The URL parameter steps=0 is not a whole number from 1 to 5000; the default is used instead.',
      'The URL parameter alphaMax=x is not a number from 0.0001 to 10; the default is used instead.',
      'The URL parameter target=1000 is not an ImageNet class index from 0 to 999; the default is used instead.',
      'The URL parameter seed=-1 is not a whole number ≥ 0; the default is used instead.',
      'The URL parameter map=sum is not mean or max; the default is used instead.',
    ]);
    expect(definition).toEqual(DEFAULT_RUN_DEFINITION);
  });

  it('turns a definition into the engine config with full-resolution δ', () => {
    const def = parseRunUrl('?attack=ddn&steps=12&gamma=0.1&target=5').definition;
    expect(toAttackConfig(def, 3)).toEqual({
      attack: 'ddn',
      steps: 12,
      params: { ddn: { epsInit: 1, gamma: 0.1, alphaMax: 1, alphaMin: 0.01 } },
      readout: '1000-class',
      label: 3,
      target: 5,
      seed: 0,
      previewSize: 0,
      protocol: 'interactive',
    });
  });
});

describe('merging the run into the address bar', () => {
  it('replaces the run parameters, keeps the session’s and others, and drops run=1', async () => {
    const { mergeRunSearch } = await import('./runDefinition');
    const def = { ...DEFAULT_RUN_DEFINITION, attack: 'deepfool' as const, steps: 5, params: { overshoot: 0.02, candidates: 10 } };
    const out = mergeRunSearch('?image=chelsea&model=m&tab=attack&attack=fmn&alphaMax=2&run=1', def);
    const q = new URLSearchParams(out);
    expect(q.get('image')).toBe('chelsea');
    expect(q.get('model')).toBe('m');
    expect(q.get('tab')).toBe('attack');
    expect(q.get('attack')).toBe('deepfool');
    expect(q.get('alphaMax')).toBeNull();
    expect(q.get('run')).toBeNull();
    expect(parseRunUrl(out).definition).toMatchObject({ imageId: 'chelsea', modelId: 'm', attack: 'deepfool', steps: 5 });
  });
});
