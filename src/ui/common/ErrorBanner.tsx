import { useState } from 'react';
import { fallbackNotice, useSession } from '../state/sessionStore';

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

/** The backend fallback (while it lasts) and other things worth knowing that are not failures. */
export function Notices() {
  const notices = useSession((s) => s.notices);
  const fallback = useSession((s) => fallbackNotice(s.status));
  const dismiss = useSession((s) => s.dismissNotice);
  const [hideFallback, setHideFallback] = useState<string | null>(null);
  const shown = [
    ...(fallback && fallback !== hideFallback ? [{ text: fallback, onDismiss: () => setHideFallback(fallback) }] : []),
    ...notices.map((text, i) => ({ text, onDismiss: () => dismiss(i) })),
  ];
  if (!shown.length) return null;
  return (
    <div className="notices" role="status" data-testid="notices">
      {shown.map((n) => (
        <div className="banner banner-notice" key={n.text}>
          <span className="banner-icon" aria-hidden="true">i</span>
          <p>{n.text}</p>
          <button type="button" className="ghost" onClick={n.onDismiss} aria-label="Dismiss the notice">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
