import { useEffect, useMemo, useState } from 'react';
import { aggregateByModel, type MeanSe } from '../../core/results/aggregate';
import { planJobs, recordId, remainingJobs } from '../../core/batch/plan';
import { PROTOCOL_LABELS } from '../../core/results/types';
import { loadSamples } from '../gallery/samples';
import type { SampleRef } from '../state/sessionController';
import { useBatch } from '../state/batchStore';
import { downloadBlob } from '../export/download';
import { batchController } from './browserDeps';
import { BatchSetup } from './BatchSetup';
import { openShardFile, rememberFileModel, useSources } from './batchSources';
import { readBatchParams } from './batchUrl';
import { checkRepicked } from '../../core/batch/resume';
import { requestFromAddress } from './addressBatch';
import './batch.css';

const csv = (text: string) => new Blob([text], { type: 'text/csv' });

const fmt = (m: MeanSe) => (m.mean === null ? '—' : `${m.mean.toFixed(3)}${m.sem !== null ? ` ± ${m.sem.toFixed(3)}` : ''}`);

function formatEta(ms: number | null): string {
  if (ms === null) return 'estimating time left…';
  const s = Math.round(ms / 1000);
  return s < 90 ? `about ${s} s left` : `about ${Math.round(s / 60)} min left`;
}

/** Rows of the job list shown; a larger batch shows its first ones and says so. */
const JOB_ROWS = 500;

function StorageBanner() {
  const storage = useBatch((s) => s.storage);
  const modelProblem = useSources((s) => s.modelStorageProblem);
  return (
    <>
      {storage && storage.kind !== 'indexeddb' && (
        <div className="banner banner-notice" role="status" data-testid="storage-problem">
          <p>{storage.problem}</p>
          <button type="button" onClick={() => downloadBlob(csv(batchController().perImageCsv()), 'alignscope-results-per-image.csv')}>
            Download results (CSV)
          </button>
        </div>
      )}
      {modelProblem && <div className="banner banner-notice" role="status" data-testid="model-storage-problem"><p>{modelProblem}</p></div>}
    </>
  );
}

/** Files a resumed batch waits for: the user opens them again (checked by name and size) or goes on without. */
function WaitingFiles() {
  const waiting = useSources((s) => s.waiting);
  if (waiting.length === 0) return null;
  return (
    <section className="panel" data-testid="batch-waiting">
      <h2>Open these files again to resume</h2>
      <ul className="batch-list">
        {waiting.map((d) => (
          <li key={d.file.id}>
            <span>{d.file.kind === 'model' ? 'Model' : 'ClickMe shard'} "{d.file.name}"{d.file.size >= 0 ? ` (${d.file.size} bytes)` : ''}</span>
            <input type="file" multiple={d.file.kind === 'model'} data-testid={`batch-repick-${d.file.name}`} onChange={async (e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              if (files.length === 0) return;
              try {
                if (d.file.kind === 'shard') await openShardFile(files[0]);
                else {
                  // A TF.js model comes back as model.json with its weight files: the name is the main file's, the size all of them.
                  const picked = { name: files.find((f) => f.name === d.file.name)?.name ?? files[0].name, size: files.reduce((n, f) => n + f.size, 0) };
                  const problem = checkRepicked(d.file, picked);
                  if (problem) throw new Error(problem);
                  await rememberFileModel(files, d.file.overrides);
                }
                await batchController().recheckWaiting();
              } catch (err) {
                batchController().reportError((err as Error).message);
              }
            }} />
          </li>
        ))}
      </ul>
      <button type="button" data-testid="batch-skip-missing" onClick={() => void batchController().continueWaiting()}>
        Go on without them (their jobs fail)
      </button>
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
          {progress?.failed ? ` · ${progress.failed} failed` : ''}
          {running && progress?.current ? ` · now ${progress.current.modelId} on ${progress.current.imageId} · ${formatEta(progress.etaMs)}` : ''}
        </span>
        {progress?.perMinute != null && <span data-testid="batch-rate">{progress.perMinute.toFixed(1)} jobs / min</span>}
        {running && <button type="button" data-testid="batch-cancel" onClick={() => void batchController().cancel()}>Cancel</button>}
      </div>
      {error && <p className="batch-error" role="alert" data-testid="batch-error">{error}</p>}
    </section>
  );
}

/** The jobs of the newest batch, one row each, with its image id and state. */
function BatchJobs() {
  const batches = useBatch((s) => s.batches);
  const results = useBatch((s) => s.results);
  const plan = useMemo(() => [...batches].sort((a, b) => b.createdAt - a.createdAt)[0], [batches]);
  const byId = useMemo(() => new Map(results.map((r) => [r.id, r])), [results]);
  // Not rebuilt on every progress update: a batch may hold many thousands of jobs.
  const jobs = useMemo(() => (plan ? planJobs(plan) : []), [plan]);
  if (!plan) return null;
  return (
    <section className="panel">
      <h2>Jobs of the newest batch ({jobs.length})</h2>
      <table className="batch-table">
        <thead><tr><th>Model</th><th>Image</th><th>State</th><th>L2</th><th>Alignment (raw ρ)</th></tr></thead>
        <tbody>
          {jobs.slice(0, JOB_ROWS).map((j) => {
            const r = byId.get(recordId(j));
            const status = r ? (r.status ?? 'done') : 'pending';
            return (
              <tr key={recordId(j)} data-testid="batch-item" data-image={j.imageId} data-model={j.modelId} data-status={status} data-finished={r?.finishedAt ?? ''}>
                <td>{r?.modelName ?? j.modelId}</td><td>{j.imageId}</td>
                <td title={r?.message}>{status === 'failed' ? `failed: ${r?.message}` : status}{r && r.status !== 'failed' && r.humanMap === false ? ' · no human map' : ''}</td>
                <td>{r?.l2?.toFixed(3) ?? ''}</td><td>{r?.alignmentMean?.toFixed(3) ?? ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {jobs.length > JOB_ROWS && <p className="muted small">The first {JOB_ROWS} jobs are listed; exports hold all.</p>}
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
            <li key={b.id} data-testid="batch-plan" data-status={b.status}>
              <span>{new Date(b.createdAt).toLocaleString()} · {PROTOCOL_LABELS[b.protocol]} · {b.attack} · {b.models.length} models × {b.images.length} images · {total - left}/{total} · {b.status}</span>
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
          <tr><th>Model</th><th>Protocol</th><th>Robustness (L2)</th><th>Alignment</th><th>Counted / runs</th><th>Misclassified</th><th>Not attacked</th><th>No human map</th><th>Failed jobs</th></tr>
        </thead>
        <tbody>
          {summaries.map((s) => (
            <tr key={`${s.protocol}|${s.modelId}`} data-model={s.modelId}>
              <td>{s.modelName}</td><td>{s.protocol}</td><td>{fmt(s.pt)}</td><td>{fmt(s.aa)}</td>
              <td>{s.pt.n} / {s.total}</td><td>{s.misclassified}</td><td>{s.failed}</td><td>{s.noHumanMap}</td><td>{s.jobFailed}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">Means and standard errors over images classified correctly and attacked successfully (METHOD §4); alignment in each protocol's own convention. Failed jobs and images without a human map are counted, never averaged in.</p>
    </section>
  );
}

export default function BatchView() {
  const [samples, setSamples] = useState<SampleRef[]>([]);
  const [address] = useState(() => (typeof window === 'undefined' ? null : readBatchParams(window.location.search)));
  useEffect(() => {
    void batchController().init();
    void loadSamples().then(async (all) => {
      const usable = all.filter((s) => s.heatmapUrl && s.label !== undefined);
      setSamples(usable);
      if (address?.problems.length) batchController().reportError(address.problems.join(' '));
      if (address?.run) {
        try {
          await batchController().start(await requestFromAddress(address, usable.map((s) => s.id)));
        } catch (e) {
          batchController().reportError((e as Error).message);
        }
      }
    });
  }, [address]);
  return (
    <div className="batch-view">
      <StorageBanner />
      <BatchSetup samples={samples} address={address} />
      <WaitingFiles />
      <BatchProgressPanel />
      <BatchJobs />
      <BatchList />
      <ResultsTable />
    </div>
  );
}
