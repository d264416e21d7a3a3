import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../core/attacks/types';
import type { RecordedStep, RunInputs } from '../state/runStore';
import { DEFAULT_RUN_DEFINITION } from './runDefinition';
import { RUN_JSON_FIELDS, RunJsonError, buildRunJson, parseRunJson, type RunJsonInput } from './runJson';
import { preprocessingFromJson } from './runJsonPreprocessing';

const size = 2;
const clean = new Float32Array([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 0.5]);
// δ = 3-4-0 pattern: ‖δ‖₂ = 0.5 exactly (0.3² + 0.4²), ‖δ‖∞ = 0.4.
const bestDelta = new Float32Array([0.3, 0, 0, 0, -0.4, 0, 0, 0, 0, 0, 0, 0]);
const humanMap = new Float32Array([0, 0.25, 0.5, 1]);
const inputs: RunInputs = {
  size, clean, humanMap, humanMapSource: 'user-drawn', label: 281, labelName: (i) => `class ${i}`,
  cleanTop5: [{ classIndex: 281, prob: 0.9 }, { classIndex: 282, prob: 0.05 }],
};
const delta = { data: bestDelta, height: size, width: size, channels: 3 as const, full: true };
const steps: RecordedStep[] = [
  { step: 0, totalSteps: 4, l2: 0, linf: 0, eps: null, loss: -2, margin: -2, isAdversarial: false, predicted: 281, bestL2: null, gradEvals: 1, top5: [], alignment: { mean: null, max: null }, delta },
  { step: 1, totalSteps: 4, l2: 0.5, linf: 0.4, eps: 0.6, loss: 0.1, margin: 0.1, isAdversarial: true, predicted: 282, bestL2: 0.5, gradEvals: 2, top5: [], alignment: { mean: 0.4, max: 0.3 }, delta },
];
const result = {
  attack: 'fmn', readout: '1000-class', label: 281, success: true, bestDelta: delta, l2: 0.5, linf: 0.4,
  advClass: 282, advImagenetClass: 282, gradEvals: 2, steps: 2, wallMs: 1234,
} as RunResult;

function build() {
  return buildRunJson(buildInput());
}

function buildInput(): RunJsonInput {
  return {
    // A model outside the catalogue: the catalogue's take 224×224 inputs, this fixture is 2×2.
    definition: { ...DEFAULT_RUN_DEFINITION, imageId: 'chelsea', modelId: 'my-model', steps: 2 },
    status: 'done', inputs, environment: { backend: 'webgpu', adapter: 'swiftshader', modelName: 'MobileNet', imageName: 'chelsea' },
    steps, result, resultAlignment: { mean: 0.4, max: 0.3 }, convention: 'mean', divideByCeiling: false,
    baseUrl: 'http://localhost/', userAgent: 'test', now: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
  };
}

describe('run JSON', () => {
  it('holds the documented fields', () => {
    const json = build();
    for (const key of Object.keys(RUN_JSON_FIELDS)) {
      const top = key.replace('[]', '').split('.');
      let v: unknown = json;
      for (const k of top) v = (v as Record<string, unknown>)[k];
      expect(v, key).not.toBeUndefined();
    }
    expect(json.createdAt).toBe('2026-01-02T03:04:05.000Z');
    expect(json.url).toContain('image=chelsea&model=my-model&protocol=interactive&attack=fmn&steps=2');
    expect(json.steps[1]).toEqual({ step: 1, l2: 0.5, linf: 0.4, eps: 0.6, loss: 0.1, margin: 0.1, adversarial: true, predicted: 282, bestL2: 0.5, gradEvals: 2, alignmentMean: 0.4, alignmentMax: 0.3 });
    expect(json.result).toMatchObject({ success: true, l2: 0.5, advLabel: 'class 282', alignmentMean: 0.4, notAttackable: false });
    expect(json.label).toEqual({ classIndex: 281, name: 'class 281' });
    expect(json.arrays.cleanInput.shape).toEqual([2, 2, 3]);
    expect(json.arrays.humanMap!.shape).toEqual([2, 2]);
  });

  it('survives JSON text and gives back arrays whose norms match the result', () => {
    const back = parseRunJson(JSON.stringify(build()), 'run.json');
    expect(Array.from(back.clean)).toEqual(Array.from(clean));
    expect(Array.from(back.humanMap!)).toEqual([0, 0.25, 0.5, 1]);
    const d = back.perturbation!;
    const l2 = Math.sqrt(d.reduce((s, v) => s + v * v, 0));
    expect(l2).toBeCloseTo(0.5, 6);
    expect(Math.max(...d.map(Math.abs))).toBeCloseTo(0.4, 6);
  });

  it('rejects files that are not AlignScope runs', () => {
    expect(() => parseRunJson('{', 'a.json')).toThrow(new RunJsonError('The file a.json is not JSON.'));
    expect(() => parseRunJson('{"format":"x"}', 'b.json')).toThrow('The file b.json is not an AlignScope run (its "format" is not "alignscope-run").');
    expect(() => parseRunJson('{"format":"alignscope-run","version":9}', 'c.json')).toThrow(/version 9; this AlignScope reads up to version 1/);
    expect(() => parseRunJson('{"format":"alignscope-run","version":1}', 'd.json')).toThrow('The file d.json has no "definition" field.');
  });

  /** The built run as JSON text after `edit` changed its parsed object. */
  const edited = (edit: (j: Record<string, any>) => void) => {
    const j = JSON.parse(JSON.stringify(build()));
    edit(j);
    return JSON.stringify(j);
  };

  it('names the field a broken file gets wrong', () => {
    expect(() => parseRunJson(edited((j) => delete j.url), 'e.json')).toThrow(new RunJsonError('The file e.json has no "url" field.'));
    expect(() => parseRunJson(edited((j) => (j.definition.attack = 'cw')), 'e.json')).toThrow(
      'The file e.json has a bad "definition.attack" field (expected an AlignScope attack id).',
    );
    expect(() => parseRunJson(edited((j) => delete j.steps[1].l2), 'e.json')).toThrow('The file e.json has a bad "steps[1].l2" field (expected a number).');
    expect(() => parseRunJson(edited((j) => (j.arrays.cleanInput = null)), 'e.json')).toThrow('bad "arrays.cleanInput" field');
    // A NaN loss is written as null by JSON.stringify: still the app's own file.
    expect(parseRunJson(edited((j) => (j.steps[0].loss = null))).json.steps[0].loss).toBeNull();
  });

  it('carries the model\'s preprocessing, reads it back, and still reads files from before it was recorded', () => {
    const preprocessing = {
      inputSize: 2, interpolation: 'bicubic' as const, cropPct: 0.875, normalizationName: 'ImageNet mean/std', source: 'stated',
      normalization: { scale: 1, mean: [0.485, 0.456, 0.406] as [number, number, number], std: [0.229, 0.224, 0.225] as [number, number, number] },
    };
    const json = buildRunJson({ ...buildInput(), inputs: { ...inputs, preprocessing } });
    expect(json.preprocessing).toEqual({
      inputSize: 2, interpolation: 'bicubic', cropPct: 0.875, source: 'stated',
      normalization: { name: 'ImageNet mean/std', scale: 1, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    });
    expect(preprocessingFromJson(parseRunJson(JSON.stringify(json)).json.preprocessing)).toEqual(preprocessing);
    expect(build().preprocessing).toBeNull();
    const old = parseRunJson(edited((j) => delete j.preprocessing));
    expect(preprocessingFromJson(old.json.preprocessing)).toBeUndefined();
    const broken = { ...json, preprocessing: { ...json.preprocessing!, interpolation: 'nearest' } };
    expect(() => parseRunJson(JSON.stringify(broken), 'p.json')).toThrow('The file p.json has a bad "preprocessing" field');
  });

  it('rejects arrays whose sizes do not match the clean input or the model', () => {
    expect(() => parseRunJson(edited((j) => (j.arrays.humanMap.shape = [4, 1])), 'f.json')).toThrow(
      new RunJsonError('The human map in f.json has the shape [4, 1], not [2, 2] as the clean input.'),
    );
    expect(() => parseRunJson(edited((j) => (j.arrays.perturbation.shape = [1, 4, 3])), 'f.json')).toThrow(
      'The perturbation in f.json has the shape [1, 4, 3], not the clean input\'s [2, 2, 3].',
    );
    expect(() => parseRunJson(edited((j) => (j.arrays.cleanInput.shape = [1, 4, 3])), 'f.json')).toThrow(
      'The clean input in f.json has the shape [1, 4, 3]; a model input is [size, size, 3].',
    );
    expect(() => parseRunJson(edited((j) => (j.definition.modelId = 'mobilenet_v1_0.25_224')), 'f.json')).toThrow(
      "The clean input in f.json is 2×2, but the run's model mobilenet_v1_0.25_224 takes 224×224.",
    );
    // A shape that disagrees with the data's own length (3 values short), and data that is not base64.
    expect(() => parseRunJson(edited((j) => (j.arrays.humanMap.base64 = 'AAAAAA==')), 'f.json')).toThrow(
      new RunJsonError('The human map in f.json holds 1 values but its shape [2, 2] says 4.'),
    );
    expect(() => parseRunJson(edited((j) => (j.arrays.perturbation.base64 = '@@not base64@@')), 'f.json')).toThrow(
      new RunJsonError('The perturbation in f.json is not valid base64 text.'),
    );
  });
});
