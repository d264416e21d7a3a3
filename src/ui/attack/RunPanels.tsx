import { useRef, useState } from 'react';
import type { DeltaView } from '../charts/colormap';
import { sessionStore } from '../state/sessionStore';
import { panelPictures } from './panelPictures';
import { shownIndex, useRunDrawing } from './runContext';

/**
 * The four pictures of the attack for the step the timeline shows. Canvases are redrawn from a
 * store subscription; React renders only the frame around them.
 */

const VIEW_LABELS: Record<DeltaView, string> = {
  rgb: 'amplified RGB',
  signed: 'signed mean (blue −, red +)',
  magnitude: 'magnitude |mean δ|',
};

function put(canvas: HTMLCanvasElement | null, rgba: Uint8ClampedArray, size: number): void {
  if (!canvas) return;
  if (canvas.width !== size) canvas.width = canvas.height = size;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), size, size), 0, 0);
}

function clear(canvas: HTMLCanvasElement | null): void {
  canvas?.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
}

/** Says in the picture that the step's δ was not kept, rather than showing an empty panel. */
function notKept(canvas: HTMLCanvasElement | null): void {
  if (!canvas) return;
  // Drawn at a readable size whatever the run's input size; CSS scales the canvas anyway.
  canvas.width = canvas.height = 224;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#e4e7eb';
  ctx.fillRect(0, 0, 224, 224);
  ctx.fillStyle = '#52606d';
  ctx.font = '14px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.fillText('δ of this step is not', 112, 104);
  ctx.fillText('in the run JSON', 112, 124);
}

export function RunPanels() {
  const clean = useRef<HTMLCanvasElement>(null);
  const adv = useRef<HTMLCanvasElement>(null);
  const pert = useRef<HTMLCanvasElement>(null);
  const over = useRef<HTMLCanvasElement>(null);
  const scaleText = useRef<HTMLSpanElement>(null);
  const overText = useRef<HTMLSpanElement>(null);
  const advText = useRef<HTMLSpanElement>(null);
  const [view, setView] = useState<DeltaView>('rgb');

  useRunDrawing(
    (state) => {
      const session = sessionStore.getState();
      const inputs = state.inputs;
      const source = inputs ?? (session.modelInput && { clean: session.modelInput.pixels, size: session.modelInput.size, humanMap: session.modelInput.heatmap ?? null });
      if (!source) {
        [clean, adv, pert, over].forEach((r) => clear(r.current));
        return;
      }
      const i = inputs ? shownIndex(state) : null;
      const step = i === null ? null : state.steps[i];
      const pics = panelPictures(source.clean, source.size, step?.delta ?? null, source.humanMap, view);
      // A run opened from a run JSON has the best step's δ only: the other steps are numbers.
      const missing = step !== null && step.delta === null;
      put(clean.current, pics.clean, pics.size);
      if (missing) {
        [adv, pert, over].forEach((r) => notKept(r.current));
      } else {
        put(adv.current, pics.adversarial, pics.size);
        put(pert.current, pics.perturbation.rgba, pics.size);
        put(over.current, pics.overlay, pics.size);
      }
      const s = pics.perturbation.scale;
      if (scaleText.current) {
        scaleText.current.textContent = !step
          ? 'no perturbation yet'
          : missing
            ? 'numbers only at this step'
            : s.kind === 'gain'
            ? `grey = unchanged; δ × ${s.gain >= 100 ? s.gain.toFixed(0) : s.gain.toFixed(1)}`
            : `colour range ${s.min.toExponential(1)} … ${s.max.toExponential(1)}`;
      }
      if (overText.current) {
        overText.current.textContent = missing
          ? 'numbers only at this step'
          : `${source.humanMap ? 'over the human map' : 'over the dimmed image (no human map)'}; full colour = |δ| ${pics.overlayMax.toExponential(1)}`;
      }
      if (advText.current) {
        advText.current.textContent = step
          ? `step ${step.step}: ${step.isAdversarial ? 'fools the model' : 'not adversarial yet'}${
              !step.delta ? ' (δ not in the run JSON)' : step.delta.full ? '' : ' (timeline copy at reduced resolution)'
            }`
          : 'the attack has not run';
      }
    },
    [view],
  );

  return (
    <div className="run-panels">
      <figure className="run-panel">
        <canvas ref={clean} width={224} height={224} aria-label="Clean image as the model sees it" data-testid="panel-clean" />
        <figcaption>
          <strong>Clean image</strong>
          <span>what the model sees (cropped, resized)</span>
        </figcaption>
      </figure>
      <figure className="run-panel">
        <canvas ref={adv} width={224} height={224} aria-label="Adversarial image at the shown step" data-testid="panel-adversarial" />
        <figcaption>
          <strong>Adversarial image</strong>
          <span ref={advText} />
        </figcaption>
      </figure>
      <figure className="run-panel">
        <canvas ref={pert} width={224} height={224} aria-label="Perturbation, amplified" data-testid="panel-perturbation" />
        <figcaption>
          <strong>Perturbation δ</strong>
          <label className="inline-select">
            <span className="sr-only">Perturbation view</span>
            <select value={view} onChange={(e) => setView(e.target.value as DeltaView)} data-testid="perturbation-view">
              {(Object.keys(VIEW_LABELS) as DeltaView[]).map((v) => (
                <option key={v} value={v}>
                  {VIEW_LABELS[v]}
                </option>
              ))}
            </select>
          </label>
          <span ref={scaleText} data-testid="perturbation-scale" />
        </figcaption>
      </figure>
      <figure className="run-panel">
        <canvas ref={over} width={224} height={224} aria-label="Perturbation magnitude over the human map" data-testid="panel-overlay" />
        <figcaption>
          <strong>Where δ lands</strong>
          <span ref={overText} />
        </figcaption>
      </figure>
    </div>
  );
}
