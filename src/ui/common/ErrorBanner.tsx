import { useSession } from '../state/sessionStore';

/** The one visible place for failures (data-testid="error"); the previous image and model keep working. */
export function ErrorBanner() {
  const error = useSession((s) => s.error);
  const dismiss = useSession((s) => s.dismissError);
  if (!error) return null;
  return (
    <div className="banner banner-error" role="alert" key={error.seq}>
      <span className="banner-icon" aria-hidden="true">!</span>
      <p data-testid="error">{error.message}</p>
      <button type="button" className="ghost" onClick={dismiss} aria-label="Dismiss the error">
        ×
      </button>
    </div>
  );
}

/** Fallbacks and other things worth knowing that are not failures. */
export function Notices() {
  const notices = useSession((s) => s.notices);
  const dismiss = useSession((s) => s.dismissNotice);
  if (!notices.length) return null;
  return (
    <div className="notices" role="status" data-testid="notices">
      {notices.map((n, i) => (
        <div className="banner banner-notice" key={n}>
          <span className="banner-icon" aria-hidden="true">i</span>
          <p>{n}</p>
          <button type="button" className="ghost" onClick={() => dismiss(i)} aria-label="Dismiss the notice">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
