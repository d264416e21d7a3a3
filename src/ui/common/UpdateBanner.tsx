import { usePwa } from '../../pwa/pwaStore';

/** Offered when a new deployment is installed: reloading switches every file at once. */
export function UpdateBanner() {
  const ready = usePwa((s) => s.updateReady);
  const apply = usePwa((s) => s.applyUpdate);
  if (!ready) return null;
  return (
    <div className="banner" role="status" data-testid="update-banner">
      <p>A new version of AlignScope is available. Reload to use it (a running attack stops).</p>
      <button type="button" onClick={apply} data-testid="update-reload">
        Reload
      </button>
    </div>
  );
}
