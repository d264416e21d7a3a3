import { useEffect, useMemo, useState } from 'react';
import { CATALOGUE } from '../../core/models/catalogue';
import { aggregateByModel, type MeanSe } from '../../core/results/aggregate';
import { remainingJobs } from '../../core/batch/plan';
import { PROTOCOL_IDS, PROTOCOL_LABELS, type ProtocolId } from '../../core/results/types';
import { loadSamples } from '../gallery/samples';
import type { SampleRef } from '../state/sessionController';
import { useBatch } from '../state/batchStore';
import { downloadBlob } from '../export/download';
import { batchController } from './browserDeps';
import { PROTOCOLS } from '../../core/attacks/protocols';
import './batch.css';

const csv = (text: string) => new Blob([text], { type: 'text/csv' });

const fmt = (m: MeanSe) => (m.mean === null ? '—' : `${m.mean.toFixed(3)}${m.sem !== null ? ` ± ${m.sem.toFixed(3)}` : ''}`);

function formatEta(ms: number | null): string {
  if (ms === null) return 'estimating time left…';
  const s = Math.round(ms / 1000);
  return s < 90 ? `about ${s} s left` : `about ${Math.round(s / 60)} min left`;
}

function StorageBanner() {
  const storage = useBatch((s) => s.storage);
  if (!storage || storage.kind === 'indexeddb') return null;
  return (
    <div className="banner banner-notice" role="status" data-testid="storage-problem">
      <p>{storage.problem}</p>
      <button type="button" onClick={() => downloadBlob(csv(batchController().perImageCsv()), 'alignscope-results-per-image.csv')}>
        Download results (CSV)
      </button>
    </div>
  );
}

/** Models a batch can run: not those the importers cannot open; large downloads only when picked. */
const BATCH_MODELS = CATALOGUE.filter((m) => !m.unsupportedReason);

function BatchSetup({ samples }: { samples: SampleRef[] }) {
  const running = useBatch((s) => s.running);
  const [models, setModels] = useState<string[]>(() => BATCH_MODELS.filter((m) => !m.downloadNeeded).map((m) => m.id));
  const [images, setImages] = useState<string[] | null>(null);
  const [protocol, setProtocol] = useState<ProtocolId>('interactive');
  const [steps, setSteps] = useState(PROTOCOLS.interactive.steps);
  const chosenImages = images ?? samples.map((s) => s.id);
  const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);

  return (
    <section className="panel batch-setup" aria-labelledby="batch-setup-title">
      <h2 id="batch-setup-title">New batch</h2>
      <fieldset>
        <legend>Models</legend>
        {BATCH_MODELS.map((m) => (
          <label key={m.id} className="check">
            <input type="checkbox" data-testid={`batch-model-${m.id}`} checked={models.includes(m.id)}
              onChange={() => setModels(toggle(models, m.id))} />
            {m.name}{m.downloadNeeded ? ' (downloads from its official URL)' : ''}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Images with human maps ({chosenImages.length} of {samples.length})</legend>
        <div className="batch-images">
          {samples.map((s) => (
            <label key={s.id} className="check">
              <input type="checkbox" data-testid={`batch-image-${s.id}`} checked={chosenImages.includes(s.id)}
                onChange={() => setImages(toggle(chosenImages, s.id))} />
              {s.name}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="batch-row">
        <label className="field">
          <span>Protocol</span>
          <select data-testid="batch-protocol" value={protocol} onChange={(e) => {
            const p = e.target.value as ProtocolId;
            setProtocol(p);
            setSteps(PROTOCOLS[p].steps || 1);
          }}>
            {PROTOCOL_IDS.map((p) => <option key={p} value={p}>{PROTOCOL_LABELS[p]}</option>)}
          </select>
        </label>
        <label className="field">
          <span>Steps per attack</span>
          <input type="number" min={1} max={100000} data-testid="batch-steps" value={steps}
            disabled={PROTOCOLS[protocol].attack === 'pgd-bisect'}
            onChange={(e) => setSteps(Math.max(1, Math.round(Number(e.target.value) || 1)))} />
        </label>
        <button type="button" className="primary" data-testid="batch-start" disabled={running}
          onClick={() => void batchController().start({ models, images: chosenImages, protocol, steps })}>
          Run {models.length * chosenImages.length} attacks
        </button>
      </div>
      <p className="muted small">{PROTOCOLS[protocol].description}</p>
      <p className="muted small">
        Each result is saved as soon as it finishes; closing or reloading the tab loses nothing and the batch resumes.
        {steps < PROTOCOLS[protocol].steps ? ` Fewer steps than the protocol's ${PROTOCOLS[protocol].steps} give larger, less minimal norms.` : ''}
      </p>
    </section>
  );
}

function BatchProgressPanel() {
  const running = useBatch((s) => s.running);
  const progress = useBatch((s) => s.progress);
  const error = useBatch((s) => s.error);
  return (
    <section className="panel batch-progress" aria-live="polite">
      <div className="batch-row">
        <progress data-testid="batch-progress" value={progress?.done ?? 0} max={progress?.total || 1} />
        <span data-testid="batch-status" data-state={running ? 'running' : 'idle'}>
          {progress ? `${progress.done} / ${progress.total} done` : running ? 'Starting the batch worker…' : 'No batch running'}
          {running && progress?.current ? ` · now ${progress.current.modelId} on ${progress.current.imageId} · ${formatEta(progress.etaMs)}` : ''}
        </span>
        {running && <button type="button" data-testid="batch-cancel" onClick={() => void batchController().cancel()}>Cancel</button>}
      </div>
      {error && <p className="batch-error" role="alert" data-testid="batch-error">{error}</p>}
    </section>
  );
}

function BatchList() {
  const batches = useBatch((s) => s.batches);
  const results = useBatch((s) => s.results);
  const running = useBatch((s) => s.running);
  if (batches.length === 0) return null;
  return (
    <section className="panel">
      <h2>Batches</h2>
      <ul className="batch-list">
        {[...batches].sort((a, b) => b.createdAt - a.createdAt).map((b) => {
          const left = remainingJobs(b, results).length;
          const total = b.models.length * b.images.length;
          return (
            <li key={b.id} data-testid="batch-item" data-status={b.status}>
              <span>{new Date(b.createdAt).toLocaleString()} · {PROTOCOL_LABELS[b.protocol]} · {b.models.length} models × {b.images.length} images · {total - left}/{total} · {b.status}</span>
              {left > 0 && !running && <button type="button" onClick={() => void batchController().resume(b)}>Resume</button>}
              <button type="button" onClick={() => void batchController().deleteResults(results.filter((r) => r.batchId === b.id).map((r) => r.id))}>
                Delete its results
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function ResultsTable() {
  const results = useBatch((s) => s.results);
  const summaries = useMemo(() => aggregateByModel(results), [results]);
  return (
    <section className="panel">
      <div className="batch-row">
        <h2>Per model ({results.length} runs stored)</h2>
        <button type="button" data-testid="export-images" disabled={!results.length}
          onClick={() => downloadBlob(csv(batchController().perImageCsv()), 'alignscope-results-per-image.csv')}>Export per image (CSV)</button>
        <button type="button" data-testid="export-models" disabled={!results.length}
          onClick={() => downloadBlob(csv(batchController().perModelCsv()), 'alignscope-results-per-model.csv')}>Export per model (CSV)</button>
        <button type="button" data-testid="delete-results" disabled={!results.length}
          onClick={() => { if (confirm(`Delete all ${results.length} stored results?`)) void batchController().deleteResults(); }}>Delete all</button>
      </div>
      <table className="batch-table" data-testid="batch-summary">
        <thead>
          <tr><th>Model</th><th>Protocol</th><th>Robustness (L2)</th><th>Alignment</th><th>Counted / runs</th><th>Misclassified</th><th>Not attacked</th></tr>
        </thead>
        <tbody>
          {summaries.map((s) => (
            <tr key={`${s.protocol}|${s.modelId}`} data-model={s.modelId}>
              <td>{s.modelName}</td><td>{s.protocol}</td><td>{fmt(s.pt)}</td><td>{fmt(s.aa)}</td>
              <td>{s.pt.n} / {s.total}</td><td>{s.misclassified}</td><td>{s.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">Means and standard errors over images classified correctly and attacked successfully (METHOD §4); alignment in each protocol's own convention.</p>
    </section>
  );
}

export default function BatchView() {
  const [samples, setSamples] = useState<SampleRef[]>([]);
  useEffect(() => {
    void batchController().init();
    void loadSamples().then((all) => setSamples(all.filter((s) => s.heatmapUrl && s.label !== undefined)));
  }, []);
  return (
    <div className="batch-view">
      <StorageBanner />
      <BatchSetup samples={samples} />
      <BatchProgressPanel />
      <BatchList />
      <ResultsTable />
    </div>
  );
}
