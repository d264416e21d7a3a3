import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { SessionController } from './ui/state/sessionController';
import { sessionStore } from './ui/state/sessionStore';
import { loadSamples } from './ui/gallery/samples';
import { readStartParams, writeStartParams } from './ui/urlParams';
import { WorkerClient, type PortLike } from './worker/client';
import { CATALOGUE } from './core/models/catalogue';
import { openUploadStore, type UploadStore } from './ui/storage/uploadStore';
import { fillTimmPreprocessing } from './ui/models/timmPreprocessing';
import { registerPwa } from './pwa/registerPwa';
import './ui/theme.css';

const worker = new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module', name: 'alignscope' });
const client = new WorkerClient(worker as unknown as PortLike);
// A worker that fails to load or crashes answers nothing: say so instead of waiting for timeouts.
worker.addEventListener('error', (e) =>
  sessionStore.getState().showError(`The computation worker failed${e.message ? `: ${e.message}` : ''}. Reload the page to restart it.`, 'internal'),
);
let uploads: Promise<UploadStore> | null = null;
/** The upload store, opened on first use; after a failure the next use tries again (another tab may have let go of it). */
function uploadStore(): Promise<UploadStore> {
  uploads ??= openUploadStore().catch((e: unknown) => {
    uploads = null;
    throw e;
  });
  return uploads;
}
const controller = new SessionController({
  client,
  uploads: uploadStore,
  samples: () => loadSamples(),
  defaultModelId: CATALOGUE[0].id,
  fillPreprocessing: (info) => fillTimmPreprocessing(info),
  isOffline: () => !navigator.onLine,
  writeUrl: (update) => {
    const search = writeStartParams(location.search, update);
    history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App controller={controller} search={location.search} />
  </StrictMode>,
);
void controller.start(readStartParams(location.search));
registerPwa();
