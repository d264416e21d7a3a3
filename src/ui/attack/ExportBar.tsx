import { useState } from 'react';
import { addClipped, deltaToPicture, imageToRgba } from '../charts/colormap';
import { canvasToPng, downloadBlob, rgbaCanvas, safeName } from '../export/download';
import { buildRunJson } from '../export/runJson';
import { shareLink } from '../export/shareLink';
import { svgImage, svgSize } from '../export/svgPicture';
import { runStore, useRun } from '../state/runStore';
import { sessionStore } from '../state/sessionStore';
import { fullSizeDelta } from './panelPictures';
import { shownIndex } from './runContext';

/** Sharing and export: a link that reproduces the run, the run JSON, and PNGs of the pictures. */

function fileStem(): string {
  const s = runStore.getState();
  // A model loaded from a URL is named by its file, not the whole address.
  const model = (s.definition.modelId ?? 'model').split('#')[0].split('/').pop() || 'model';
  return safeName(`alignscope-${s.definition.imageId ?? 'image'}-${model}-${s.definition.attack}`);
}

/** δ to export: the best adversarial once the run has one, else the shown step's. */
function exportedDelta(): { delta: Float32Array; size: number; clean: Float32Array; what: string } | null {
  const s = runStore.getState();
  if (!s.inputs) return null;
  const size = s.inputs.size;
  if (s.result?.bestDelta) return { delta: fullSizeDelta(s.result.bestDelta, size), size, clean: s.inputs.clean, what: 'best' };
  const i = shownIndex(s);
  const delta = i === null ? null : s.steps[i].delta;
  if (i === null || !delta) return null;
  return { delta: fullSizeDelta(delta, size), size, clean: s.inputs.clean, what: `step${i + 1}` };
}

const CELL = 224;
const GAP = 12;
const CAPTION_H = 40;

/** The text, cut with an ellipsis where it would run into the next picture. */
function fitText(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let n = text.length;
  while (n > 0 && ctx.measureText(`${text.slice(0, n)}…`).width > width) n--;
  return `${text.slice(0, n).trimEnd()}…`;
}

/** The run's pictures in a row with their captions, and the step charts (L2, margin, alignment) below. */
async function composePanels(root: HTMLElement): Promise<HTMLCanvasElement> {
  const figures = [...root.querySelectorAll<HTMLElement>('.run-panel')];
  const charts = [...root.querySelectorAll<SVGSVGElement>('.step-charts svg')].filter((svg) => svg.childElementCount > 0);
  const width = Math.max(figures.length * (CELL + GAP) + GAP, 900);
  const chartW = charts.length ? (width - GAP * (charts.length + 1)) / charts.length : 0;
  const images = await Promise.all(charts.map(async (svg) => ({ img: await svgImage(svg), size: svgSize(svg) })));
  const chartH = Math.max(0, ...images.map(({ size }) => (chartW * size.height) / size.width));
  const out = document.createElement('canvas');
  out.width = width;
  out.height = CELL + CAPTION_H + 2 * GAP + (charts.length ? Math.ceil(chartH) + GAP : 0);
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  figures.forEach((fig, i) => {
    const canvas = fig.querySelector('canvas');
    const x = GAP + i * (CELL + GAP);
    if (canvas) ctx.drawImage(canvas, x, GAP, CELL, CELL);
    const caption = fig.querySelector('figcaption');
    ctx.fillStyle = '#1f2933';
    ctx.font = '600 13px system-ui, sans-serif';
    ctx.fillText(caption?.querySelector('strong')?.textContent ?? '', x, CELL + 30);
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = '#52606d';
    const rest = [...(caption?.querySelectorAll('span') ?? [])].map((s) => s.textContent).filter(Boolean).join(' · ');
    ctx.fillText(fitText(ctx, rest, CELL), x, CELL + 46);
  });
  const top = CELL + CAPTION_H + 2 * GAP;
  images.forEach(({ img, size }, i) => ctx.drawImage(img, GAP + i * (chartW + GAP), top, chartW, (chartW * size.height) / size.width));
  return out;
}

export function ExportBar({ viewRoot }: { viewRoot: () => HTMLElement | null }) {
  const hasRun = useRun((s) => s.inputs !== null && s.steps.length > 0);
  const running = useRun((s) => s.status === 'running');
  const [note, setNote] = useState('');

  const link = () => {
    const s = runStore.getState();
    const session = sessionStore.getState();
    const picks = { imageId: session.image?.id ?? null, modelId: session.modelId, ownModel: session.modelInfo !== null && session.modelId === null, forcedBackend: session.forcedBackend };
    return shareLink(s.definition, s.opened, picks, `${location.origin}${location.pathname}`);
  };

  const guard = (fn: () => Promise<void> | void) => async () => {
    try {
      await fn();
    } catch (e) {
      sessionStore.getState().showError((e as Error).message);
    }
  };

  const copyLink = guard(async () => {
    const { url, caveat } = link();
    try {
      await navigator.clipboard.writeText(url);
      setNote(caveat ?? 'Link copied: it reproduces this run on the same backend.');
    } catch {
      setNote(caveat ? `${url} (${caveat})` : url);
    }
  });

  const exportJson = guard(() => {
    const s = runStore.getState();
    if (!s.inputs || !s.environment) throw new Error('There is no run to export yet; start an attack first.');
    const json = buildRunJson({
      definition: s.definition,
      status: s.status,
      inputs: s.inputs,
      environment: s.environment,
      steps: s.steps,
      result: s.result,
      resultAlignment: s.resultAlignment,
      convention: s.convention,
      divideByCeiling: s.divideByCeiling,
      baseUrl: `${location.origin}${location.pathname}`,
      userAgent: navigator.userAgent,
      now: new Date(),
    });
    downloadBlob(new Blob([JSON.stringify(json)], { type: 'application/json' }), `${fileStem()}.json`);
    setNote('Run JSON downloaded.');
  });

  const exportPanels = guard(async () => {
    const root = viewRoot();
    if (!root) return;
    downloadBlob(await canvasToPng(await composePanels(root)), `${fileStem()}-panels.png`);
  });

  const exportAdversarial = guard(async () => {
    const d = exportedDelta();
    if (!d) throw new Error('There is no adversarial image yet; start an attack first.');
    const rgba = imageToRgba(addClipped(d.clean, d.delta), d.size, d.size);
    downloadBlob(await canvasToPng(rgbaCanvas(rgba, d.size, d.size)), `${fileStem()}-adversarial-${d.what}.png`);
  });

  const exportPerturbation = guard(async () => {
    const d = exportedDelta();
    if (!d) throw new Error('There is no perturbation yet; start an attack first.');
    const pic = deltaToPicture(d.delta, 'rgb');
    const gain = pic.scale.kind === 'gain' ? pic.scale.gain : 1;
    downloadBlob(await canvasToPng(rgbaCanvas(pic.rgba, d.size, d.size)), `${fileStem()}-perturbation-${d.what}-x${gain.toFixed(1)}.png`);
    setNote(`Perturbation saved as 0.5 + ${gain.toFixed(1)}·δ (grey = unchanged).`);
  });

  return (
    <section className="panel export-bar" aria-labelledby="export-title">
      <h2 id="export-title">Share &amp; export</h2>
      <div className="export-buttons">
        <button type="button" className="secondary" onClick={copyLink} data-testid="copy-link">
          Copy link
        </button>
        <button type="button" className="secondary" onClick={exportJson} disabled={!hasRun || running} data-testid="export-json">
          Run JSON
        </button>
        <button type="button" className="secondary" onClick={exportPanels} data-testid="export-panels">
          Panels PNG
        </button>
        <button type="button" className="secondary" onClick={exportAdversarial} disabled={!hasRun} data-testid="export-adversarial">
          Adversarial PNG
        </button>
        <button type="button" className="secondary" onClick={exportPerturbation} disabled={!hasRun} data-testid="export-perturbation">
          Perturbation PNG
        </button>
      </div>
      {note && (
        <p className="muted small export-note" role="status">
          {note}
        </p>
      )}
      <p className="muted small">
        The link reproduces the run. The JSON holds its definition, every step’s numbers, the final metrics, and the clean
        input, best δ and human map as float32 arrays.
      </p>
    </section>
  );
}
