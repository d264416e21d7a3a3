import { useState, type DragEvent } from 'react';
import { PROTOCOLS } from '../../core/attacks/protocols';
import { FileDrop } from '../gallery/FileDrop';
import { rerunHref } from '../export/openRunJson';
import { RunJsonError } from '../export/runJson';
import { useRun } from '../state/runStore';
import { ATTACK_SPECS } from './attackSpecs';
import { runJsonOpener } from './runContext';

/**
 * Opening a run JSON someone exported: a file picker beside the exports, the visualiser as a drop
 * target, one line for a file that cannot be opened, and the banner over an opened run.
 */

/** The open action and its error line, shared by the picker and the drop target. */
export function useRunJsonOpening() {
  const [error, setError] = useState<string | null>(null);
  const open = async (file: File) => {
    try {
      if (!/\.json$/i.test(file.name)) throw new RunJsonError(`${file.name} is not a run JSON; open a .json file exported by AlignScope.`);
      runJsonOpener.open(await file.text(), file.name);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const dropTarget = {
    onDragOver: (e: DragEvent) => {
      if (e.dataTransfer.types.includes('Files')) e.preventDefault();
    },
    onDrop: (e: DragEvent) => {
      const file = e.dataTransfer.files[0];
      if (!file) return;
      e.preventDefault();
      void open(file);
    },
  };
  return { error, open, dropTarget };
}

export function OpenRunJsonPanel({ error, onFile }: { error: string | null; onFile(file: File): void }) {
  return (
    <section className="panel open-run" aria-labelledby="open-run-title">
      <h2 id="open-run-title">Open a run</h2>
      <FileDrop
        label="Open run JSON…"
        hint="or drop it on the pictures"
        accept=".json,application/json"
        testId="open-run-json"
        onFiles={(files) => onFile(files[0])}
      />
      {error && (
        <p className="run-error" role="alert" data-testid="open-run-json-error">
          {error}
        </p>
      )}
      <p className="muted small">An exported run is shown read-only: its numbers, final δ and human map, as they were where it ran.</p>
    </section>
  );
}

export function OpenedRunBanner({ onClose }: { onClose(): void }) {
  const opened = useRun((s) => s.opened);
  const env = useRun((s) => s.environment);
  if (!opened) return null;
  const def = opened.definition;
  const exported = new Date(opened.createdAt);
  return (
    <div className="banner banner-notice opened-run" role="status" data-testid="opened-run-banner">
      <span className="banner-icon" aria-hidden="true">
        i
      </span>
      <div className="opened-run-text">
        <p>
          <strong>Opened from {opened.fileName} — not run here.</strong> It ran on{' '}
          <span data-testid="opened-run-backend">{env?.backend ?? 'unknown'}</span>
          {env?.adapter ? ` (${env.adapter})` : ''}
          {Number.isNaN(exported.getTime()) ? '' : `, exported ${exported.toLocaleString()}`}.
        </p>
        <p className="small">
          {env?.modelName ?? def.modelId ?? 'model'} · {env?.imageName ?? def.imageId ?? 'image'} · {PROTOCOLS[def.protocol].label} ·{' '}
          {ATTACK_SPECS[def.attack].label} · {def.steps} steps
        </p>
        <p className="small">
          The file keeps every step’s numbers but δ of the best step only: the other steps show numbers only.
        </p>
      </div>
      <div className="opened-run-actions">
        <a className="button-link" href={rerunHref(opened.url, def, `${location.origin}${location.pathname}`)} data-testid="rerun-opened">
          Re-run here
        </a>
        <button type="button" className="secondary" onClick={onClose} data-testid="close-opened-run">
          Close
        </button>
      </div>
    </div>
  );
}
