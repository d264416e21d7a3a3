// @vitest-environment jsdom
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { expect, it } from 'vitest';
import { usePwa } from '../../pwa/pwaStore';
import { UpdateBanner } from './UpdateBanner';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

it('shows nothing until a new version waits, then reloads into it only when asked', () => {
  const host = document.createElement('div');
  const root = createRoot(host);
  let applied = 0;
  usePwa.setState({ updateReady: false, applyUpdate: () => applied++ });
  act(() => root.render(<UpdateBanner />));
  expect(host.querySelector('[data-testid="update-banner"]')).toBeNull();
  act(() => usePwa.setState({ updateReady: true }));
  expect(host.querySelector('[data-testid="update-banner"]')?.textContent).toMatch(/A new version of AlignScope is available/);
  expect(applied).toBe(0);
  act(() => (host.querySelector('[data-testid="update-reload"]') as HTMLButtonElement).click());
  expect(applied).toBe(1);
  act(() => root.unmount());
});
