import { BACKEND_NAMES, type BackendName } from '../../worker/protocol';
import { useSession } from '../state/sessionStore';

const DISPLAY: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/**
 * Always shows which backend and adapter compute the numbers (data-testid="backend" holds the bare
 * name, e.g. "webgpu"), and lets the user force one.
 */
export function BackendBadge({ onForce }: { onForce: (backend: BackendName | null) => void }) {
  const status = useSession((s) => s.status);
  const forced = useSession((s) => s.forcedBackend);
  return (
    <div className="backend">
      <span
        className={`badge ${status?.fellBack ? 'badge-warn' : ''}`}
        title={status?.reasons.join(' ') || 'The TensorFlow.js backend that runs the model'}
      >
        <span className="badge-dot" aria-hidden="true" />
        {status ? (
          <>
            <span className="sr-only">Backend: </span>
            <span className="badge-name" data-testid="backend">
              {status.backend}
            </span>
            {status.adapter && <span className="badge-adapter"> · {status.adapter}</span>}
            {status.fellBack && <span className="badge-adapter"> (fallback)</span>}
          </>
        ) : (
          <span>starting…</span>
        )}
      </span>
      <label className="compact">
        <span className="sr-only">Force a backend</span>
        <select
          aria-label="Force a backend"
          value={forced ?? ''}
          onChange={(e) => onForce((e.target.value || null) as BackendName | null)}
        >
          <option value="">auto</option>
          {BACKEND_NAMES.map((b) => (
            <option key={b} value={b}>
              {DISPLAY[b]}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
