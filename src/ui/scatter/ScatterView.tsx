import { useEffect, useMemo, useRef, useState } from 'react';
import { aggregateByModel } from '../../core/results/aggregate';
import { PROTOCOL_IDS, PROTOCOL_LABELS, protocolAlignment, type ProtocolId } from '../../core/results/types';
import { batchController } from '../batch/browserDeps';
import { batchStore, useBatch } from '../state/batchStore';
import { downloadBlob } from '../export/download';
import { FileDrop } from '../gallery/FileDrop';
import { pngBlob, svgBlob } from '../export/svgPicture';
import { loadReferenceData, type ReferenceData } from './referenceData';
import { describePoint, renderScatter, resetScatterZoom } from './renderScatter';
import { imagePoints, LAYER_LABELS, tablePoints, userPoints, type LayerId, type ScatterMode, type ScatterPoint } from './scatterData';
import './scatter.css';

const MODES: { id: ScatterMode; label: string }[] = [
  { id: 'robustness-alignment', label: 'Robustness × alignment' },
  { id: 'top1-robustness', label: 'Robustness vs top-1' },
  { id: 'top1-alignment', label: 'Alignment vs top-1' },
];

function useReference(): ReferenceData | null {
  const [ref, setRef] = useState<ReferenceData | null>(null);
  useEffect(() => {
    void loadReferenceData().then(setRef);
  }, []);
  return ref;
}

function usePoints(ref: ReferenceData | null): ScatterPoint[] {
  const results = useBatch((s) => s.results);
  const imports = useBatch((s) => s.imports);
  return useMemo(() => {
    const top1Of = ref?.top1Of ?? (() => null);
    return [
      ...(ref?.ref2023 ?? []),
      ...(ref?.ref2025 ?? []),
      ...imports.flatMap((t) => tablePoints(t.rows, 'import', t.protocol, top1Of).map((p) => ({ ...p, key: `${t.id}|${p.key}` }))),
      ...imagePoints(results, top1Of),
      ...userPoints(aggregateByModel(results), top1Of),
    ];
  }, [ref, results, imports]);
}

function ImportControl() {
  const [protocol, setProtocol] = useState<ProtocolId>('2025-published');
  const pending = useBatch((s) => s.pendingImport);
  const imports = useBatch((s) => s.imports);
  return (
    <div className="scatter-import">
      <label className="field">
        <span>Protocol of the CSV to import</span>
        <select value={protocol} onChange={(e) => setProtocol(e.target.value as ProtocolId)} aria-label="Protocol of the imported CSV">
          {PROTOCOL_IDS.map((p) => <option key={p} value={p}>{PROTOCOL_LABELS[p]}</option>)}
        </select>
      </label>
      <FileDrop
        label="Import a per-model or per-image CSV"
        hint="per model: model, pt, aa, pt_sem, aa_sem · per image: your runs · click or drop"
        accept=".csv,text/csv"
        testId="import-csv"
        onFiles={async ([f]) => batchController().importCsv(await f.text(), f.name, protocol)}
      />
      {imports.map((t) => (
        <span key={t.id} className="chip">{t.fileName} · {t.rows.length} models
          <button type="button" aria-label={`Remove ${t.fileName}`} onClick={() => batchStore.getState().removeImport(t.id)}>×</button>
        </span>
      ))}
      {pending && (
        <div className="banner banner-notice" role="alertdialog" aria-label="Malformed rows" data-testid="import-problems">
          <div>
            <p>{pending.table.fileName}: {pending.problems.length} malformed row(s) will be left out.</p>
            <ul>{pending.problems.slice(0, 20).map((p) => <li key={p}>{p}</li>)}</ul>
            {pending.problems.length > 20 && <p>… and {pending.problems.length - 20} more.</p>}
            <button type="button" data-testid="import-confirm" onClick={() => batchController().confirmImport()}>
              Import the {pending.table.rows.length} good rows
            </button>{' '}
            <button type="button" onClick={() => batchController().dismissImport()}>Import nothing</button>
          </div>
        </div>
      )}
    </div>
  );
}

function SelectedRuns() {
  const selected = useBatch((s) => s.selectedModel);
  const results = useBatch((s) => s.results);
  if (!selected) return null;
  const runs = results
    .filter((r) => r.modelId === selected)
    .sort((a, b) => a.protocol.localeCompare(b.protocol) || a.imageId.localeCompare(b.imageId));
  return (
    <section className="panel" data-testid="model-runs" aria-label={`Runs of ${selected}`}>
      <div className="batch-row">
        <h2>Runs of {selected}</h2>
        <button type="button" onClick={() => batchStore.getState().selectModel(null)}>Close</button>
      </div>
      <table className="batch-table">
        <thead><tr><th>Image</th><th>Protocol</th><th>Correct</th><th>Attacked</th><th>L2</th><th>L∞</th><th>Alignment</th><th>Gradients</th><th>Backend</th></tr></thead>
        <tbody>
          {runs.map((r) => {
            const a = protocolAlignment(r);
            return (
              <tr key={r.id}>
                <td>{r.imageId}</td><td>{r.protocol}</td><td>{r.cleanCorrect ? 'yes' : 'no'}</td><td>{r.success ? 'yes' : 'no'}</td>
                <td>{r.l2?.toFixed(4) ?? '—'}</td><td>{r.linf?.toFixed(4) ?? '—'}</td><td>{a === null ? 'undefined' : a.toFixed(3)}</td>
                <td>{r.gradEvals}</td><td>{r.backend}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

export default function ScatterView() {
  const ref = useReference();
  const points = usePoints(ref);
  const view = useBatch((s) => s.view);
  const results = useBatch((s) => s.results);
  const userModelIds = useMemo(() => {
    const seen = new Map<string, string>();
    for (const r of results) if (!seen.has(r.modelId)) seen.set(r.modelId, r.modelName);
    return [...seen].map(([id, name]) => ({ id, name }));
  }, [results]);
  const svgRef = useRef<SVGSVGElement>(null);
  const [tip, setTip] = useState<{ text: string; x: number; y: number } | null>(null);
  const [width, setWidth] = useState(900);
  const wrapRef = useRef<HTMLDivElement>(null);

  useEffect(() => void batchController().init(), []);
  useEffect(() => {
    const el = wrapRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(([e]) => setWidth(Math.max(560, Math.floor(e.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    if (!svgRef.current) return;
    renderScatter(svgRef.current, points, { ...view, width, height: Math.round(Math.min(620, width * 0.62)) }, {
      onHover: (p, at) => {
        const box = wrapRef.current?.getBoundingClientRect();
        setTip(p && box ? { text: describePoint(p), x: at.clientX - box.left + 12, y: at.clientY - box.top + 12 } : null);
      },
      onSelect: (p) => {
        if (p.layer === 'user' && p.modelId) batchStore.getState().selectModel(p.modelId);
      },
    });
  }, [points, view, width]);

  const counts = useMemo(() => {
    const c: Record<LayerId, number> = { user: 0, ref2025: 0, ref2023: 0, import: 0 };
    for (const p of points) if (!p.imageId && p.view !== 'top1') c[p.layer]++;
    return c;
  }, [points]);
  const set = batchStore.getState().setView;

  return (
    <div className="scatter-view">
      <div className="panel scatter-controls">
        <div role="radiogroup" aria-label="View" className="batch-row">
          {MODES.map((m) => (
            <label key={m.id} className="check">
              <input type="radio" name="scatter-mode" data-testid={`scatter-mode-${m.id}`} checked={view.mode === m.id} onChange={() => set({ mode: m.id })} />
              {m.label}
            </label>
          ))}
        </div>
        <fieldset className="batch-row">
          <legend>Layers</legend>
          {(['user', 'ref2025', 'ref2023', 'import'] as const).map((l) => (
            <label key={l} className="check">
              <input type="checkbox" data-testid={`layer-toggle-${l}`} checked={view.layers[l]} onChange={() => batchStore.getState().toggleLayer(l)} />
              {LAYER_LABELS[l]} ({counts[l]})
            </label>
          ))}
        </fieldset>
        <div className="batch-row">
          <label className="field compact">
            <span>Colour by</span>
            <select value={view.colourBy} onChange={(e) => set({ colourBy: e.target.value as 'class' | 'top1' })}>
              <option value="class">Architecture family</option>
              <option value="top1">ImageNet top-1</option>
            </select>
          </label>
          <label className="check"><input type="checkbox" data-testid="scatter-images" checked={view.showImages} onChange={(e) => set({ showImages: e.target.checked })} />Per-image points</label>
          {view.showImages && (
            <select aria-label="Per-image points of" data-testid="scatter-images-model" value={view.imagesOf ?? ''} onChange={(e) => set({ imagesOf: e.target.value || null })}>
              <option value="">of every model</option>
              {userModelIds.map((m) => <option key={m.id} value={m.id}>of {m.name}</option>)}
            </select>
          )}
          <label className="check"><input type="checkbox" checked={view.logX} onChange={(e) => set({ logX: e.target.checked })} />Log robustness axis</label>
          <button type="button" onClick={() => svgRef.current && resetScatterZoom(svgRef.current)}>Reset zoom</button>
          <button type="button" data-testid="export-svg" onClick={() => svgRef.current && downloadBlob(svgBlob(svgRef.current), 'alignscope-scatter.svg')}>Export SVG</button>
          <button type="button" data-testid="export-png" onClick={async () => svgRef.current && downloadBlob(await pngBlob(svgRef.current), 'alignscope-scatter.png')}>Export PNG</button>
        </div>
        <ImportControl />
        {ref?.problems.map((p) => <p key={p} className="batch-error">{p}</p>)}
      </div>
      <div className="panel scatter-wrap" ref={wrapRef}>
        <svg ref={svgRef} />
        {tip && <pre className="scatter-tooltip" data-testid="scatter-tooltip" style={{ left: tip.x, top: tip.y }}>{tip.text}</pre>}
        <p className="muted small">Scroll to zoom, drag to pan. Click one of your points (or focus it and press Enter) to list its runs.</p>
      </div>
      <SelectedRuns />
    </div>
  );
}
