import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { createRunStore } from '../state/runStore';
import { deleteLastRun, loadLastRun, saveLastRun, snapshotOf } from './runPersistence';

describe('last run persistence', () => {
  it('stores a finished run with its typed arrays and gives it back', async () => {
    const factory = new IDBFactory();
    const store = createRunStore();
    const delta = { data: new Float32Array([0.1, -0.2, 0.3]), width: 1, height: 1, channels: 3 as const, full: true };
    store.getState().begin({
      runId: 1,
      config: { attack: 'fmn', steps: 1, readout: '1000-class', seed: 0, previewSize: 0 },
      inputs: { size: 1, clean: new Float32Array([0.5, 0.5, 0.5]), humanMap: null, humanMapSource: 'none', cleanTop5: [], label: 3, labelName: String },
      environment: { backend: 'cpu', adapter: '', modelName: 'm', imageName: 'i' },
      now: 0,
    });
    store.getState().addStep({ step: 0, totalSteps: 4, l2: 0.37, linf: 0.3, eps: null, loss: 1, margin: 1, isAdversarial: true, predicted: 4, bestL2: 0.37, gradEvals: 1, top5: [], alignment: { mean: null, max: null }, delta }, 10);
    const snap = snapshotOf(store.getState(), 123);
    expect('labelName' in snap.inputs!).toBe(false);
    expect(await loadLastRun(factory)).toBeNull();
    await saveLastRun(snap, factory);
    const back = (await loadLastRun(factory))!;
    expect(back.savedAt).toBe(123);
    expect(back.steps[0].delta!.data).toBeInstanceOf(Float32Array);
    expect(Array.from(back.steps[0].delta!.data)).toEqual(Array.from(delta.data));
    expect(back.inputs!.label).toBe(3);
    await deleteLastRun(factory);
    expect(await loadLastRun(factory)).toBeNull();
  });
});
