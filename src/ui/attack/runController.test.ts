import { beforeEach, describe, expect, it } from 'vitest';
import type { AttackConfig, RunResult, StepReport } from '../../core/attacks/types';
import type { ModelInfo } from '../../core/models/types';
import { sessionStore } from '../state/sessionStore';
import { createRunStore, type RunStore } from '../state/runStore';
import { RunController, RunStartError } from './runController';

const size = 2;
const human = new Float32Array([0, 0.2, 0.5, 1]);
// |mean δ| ranks like the human map → ρ = 1.
const aligned = new Float32Array([0.01, 0.01, 0.01, 0.02, 0.02, 0.02, 0.03, 0.03, 0.03, 0.04, 0.04, 0.04]);
const deltaImage = (data: Float32Array) => ({ data, width: size, height: size, channels: 3 as const, full: true });

function report(step: number, adv: boolean, data = aligned): StepReport {
  return {
    step, totalSteps: 3, l2: 0.1 * (3 - step), linf: 0.04, loss: adv ? 1 : -1, margin: adv ? 1 : -1,
    isAdversarial: adv, predicted: adv ? 2 : 1, bestL2: adv ? 0.1 : null, gradEvals: step + 1,
    top5: [{ classIndex: 1, prob: 0.5 }], delta: deltaImage(data),
  };
}

class FakeClient {
  started: { config: AttackConfig; onStep?: (r: StepReport) => void; resolve: (r: RunResult) => void; reject: (e: Error) => void }[] = [];
  cancelled: number[] = [];
  startAttack(config: AttackConfig, onStep?: (r: StepReport) => void) {
    let resolve!: (r: RunResult) => void;
    let reject!: (e: Error) => void;
    const result = new Promise<RunResult>((res, rej) => ((resolve = res), (reject = rej)));
    this.started.push({ config, onStep, resolve, reject });
    return { runId: 100 + this.started.length, result };
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

  it('refuses to start before the session is ready', () => {
    expect(() => controller.start()).toThrow(RunStartError);
    expect(run.getState().status).toBe('idle');
  });

  it('runs with the definition, records aligned steps and finishes on the best step', async () => {
    readySession(human);
    run.getState().setDefinition({ attack: 'fmn', steps: 3 });
    controller.start();
    const { config, onStep, resolve } = client.started[0];
    expect(config).toMatchObject({ attack: 'fmn', steps: 3, label: 1, previewSize: 0, readout: '1000-class' });
    expect(run.getState().definition).toMatchObject({ imageId: 'img', modelId: 'm' });
    onStep!(report(0, false, new Float32Array(12)));
    onStep!(report(1, true));
    onStep!(report(2, true));
    const steps = run.getState().steps;
    expect(steps.map((s) => s.alignment.mean)).toEqual([null, 1, 1]);
    expect(run.getState().inputs!.humanMapSource).toBe('clickme');
    resolve({ success: true, bestDelta: deltaImage(aligned), l2: 0.1 } as RunResult);
    await tick();
    expect(run.getState().status).toBe('done');
    expect(run.getState().resultAlignment!.mean).toBeCloseTo(1, 12);
    expect(run.getState().shownStep).toBe(2);
  });

  it('uses the drawn map when the image has none, and realigns when it changes', async () => {
    readySession();
    controller.start();
    client.started[0].onStep!(report(0, true));
    expect(run.getState().steps[0].alignment).toEqual({ mean: null, max: null });
    drawn = human;
    controller.realign();
    expect(run.getState().steps[0].alignment.mean).toBeCloseTo(1, 12);
    expect(run.getState().inputs!.humanMapSource).toBe('user-drawn');
  });

  it('cancels, ignores late steps, and reports failures as full sentences', async () => {
    readySession(human);
    controller.start();
    await controller.cancel();
    expect(client.cancelled).toEqual([101]);
    client.started[0].onStep!(report(0, false));
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
