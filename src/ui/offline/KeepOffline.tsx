import { useCallback, useEffect, useMemo, useState } from 'react';
import { modelAssetFiles } from '../../core/assets/modelFiles';
import { catalogueModel } from '../../core/models/catalogue';
import { formatMB, keepOffline, offlineState, openOfflineCache, type OfflineState } from './offlineCache';

const BASE = import.meta.env.BASE_URL ?? '/';

/**
 * "Keep offline" for a catalogue model: its size, how much of it this device holds, and a button that
 * stores the rest (models used once are cached anyway; this makes sure of it before a trip offline).
 */
export function KeepOffline({ modelId }: { modelId: string }) {
  const files = useMemo(() => modelAssetFiles(catalogueModel(modelId)), [modelId]);
  const [state, setState] = useState<OfflineState | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const cache = await openOfflineCache();
    setState(cache ? await offlineState(cache, files, BASE) : null);
  }, [files]);

  useEffect(() => {
    setProblem(null);
    void refresh();
  }, [refresh]);
  // The service worker caches a model while it loads, after this panel first looked: look again until all is held.
  const complete = state !== null && state.cachedFiles === state.files;
  useEffect(() => {
    if (complete || typeof caches === 'undefined') return;
    const timer = setInterval(() => void refresh(), 3000);
    return () => clearInterval(timer);
  }, [complete, refresh]);

  if (!files.length || !state) return null;
  const keep = async () => {
    const cache = await openOfflineCache();
    if (!cache) return;
    setProblem(null);
    setBusy(0);
    try {
      await keepOffline(cache, files, BASE, undefined, () => setBusy((n) => (n ?? 0) + 1));
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(null);
      await refresh();
    }
  };
  return (
    <div className="keep-offline small" data-testid="keep-offline" data-cached-files={state.cachedFiles} data-files={state.files}>
      <span data-testid="offline-state">
        {complete
          ? `Kept offline: all ${state.files} files, ${formatMB(state.bytes)}.`
          : `Offline copy: ${state.cachedFiles} of ${state.files} files (${formatMB(state.cachedBytes)} of ${formatMB(state.bytes)}).`}
      </span>{' '}
      {!complete && (
        <button type="button" className="secondary" disabled={busy !== null} onClick={() => void keep()} data-testid="keep-offline-button">
          {busy !== null ? `Storing ${busy}/${state.files}…` : `Keep offline (${formatMB(state.bytes)})`}
        </button>
      )}
      {problem && (
        <p className="muted" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
