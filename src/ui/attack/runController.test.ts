import { beforeEach, describe, expect, it } from 'vitest';
import type { AttackConfig, DeltaImage, RunResult, StepReport } from '../../core/attacks/types';
import type { StepAlignment } from '../../core/metrics/stepAligner';
import type { ModelInfo } from '../../core/models/types';
import { sessionStore } from '../state/sessionStore';
import { createRunStore, type RunStore } from '../state/runStore';
import { RunController, RunStartError } from './runController';

const size = 2;
const human = new Float32Array([0, 0.2, 0.5, 1]);
// |mean δ| ranks like the human map: ρ = 1 if anyone on this side computed it. The worker's
// alignments below are deliberately other numbers, so the tests see whose values are recorded.
const aligned = new Float32Array([0.01, 0.01, 0.01, 0.02, 0.02, 0.02, 0.03, 0.03, 0.03, 0.04, 0.04, 0.04]);
const none: StepAlignment = { mean: null, max: null };
const deltaImage = (data: Float32Array) => ({ data, width: size, height: size, channels: 3 as const, full: true });

function report(step: number, adv: boolean, data = aligned): StepReport {
  return {
    step, totalSteps: 3, l2: 0.1 * (3 - step), linf: 0.04, loss: adv ? 1 : -1, margin: adv ? 1 : -1,
    isAdversarial: adv, predicted: adv ? 2 : 1, bestL2: adv ? 0.1 : null, gradEvals: step + 1,
    top5: [{ classIndex: 1, prob: 0.5 }], delta: deltaImage(data),
  };
}

interface Started {
  config: AttackConfig;
  humanMap?: Float32Array;
  onStep?: (r: StepReport, a: StepAlignment) => void;
  resolve: (r: RunResult, a: StepAlignment | null) => void;
  reject: (e: Error) => void;
}

/** The worker client as the controller sees it: runs and align requests answer when the test says. */
class FakeClient {
  started: Started[] = [];
  cancelled: number[] = [];
  aligns: { humanMap: Float32Array; deltas: DeltaImage[]; answer: (a: StepAlignment[]) => void }[] = [];
  startAttack(config: AttackConfig, onStep?: (r: StepReport, a: StepAlignment) => void, humanMap?: Float32Array) {
    let resolve!: (r: RunResult, a: StepAlignment | null) => void;
    let reject!: (e: Error) => void;
    const outcome = new Promise<[RunResult, StepAlignment | null]>((res, rej) => {
      resolve = (r, a) => res([r, a]);
      reject = rej;
    });
    this.started.push({ config, humanMap, onStep, resolve, reject });
    const resultAlignment = outcome.then(([, a]) => a);
    resultAlignment.catch(() => {});
    return { runId: 100 + this.started.length, result: outcome.then(([r]) => r), resultAlignment };
  }
  align(humanMap: Float32Array, deltas: DeltaImage[]) {
    return new Promise<StepAlignment[]>((answer) => this.aligns.push({ humanMap, deltas, answer }));
  }
  async cancel(runId: number) {
    this.cancelled.push(runId);
    const err = Object.assign(new Error('cancelled'), { code: 'cancelled' });
    this.started[runId - 101].reject(err);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('run controller', () => {
  let run: RunStore;
  let client: FakeClient;
  let controller: RunController;
  let drawn: Float32Array | null;
  let t: number;

  beforeEach(() => {
    sessionStore.getState().reset();
    run = createRunStore();
    client = new FakeClient();
    drawn = null;
    t = 0;
    controller = new RunController({
      client, session: sessionStore, run, drawnMap: () => drawn, labelName: (i) => `c${i}`, now: () => (t += 500),
    });
  });

  function readySession(heatmap?: Float32Array) {
    const s = sessionStore.getState();
    s.setModel({ id: 'm', name: 'Model', inputSize: size } as ModelInfo, 'm');
    s.setImage({ id: 'img', name: 'Image', kind: 'photo', displayUrl: '', image: { width: 2, height: 2, channels: 3, data: new Float32Array(12) } });
    s.setModelInput({ imageId: 'img', size, pixels: new Float32Array(12).fill(0.5), heatmap });
    s.setPredictions([{ classIndex: 1, prob: 0.9, logit: 3 }, { classIndex: 2, prob: 0.1, logit: 1 }]);
  }

  /** Starts a run and feeds it steps as the worker would send them (report, the worker's alignment). */
  function startWith(...steps: [StepReport, StepAlignment][]): Started {
    controller.start();
    const started = client.started[client.started.length - 1];
    for (const [r, a] of steps) started.onStep!(r, a);
    return started;
  }

  it('records how the clean input was made, for the run JSON', () => {
    readySession();
    const preprocessing = {
      inputSize: size, interpolation: 'bicubic' as const, cropPct: 0.9, normalizationName: '[0,1]', source: 'stated',
      normalization: { scale: 1, mean: [0, 0, 0] as [number, number, number], std: [1, 1, 1] as [number, number, number] },
    };
    sessionStore.getState().setModelInput({ imageId: 'img', size, pixels: new Float32Array(12).fill(0.5), preprocessing });
    controller.start();
    expect(run.getState().inputs!.preprocessing).toEqual(preprocessing);
  });

  it('refuses to start before the session is ready', () => {
    expect(() => controller.start()).toThrow(RunStartError);
    expect(run.getState().status).toBe('idle');
  });

  it('runs with the definition, sends a copy of the human map and records the worker\'s alignments', async () => {
    readySession(human);
    run.getState().setDefinition({ attack: 'fmn', steps: 3 });
    controller.start();
    const { config, humanMap, onStep, resolve } = client.started[0];
    expect(config).toMatchObject({ attack: 'fmn', steps: 3, label: 1, previewSize: 0, readout: '1000-class' });
    expect(run.getState().definition).toMatchObject({ imageId: 'img', modelId: 'm' });
    // The worker takes ownership of the map it is sent; the run keeps its own.
    expect(humanMap).not.toBe(human);
    expect(Array.from(humanMap!)).toEqual(Array.from(human));
    expect(run.getState().inputs!.humanMap).toBe(human);
    onStep!(report(0, false, new Float32Array(12)), none);
    onStep!(report(1, true), { mean: 0.25, max: -0.5 });
    onStep!(report(2, true), { mean: 0.5, max: 0.125 });
    expect(run.getState().steps.map((s) => s.alignment)).toEqual([none, { mean: 0.25, max: -0.5 }, { mean: 0.5, max: 0.125 }]);
    expect(run.getState().inputs!.humanMapSource).toBe('clickme');
    resolve({ success: true, bestDelta: deltaImage(aligned), l2: 0.1 } as RunResult, { mean: 0.75, max: 0.375 });
    await tick();
    expect(run.getState().status).toBe('done');
    expect(run.getState().resultAlignment).toEqual({ mean: 0.75, max: 0.375 });
    expect(run.getState().shownStep).toBe(2);
  });

  it('sends no human map without one', () => {
    readySession();
    controller.start();
    expect(client.started[0].humanMap).toBeUndefined();
    expect(run.getState().inputs!.humanMapSource).toBe('none');
  });

  it('realigns through the worker with copies, and applies the answer when it arrives', async () => {
    readySession();
    const { resolve } = startWith([report(0, false, new Float32Array(12)), none], [report(1, true), none]);
    const best = deltaImage(aligned.map((v) => 2 * v));
    resolve({ success: true, bestDelta: best, l2: 0.1 } as RunResult, none);
    await tick();

    drawn = human;
    const done = controller.realign();
    const [request] = client.aligns;
    expect(Array.from(request.humanMap)).toEqual(Array.from(human));
    expect(request.humanMap).not.toBe(human);
    // Every step's δ, then the best δ; copies, since the timeline keeps replaying its own.
    const steps = run.getState().steps;
    expect(request.deltas.map((d) => Array.from(d.data))).toEqual([...steps.map((s) => Array.from(s.delta!.data)), Array.from(best.data)]);
    request.deltas.forEach((d, i) => expect(d.data).not.toBe(i < steps.length ? steps[i].delta!.data : best.data));
    // Nothing changes until the worker answers.
    expect(run.getState().inputs!.humanMapSource).toBe('none');

    request.answer([none, { mean: 0.5, max: 0.25 }, { mean: 0.75, max: 1 }]);
    await done;
    expect(run.getState().steps.map((s) => s.alignment)).toEqual([none, { mean: 0.5, max: 0.25 }]);
    expect(run.getState().resultAlignment).toEqual({ mean: 0.75, max: 1 });
    expect(run.getState().inputs).toMatchObject({ humanMap: human, humanMapSource: 'user-drawn' });
  });

  it('drops a realign answer that arrives after another run started', async () => {
    readySession();
    startWith([report(0, true), none]);
    drawn = human;
    const done = controller.realign();
    drawn = null;
    startWith([report(0, true), { mean: -0.25, max: -0.125 }]);
    client.aligns[0].answer([{ mean: 1, max: 1 }]);
    await done;
    expect(run.getState().runId).toBe(102);
    expect(run.getState().steps.map((s) => s.alignment)).toEqual([{ mean: -0.25, max: -0.125 }]);
    expect(run.getState().inputs!.humanMapSource).toBe('none');
  });

  it('clearing the map empties the alignments at once, and an older answer no longer applies', async () => {
    readySession();
    startWith([report(0, true), none]);
    drawn = human;
    const first = controller.realign();
    drawn = null;
    await controller.realign();
    expect(client.aligns).toHaveLength(1);
    client.aligns[0].answer([{ mean: 1, max: 1 }]);
    await first;
    expect(run.getState().steps[0].alignment).toEqual(none);
    expect(run.getState().inputs).toMatchObject({ humanMap: null, humanMapSource: 'none' });
  });

  it('a map drawn during a run re-scores the steps so far, and every step again when the run ends', async () => {
    readySession();
    const { onStep, resolve } = startWith([report(0, false, new Float32Array(12)), none]);
    drawn = human;
    const mid = controller.realign();
    expect(client.aligns[0].deltas).toHaveLength(1);
    client.aligns[0].answer([none]);
    await mid;
    expect(run.getState().inputs!.humanMapSource).toBe('user-drawn');
    // The worker goes on scoring against the map the run started with (none here).
    onStep!(report(1, true), none);
    resolve({ success: true, bestDelta: deltaImage(aligned), l2: 0.1 } as RunResult, none);
    await tick();
    expect(client.aligns).toHaveLength(2);
    expect(client.aligns[1].deltas).toHaveLength(3);
    client.aligns[1].answer([none, { mean: 0.5, max: 0.25 }, { mean: 0.75, max: 1 }]);
    await tick();
    expect(run.getState().steps.map((s) => s.alignment)).toEqual([none, { mean: 0.5, max: 0.25 }]);
    expect(run.getState().resultAlignment).toEqual({ mean: 0.75, max: 1 });

    // The next run's map does not change: nothing is re-scored after it.
    startWith([report(0, true), { mean: 0.25, max: 0.25 }]).resolve({ success: true, bestDelta: deltaImage(aligned), l2: 0.1 } as RunResult, none);
    await tick();
    expect(client.aligns).toHaveLength(2);
  });

  it('leaves a run without every step\'s δ (opened from a run JSON) with the alignments it came with', async () => {
    readySession();
    drawn = human;
    const kept = { mean: 0.5, max: 0.25 };
    const { delta: _unused, ...numbers } = report(0, true);
    run.getState().restore({
      definition: run.getState().definition, status: 'done', config: null, environment: null, result: null, resultAlignment: kept,
      startedAt: null, finishedAt: null, rate: 0, error: null,
      inputs: { size, clean: new Float32Array(12), humanMap: null, humanMapSource: 'none', cleanTop5: [], label: 1, labelName: String },
      steps: [{ ...numbers, eps: null, alignment: kept, delta: null }],
    });
    const before = run.getState();
    await controller.realign();
    expect(client.aligns).toHaveLength(0);
    expect(run.getState()).toBe(before);
  });

  it('cancels, ignores late steps, and reports failures as full sentences', async () => {
    readySession(human);
    controller.start();
    await controller.cancel();
    expect(client.cancelled).toEqual([101]);
    client.started[0].onStep!(report(0, false), none);
    await tick();
    expect(run.getState()).toMatchObject({ status: 'cancelled', steps: [] });

    controller.start();
    client.started[1].reject(Object.assign(new Error('The model has no gradient path.'), { code: 'attack' }));
    await tick();
    expect(run.getState()).toMatchObject({ status: 'failed', error: 'The model has no gradient path.' });
  });

  it('refuses a target equal to the attacked class', () => {
    readySession(human);
    run.getState().setDefinition({ target: 1 });
    expect(() => controller.start()).toThrow('The target class 1 is the class being attacked; pick another target or none.');
  });
});
