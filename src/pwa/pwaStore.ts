import { create } from 'zustand';

interface PwaState {
  /** A new deployment is installed and waits: the banner offers to reload into it. */
  updateReady: boolean;
  /** Switches to the waiting version and reloads the page (set once the service worker is registered). */
  applyUpdate: () => void;
}

export const usePwa = create<PwaState>(() => ({ updateReady: false, applyUpdate: () => undefined }));
