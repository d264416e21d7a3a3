import { beforeEach, describe, expect, it } from 'vitest';
import { fallbackNotice, sessionStore } from './sessionStore';

beforeEach(() => sessionStore.getState().reset());

describe('sessionStore', () => {
  it('words a fallback status as a notice, and a normal one as none', () => {
    expect(fallbackNotice({ backend: 'webgpu', adapter: 'swiftshader (software)', fellBack: false, reasons: [] })).toBeNull();
    expect(fallbackNotice({ backend: 'webgl', adapter: '', fellBack: true, reasons: ['WebGPU has no adapter in this browser.'] })).toBe(
      'Running on WEBGL: WebGPU has no adapter in this browser.',
    );
    expect(fallbackNotice(null)).toBeNull();
  });

  it('counts errors so the same message shown twice is a new error', () => {
    const { showError } = sessionStore.getState();
    showError('The file "x.png" is not an image.', 'image');
    const first = sessionStore.getState().error!;
    showError('The file "x.png" is not an image.', 'image');
    expect(sessionStore.getState().error!.seq).toBe(first.seq + 1);
    sessionStore.getState().dismissError();
    expect(sessionStore.getState().error).toBeNull();
  });

  it('does not repeat a notice and reset restores the initial state', () => {
    const { addNotice, reset, setForcedBackend } = sessionStore.getState();
    addNotice('a');
    addNotice('a');
    setForcedBackend('cpu');
    expect(sessionStore.getState().notices).toEqual(['a']);
    reset();
    expect(sessionStore.getState()).toMatchObject({ notices: [], forcedBackend: null, modelInfo: null, error: null });
  });
});
