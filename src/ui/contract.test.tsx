// @vitest-environment jsdom
/**
 * The automation contract's data-testids, rendered from store states: what scripts and the
 * end-to-end tests read must keep its shape (backend name, top-1 label and a probability in [0,1]).
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendBadge } from './common/BackendBadge';
import { ErrorBanner, Notices } from './common/ErrorBanner';
import { Predictions } from './predictions/Predictions';
import { sessionStore } from './state/sessionStore';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root;
let host: HTMLDivElement;
beforeEach(() => {
  sessionStore.getState().reset();
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

const byTestId = (id: string) => host.querySelector(`[data-testid="${id}"]`);

describe('automation contract', () => {
  it('backend holds the bare backend name; the adapter and a fallback are shown beside it', () => {
    act(() => root.render(<BackendBadge onForce={() => {}} />));
    expect(byTestId('backend')).toBeNull();
    act(() =>
      sessionStore.getState().setStatus({ backend: 'webgl', adapter: '', fellBack: true, reasons: ['The webgpu backend could not be used: no adapter.'] }),
    );
    expect(byTestId('backend')?.textContent).toBe('webgl');
    expect(host.textContent).toContain('(fallback)');
  });

  it('top1-label and top1-prob show the first prediction; the probability parses as a number in [0,1]', () => {
    act(() => root.render(<Predictions />));
    expect(byTestId('top1-label')).toBeNull();
    act(() =>
      sessionStore.getState().setPredictions([
        { classIndex: 967, prob: 0.8741, logit: 9.1 },
        { classIndex: 504, prob: 0.05, logit: 6.2 },
      ]),
    );
    // Labels load asynchronously; until then the class index is named.
    expect(byTestId('top1-label')?.textContent).toBe('class 967');
    const prob = Number(byTestId('top1-prob')?.textContent);
    expect(prob).toBeCloseTo(0.874, 3);
    expect(host.querySelectorAll('[data-testid="top1-label"]')).toHaveLength(1);
  });

  it('error shows the latest message until dismissed; notices list fallbacks', () => {
    act(() =>
      root.render(
        <>
          <ErrorBanner />
          <Notices />
        </>,
      ),
    );
    expect(byTestId('error')).toBeNull();
    act(() => sessionStore.getState().showError('The file "x.png" could not be read as an image.'));
    expect(byTestId('error')?.textContent).toBe('The file "x.png" could not be read as an image.');
    act(() => (host.querySelector('button[aria-label="Dismiss the error"]') as HTMLButtonElement).click());
    expect(byTestId('error')).toBeNull();
    act(() => sessionStore.getState().setStatus({ backend: 'webgl', adapter: '', fellBack: true, reasons: ['No WebGPU adapter.'] }));
    expect(byTestId('notices')?.textContent).toContain('Running on WEBGL: No WebGPU adapter.');
    act(() => sessionStore.getState().setStatus({ backend: 'cpu', adapter: '', fellBack: false, reasons: [] }));
    expect(byTestId('notices')).toBeNull();
  });
});
