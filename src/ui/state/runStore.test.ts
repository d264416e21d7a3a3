import { beforeEach, describe, expect, it } from 'vitest';
import type { AttackConfig, RunResult } from '../../core/attacks/types';
import {
  HUMAN_CEILING,
  bestStepIndex,
  createRunStore,
  displayedAlignment,
  firstSuccessIndex,
  type RecordedStep,
  type RunStore,
} from './runStore';

const delta = { data: new Float32Array(3), height: 1, width: 1, channels: 3 as const, full: true };
function step(i: number, l2: number, adv: boolean, bestL2: number | null): RecordedStep {
  return {
    step: i, totalSteps: 4, l2, linf: l2, eps: null, loss: 0, margin: adv ? 1 : -1, isAdversarial: adv, predicted: adv ? 2 : 1,
    bestL2, gradEvals: i + 1, top5: [], alignment: { mean: 0.1 * i, max: null }, delta,
  };
}
const config = { attack: 'fmn', steps: 4, readout: '1000-class', seed: 0, previewSize: 0 } as AttackConfig;
const inputs = {
  size: 1, clean: new Float32Array(3), humanMap: null, humanMapSource: 'none' as const, cleanTop5: [], label: 1,
  labelName: String,
};
const env = { backend: 'cpu', adapter: '', modelName: 'm', imageName: 'i' };

describe('run store', () => {
  let store: RunStore;
  beforeEach(() => {
    store = createRunStore();
  });

  it('records steps with the rate and ends on the best adversarial step', () => {
    store.getState().begin({ runId: 7, config, inputs, environment: env, now: 1000 });
    expect(store.getState().status).toBe('running');
    const steps = [step(0, 0, false, null), step(1, 0.5, true, 0.5), step(2, 0.3, true, 0.3), step(3, 0.4, true, 0.3)];
    steps.forEach((s, i) => store.getState().addStep(s, 1000 + 500 * (i + 1)));
    expect(store.getState().rate).toBe(2); // 4 steps in 2 s
    store.getState().finish({ success: true } as RunResult, { mean: 0.2, max: 0.1 }, 4000);
    const s = store.getState();
    expect(s.status).toBe('done');
    expect(s.shownStep).toBe(2);
    expect(s.rate).toBeCloseTo(4 / 3, 10);
    expect(firstSuccessIndex(s.steps)).toBe(1);
  });

  it('ignores steps that arrive after cancel and clamps the shown step', () => {
    store.getState().begin({ runId: 1, config, inputs, environment: env, now: 0 });
    store.getState().addStep(step(0, 0, false, null), 10);
    store.getState().markCancelled(20);
    store.getState().addStep(step(1, 0.1, false, null), 30);
    expect(store.getState().steps.length).toBe(1);
    expect(store.getState().status).toBe('cancelled');
    store.getState().showStep(99);
    expect(store.getState().shownStep).toBe(0);
    store.getState().showStep(null);
    expect(store.getState().shownStep).toBeNull();
  });

  it('keeps speed in range and resets to idle', () => {
    store.getState().setSpeed(1000);
    expect(store.getState().speed).toBe(120);
    store.getState().setPlaying(true);
    expect(store.getState().playing).toBe(false); // nothing to play
    store.getState().fail('The model failed.', 5);
    expect(store.getState()).toMatchObject({ status: 'failed', error: 'The model failed.' });
    store.getState().setDefinition({ steps: 7 });
    store.getState().setConvention('max');
    store.getState().clearRun();
    expect(store.getState()).toMatchObject({ status: 'idle', error: null, steps: [], convention: 'max' });
    expect(store.getState().definition.steps).toBe(7);
    store.getState().reset();
    expect(store.getState()).toMatchObject({ status: 'idle', error: null, steps: [], speed: 10 });
  });

  it('finds the best step and shows alignment in the chosen convention', () => {
    expect(bestStepIndex([])).toBeNull();
    expect(bestStepIndex([step(0, 0, false, null), step(1, 0.2, false, null)])).toBe(1);
    expect(displayedAlignment({ mean: 0.5, max: null }, 'mean', false)).toBe(0.5);
    expect(displayedAlignment({ mean: 0.5, max: null }, 'mean', true)).toBeCloseTo(0.5 / 0.65753, 12);
    expect(displayedAlignment({ mean: 0.5, max: null }, 'max', true)).toBeNull();
    expect(HUMAN_CEILING).toBe(0.65753);
  });
});
