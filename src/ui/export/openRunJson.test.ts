import { beforeEach, describe, expect, it } from 'vitest';
import type { AttackConfig, RunResult } from '../../core/attacks/types';
import { createRunStore, type RecordedStep, type RunInputs, type RunStore } from '../state/runStore';
import { RunJsonOpener, rerunHref, runJsonToSnapshot } from './openRunJson';
import { DEFAULT_RUN_DEFINITION, type RunDefinition } from './runDefinition';
import { RunJsonError, buildRunJson, parseRunJson } from './runJson';

const size = 2;
const clean = new Float32Array([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 0.5]);
// 3-4-0 pattern: ‖δ‖₂ = 0.5 exactly, ‖δ‖∞ = 0.4.
const best = { data: new Float32Array([0.3, 0, 0, 0, -0.4, 0, 0, 0, 0, 0, 0, 0]), height: size, width: size, channels: 3 as const, full: true };
const other = { ...best, data: new Float32Array(12).fill(0.2) };
const humanMap = new Float32Array([0, 0.25, 0.5, 1]);
const inputs: RunInputs = {
  size, clean, humanMap, humanMapSource: 'clickme', label: 281, labelName: (i) => `class ${i}`,
  cleanTop5: [{ classIndex: 281, prob: 0.75 }, { classIndex: 282, prob: 0.125 }],
};
const step = (i: number, l2: number, adv: boolean, bestL2: number | null, mean: number | null, delta = other): RecordedStep => ({
  step: i, totalSteps: 2, l2, linf: l2 / 2, eps: 0.6 - 0.1 * i, loss: adv ? 0.5 : -1, margin: adv ? 0.5 : -1, isAdversarial: adv,
  predicted: adv ? 282 : 281, bestL2, gradEvals: i + 1, top5: [], alignment: { mean, max: mean === null ? null : mean / 2 }, delta,
});
// Step 1 is the best adversarial; step 2 is adversarial with a larger norm, so the best stays 0.5.
const steps = [step(0, 0, false, null, null), step(1, 0.5, true, 0.5, 0.4, best), step(2, 0.6, true, 0.5, 0.25)];
const result = {
  attack: 'fmn', readout: '1000-class', label: 281, success: true, bestDelta: best, l2: 0.5, linf: 0.4,
  advClass: 282, advImagenetClass: 282, gradEvals: 3, steps: 2, wallMs: 1500,
} as RunResult;
// A catalogue model would need a 224×224 input; this run's model is someone's own.
const definition: RunDefinition = { ...DEFAULT_RUN_DEFINITION, imageId: 'chelsea', modelId: 'my-model', steps: 2, convention: 'max', divideByCeiling: true };

function runJson(over: { result?: RunResult | null } = {}) {
  return buildRunJson({ ...runJsonArgs(), result: over.result === undefined ? result : over.result });
}
function runJsonArgs(): Parameters<typeof buildRunJson>[0] {
  return {
    definition, status: 'done', inputs, environment: { backend: 'webgl', adapter: 'ANGLE (test)', modelName: 'My model', imageName: 'Chelsea' },
    steps, result, resultAlignment: { mean: 0.4, max: 0.2 },
    convention: 'max', divideByCeiling: true, baseUrl: 'https://elsewhere.example/alignscope/', userAgent: 'test agent',
    now: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
  };
}
const text = (over?: { result?: RunResult | null }) => JSON.stringify(runJson(over));
const labelName = (i: number) => `label ${i}`;

describe('a run JSON as the run store snapshot', () => {
  it('gives back every step\'s numbers, the final metrics and the arrays', () => {
    const { snapshot, convention, divideByCeiling } = runJsonToSnapshot(parseRunJson(text(), 'run.json'), 'run.json', labelName);
    const got = snapshot.steps;
    expect(got.map((s) => s.step)).toEqual([0, 1, 2]);
    expect(got.map((s) => s.l2)).toEqual([0, 0.5, 0.6]);
    expect(got.map((s) => s.linf)).toEqual([0, 0.25, 0.3]);
    expect(got.map((s) => s.margin)).toEqual([-1, 0.5, 0.5]);
    expect(got.map((s) => s.bestL2)).toEqual([null, 0.5, 0.5]);
    expect(got.map((s) => s.isAdversarial)).toEqual([false, true, true]);
    expect(got.map((s) => s.alignment)).toEqual([{ mean: null, max: null }, { mean: 0.4, max: 0.2 }, { mean: 0.25, max: 0.125 }]);
    expect(snapshot.result).toMatchObject({ success: true, l2: 0.5, linf: 0.4, advImagenetClass: 282, gradEvals: 3, wallMs: 1500 });
    expect(snapshot.resultAlignment).toEqual({ mean: 0.4, max: 0.2 });
    expect(snapshot.status).toBe('done');
    expect([convention, divideByCeiling]).toEqual(['max', true]);
    // Only the best step has δ (the file's perturbation); ‖δ‖₂ is the final L2.
    expect(got.map((s) => s.delta === null)).toEqual([true, false, true]);
    const d = got[1].delta!.data;
    expect(Math.sqrt(d.reduce((a, v) => a + v * v, 0))).toBeCloseTo(0.5, 6);
    expect(snapshot.result!.bestDelta!.data).toBe(d);
    expect(snapshot.inputs).toMatchObject({ size, label: 281, humanMapSource: 'clickme', cleanTop5: inputs.cleanTop5 });
    expect(Array.from(snapshot.inputs!.clean)).toEqual(Array.from(clean));
    expect(Array.from(snapshot.inputs!.humanMap!)).toEqual([0, 0.25, 0.5, 1]);
    expect(snapshot.environment).toEqual({ backend: 'webgl', adapter: 'ANGLE (test)', modelName: 'My model', imageName: 'Chelsea' });
    expect(snapshot.config).toMatchObject({ attack: 'fmn', steps: 2, label: 281 });
    expect(snapshot.opened).toMatchObject({ fileName: 'run.json', createdAt: '2026-01-02T03:04:05.000Z', userAgent: 'test agent', definition });
    expect(snapshot.rate).toBe(2); // 3 points in 1.5 s
  });

  it('keeps the ensemble\'s phases: the id in the file, index and count rebuilt from their order', () => {
    const phased = steps.map((s, i) => ({ ...s, phase: { index: i === 0 ? 0 : 1, id: i === 0 ? ('fmn' as const) : ('ddn' as const), count: 2 } }));
    const json = buildRunJson({ ...runJsonArgs(), steps: phased });
    expect(json.steps.map((s) => s.phase)).toEqual(['fmn', 'ddn', 'ddn']);
    const { snapshot } = runJsonToSnapshot(parseRunJson(JSON.stringify(json), 'run.json'), 'run.json', labelName);
    expect(snapshot.steps.map((s) => s.phase)).toEqual(phased.map((s) => s.phase));
    const bad = JSON.stringify({ ...json, steps: json.steps.map((s) => ({ ...s, phase: 'pgd' })) });
    expect(() => parseRunJson(bad, 'run.json')).toThrow(/steps\[0\]\.phase/);
  });

  it('keeps an unsuccessful run without any δ', () => {
    const failed = { ...result, success: false, bestDelta: null, l2: null, linf: null };
    const { snapshot } = runJsonToSnapshot(parseRunJson(text({ result: failed })), 'x.json', labelName);
    expect(snapshot.steps.every((s) => s.delta === null)).toBe(true);
    expect(snapshot.result).toMatchObject({ success: false, l2: null, bestDelta: null });
  });

  it('re-runs on this page with the file\'s definition', () => {
    const json = runJson();
    expect(rerunHref(json.url, definition, 'http://localhost:5173/')).toBe(
      `http://localhost:5173/?${new URL(json.url).searchParams.toString()}&run=1`,
    );
    expect(rerunHref(json.url, definition, 'http://localhost:5173/')).toContain('image=chelsea&model=my-model&protocol=interactive&attack=fmn&steps=2');
    expect(rerunHref('not a url', { ...definition, steps: 7 }, 'http://h/')).toMatch(/^http:\/\/h\/\?image=chelsea&model=my-model&.*steps=7&.*&run=1$/);
  });
});

describe('opening run JSON files into the run store', () => {
  let store: RunStore;
  let opener: RunJsonOpener;
  const config = { attack: 'ddn', steps: 4, readout: '1000-class', seed: 0, previewSize: 0 } as AttackConfig;

  /** The user's own finished run: one step, ddn, mean convention. */
  function ownRun() {
    const s = store.getState();
    s.begin({ runId: 3, config, inputs, environment: { backend: 'cpu', adapter: '', modelName: 'm', imageName: 'i' }, now: 0 });
    s.addStep(step(0, 0.9, true, 0.9, 0.1), 10);
    s.finish({ ...result, l2: 0.9 }, { mean: 0.1, max: 0.05 }, 20);
  }

  beforeEach(() => {
    store = createRunStore();
    opener = new RunJsonOpener(store, labelName);
  });

  it('shows the file as a finished run on its best step, and closing puts the own run back', () => {
    ownRun();
    const own = store.getState();
    opener.open(text(), 'run.json');
    const s = store.getState();
    expect(s.opened?.fileName).toBe('run.json');
    expect(s.status).toBe('done');
    expect(s.runId).toBeNull();
    expect(s.shownStep).toBe(1);
    expect(s.result!.l2).toBe(0.5);
    expect([s.convention, s.divideByCeiling]).toEqual(['max', true]);

    opener.close();
    const back = store.getState();
    expect(back.opened).toBeNull();
    expect(back.steps).toBe(own.steps);
    expect(back.result).toBe(own.result);
    expect(back.inputs).toBe(own.inputs);
    expect([back.convention, back.divideByCeiling]).toEqual(['mean', false]);
  });

  it('a second file replaces the first, and closing still goes back to the own run', () => {
    ownRun();
    const own = store.getState().steps;
    opener.open(text(), 'a.json');
    opener.open(text({ result: null }), 'b.json');
    expect(store.getState().opened?.fileName).toBe('b.json');
    expect(store.getState().result).toBeNull();
    opener.close();
    expect(store.getState().steps).toBe(own);
  });

  it('a new run leaves the opened file behind', () => {
    opener.open(text(), 'a.json');
    store.getState().begin({ runId: 9, config, inputs, environment: { backend: 'cpu', adapter: '', modelName: 'm', imageName: 'i' }, now: 0 });
    expect(store.getState().opened).toBeNull();
  });

  const good = runJson();
  const variant = (edit: (j: Record<string, unknown> & typeof good) => void) => {
    const j = JSON.parse(JSON.stringify(good));
    edit(j);
    return JSON.stringify(j);
  };
  const bad: [string, string, string][] = [
    ['not JSON', 'The file f.json is not JSON.', '{"format": "alignscope-run",'],
    ['another format', 'The file f.json is not an AlignScope run (its "format" is not "alignscope-run").', '{"format":"other"}'],
    ['a newer version', 'The file f.json is run format version 2; this AlignScope reads up to version 1.', variant((j) => (j.version = 2))],
    ['a missing field', 'The file f.json has no "steps" field.', variant((j) => delete (j as Record<string, unknown>).steps)],
    ['a corrupt base64 array', 'The clean input in f.json is not valid base64 text.', variant((j) => (j.arrays.cleanInput.base64 = '%%%'))],
    ['a short array', 'The perturbation in f.json holds 11 values but its shape [2, 2, 3] says 12.', variant((j) => (j.arrays.perturbation!.base64 = Buffer.from(j.arrays.perturbation!.base64, 'base64').subarray(0, 44).toString('base64')))],
    ['arrays of two sizes', 'The human map in f.json has the shape [1, 1], not [2, 2] as the clean input.', variant((j) => (j.arrays.humanMap = { ...j.arrays.humanMap!, shape: [1, 1], base64: 'AAAAAA==' }))],
  ];
  for (const [what, message, file] of bad) {
    it(`says why it cannot open a file with ${what} and leaves the shown run as it was`, () => {
      ownRun();
      const before = store.getState();
      expect(() => opener.open(file, 'f.json')).toThrow(new RunJsonError(message));
      expect(store.getState()).toBe(before);
    });
  }

  it('does not replace a running attack', () => {
    store.getState().begin({ runId: 4, config, inputs, environment: { backend: 'cpu', adapter: '', modelName: 'm', imageName: 'i' }, now: 0 });
    const before = store.getState();
    expect(() => opener.open(text(), 'r.json')).toThrow('Cancel the running attack before opening r.json; the run would be lost.');
    expect(store.getState()).toBe(before);
  });
});
