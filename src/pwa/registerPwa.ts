/// <reference types="vite-plugin-pwa/client" />
import { registerSW } from 'virtual:pwa-register';
import { usePwa } from './pwaStore';

const RELOADED_FOR_ISOLATION = 'alignscope:reloaded-for-isolation';

/**
 * Registers the service worker (production builds only). A new deployment waits until the user
 * accepts the reload the banner offers, so one page never runs two versions' files.
 * On a static host without COOP/COEP, the first visit is not cross-origin isolated: once the
 * service worker controls the page (it adds the headers), one reload makes it isolated.
 */
export function registerPwa(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const updateSW = registerSW({
    onNeedRefresh: () => usePwa.setState({ updateReady: true }),
  });
  usePwa.setState({ applyUpdate: () => void updateSW(true) });

  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (crossOriginIsolated || sessionStorage.getItem(RELOADED_FOR_ISOLATION)) return;
    sessionStorage.setItem(RELOADED_FOR_ISOLATION, '1');
    location.reload();
  });
}
