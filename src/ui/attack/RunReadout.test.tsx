// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { RunResult } from '../../core/attacks/types';
import { runStore, type RecordedStep } from '../state/runStore';
import { RunReadout } from './RunReadout';
import { Timeline } from './Timeline';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const delta = { data: new Float32Array(3), width: 1, height: 1, channels: 3 as const, full: true };
const step = (i: number, adv: boolean, mean: number | null): RecordedStep => ({
  step: i, totalSteps: 2, l2: 0.1 * i, linf: 0.01 * i, eps: null, loss: 0, margin: adv ? 1 : -1, isAdversarial: adv,
  predicted: adv ? 5 : 3, bestL2: adv ? 0.1 * i : null, gradEvals: i + 1, top5: [], alignment: { mean, max: null }, delta,
});

let root: Root | null = null;
function render(node: React.ReactNode): HTMLElement {
  const el = document.body.appendChild(document.createElement('div'));
  root = createRoot(el);
  act(() => root!.render(node));
  return el;
}
const text = (el: HTMLElement, id: string) => el.querySelector(`[data-testid="${id}"]`)!.textContent;

afterEach(() => {
  act(() => root?.unmount());
  runStore.getState().reset();
  document.body.innerHTML = '';
});

describe('run readout and timeline', () => {
  it('show the automation contract values of a finished run and follow the timeline', () => {
    const s = runStore.getState();
    s.begin({
      runId: 1,
      config: { attack: 'fmn', steps: 2, readout: '1000-class', seed: 0, previewSize: 0 },
      inputs: { size: 1, clean: new Float32Array(3), humanMap: null, humanMapSource: 'none', cleanTop5: [], label: 3, labelName: String },
      environment: { backend: 'cpu', adapter: '', modelName: 'm', imageName: 'i' },
      now: 0,
    });
    const el = render(
      <>
        <RunReadout />
        <Timeline />
      </>,
    );
    expect(text(el, 'run-status')).toBe('running');
    expect(text(el, 'alignment')).toBe('undefined');
    act(() => {
      s.addStep(step(0, false, null), 1000);
      s.addStep(step(1, true, 0.25), 2000);
      s.addStep(step(2, true, 0.5), 3000);
      s.finish({ success: true, l2: 0.2, linf: 0.02, advImagenetClass: 5, gradEvals: 3 } as RunResult, { mean: 0.5, max: null }, 3000);
    });
    expect(text(el, 'run-status')).toBe('done');
    expect(text(el, 'run-success')).toBe('true');
    expect(text(el, 'run-l2')).toBe('0.2');
    expect(text(el, 'run-linf')).toBe('0.02');
    expect(text(el, 'run-steps')).toBe('3');
    expect(text(el, 'run-adv-label')).toBe('class 5');
    // Done shows the best step (the last adversarial with the best norm): step 2, ρ 0.5.
    expect(text(el, 'timeline-step')).toBe('step 2 / 2');
    expect(text(el, 'alignment')).toBe('0.500');
    act(() => runStore.getState().showStep(0));
    expect(text(el, 'timeline-step')).toBe('step 0 / 2');
    expect(text(el, 'alignment')).toBe('undefined');
    act(() => runStore.getState().setDivideByCeiling(true));
    act(() => runStore.getState().showStep(1));
    expect(text(el, 'alignment')).toBe((0.25 / 0.65753).toFixed(3));
  });

  it('the timeline answers space, arrows, Home and End while nothing else has the focus', () => {
    const s = runStore.getState();
    s.restore({
      definition: s.definition, status: 'done', config: null, environment: null, result: null, resultAlignment: null,
      startedAt: null, finishedAt: null, rate: 0, error: null,
      inputs: { size: 1, clean: new Float32Array(3), humanMap: null, humanMapSource: 'none', cleanTop5: [], label: 3, labelName: String },
      steps: [step(0, false, null), step(1, true, 0.25), step(2, true, 0.5)],
    });
    const el = render(<Timeline />);
    const key = (k: string) => act(() => void window.dispatchEvent(new KeyboardEvent('keydown', { key: k, cancelable: true })));
    key('Home');
    expect(text(el, 'timeline-step')).toBe('step 0 / 2');
    key('ArrowRight');
    expect(text(el, 'timeline-step')).toBe('step 1 / 2');
    key('End');
    key('ArrowRight');
    expect(text(el, 'timeline-step')).toBe('step 2 / 2');
    key('ArrowLeft');
    expect(text(el, 'timeline-step')).toBe('step 1 / 2');
    key(' ');
    expect(runStore.getState().playing).toBe(true);
    key(' ');
    expect(runStore.getState().playing).toBe(false);
    // A focused control keeps its keys: the speed menu's arrows are its own.
    (el.querySelector('select') as HTMLSelectElement).focus();
    key('Home');
    expect(text(el, 'timeline-step')).toBe('step 1 / 2');
  });
});
