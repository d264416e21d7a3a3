import { useEffect, useMemo, useRef, useState } from 'react';
import { colormapCss, extent, mapToRgba, type ColormapId } from '../charts/colormap';
import { canvasToPng, downloadBlob, rgbaCanvas, safeName } from '../export/download';
import { displayedAlignment, useRun, type RunInputs } from '../state/runStore';
import { useSession } from '../state/sessionStore';
import { fullSizeDelta } from '../attack/panelPictures';
import { shownIndex, useRunDrawing } from '../attack/runContext';
import { AlignmentConventionLabel } from '../attack/StepCharts';
import { attackMap } from '../../core/metrics/attackMap';
import { createImage } from '../../core/image/types';
import { BubbleEditor } from './BubbleEditor';
import { ClickmeShardPanel } from './ClickmeShardPanel';
import { drawnMapStore, mapFromStrokes, useDrawnMaps } from './drawnMapStore';

/**
 * The alignment view of issue 5: the human map over the image and the attack map over the
 * image, side by side with the shown step's alignment; for an image without a human map, an
 * editor to draw one (labelled as the user's own map, not ClickMe data).
 */

const COLORMAPS: ColormapId[] = ['viridis', 'inferno', 'gray'];

/** How a run JSON names its human map, as this panel says it. */
const OPENED_SOURCES: Record<RunInputs['humanMapSource'], string> = {
  clickme: 'ClickMe human map, from the run JSON',
  'user-uploaded': 'Uploaded human map, from the run JSON',
  'user-drawn': 'A drawn map (not ClickMe data), from the run JSON',
  none: 'No human map in the run JSON',
};

function blend(clean: Float32Array, map: Float32Array | null, size: number, colormap: ColormapId, opacity: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(size * size * 4);
  const range = map ? { min: 0, max: extent(map).max || 1 } : { min: 0, max: 1 };
  const colours = map ? mapToRgba(map, colormap, range) : null;
  for (let i = 0; i < size * size; i++) {
    for (let c = 0; c < 3; c++) {
      const base = clean[i * 3 + c] * 255;
      out[i * 4 + c] = colours ? Math.round((1 - opacity) * base + opacity * colours[i * 4 + c]) : base;
    }
    out[i * 4 + 3] = 255;
  }
  return out;
}

function put(canvas: HTMLCanvasElement | null, rgba: Uint8ClampedArray, size: number) {
  if (!canvas) return;
  if (canvas.width !== size) canvas.width = canvas.height = size;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), size, size), 0, 0);
}

function Legend({ colormap, low, high }: { colormap: ColormapId; low: string; high: string }) {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => `${colormapCss(colormap, t)} ${t * 100}%`).join(', ');
  return (
    <div className="legend" aria-hidden="true">
      <span>{low}</span>
      <span className="legend-bar" style={{ background: `linear-gradient(to right, ${stops})` }} />
      <span>{high}</span>
    </div>
  );
}

export function AlignmentPanel({ onMapChange }: { onMapChange(): void }) {
  const human = useRef<HTMLCanvasElement>(null);
  const attack = useRef<HTMLCanvasElement>(null);
  const [opacity, setOpacity] = useState(0.6);
  const [colormap, setColormap] = useState<ColormapId>('viridis');
  const input = useSession((s) => s.modelInput);
  const origin = useSession((s) => s.image?.heatmapOrigin);
  const imageName = useSession((s) => s.image?.name ?? '');
  const strokes = useDrawnMaps((s) => (input ? s.strokes[input.imageId] : undefined));
  const convention = useRun((s) => s.convention);
  const alignment = useRun((s) => {
    const i = shownIndex(s);
    return i === null ? null : displayedAlignment(s.steps[i].alignment, s.convention, s.divideByCeiling);
  });
  const hasRun = useRun((s) => s.steps.length > 0);
  // A run opened from a file shows its own image and map, whatever the session has picked.
  const opened = useRun((s) => (s.opened ? s.inputs : null));
  const openedImage = useRun((s) => s.environment?.imageName ?? '');
  const stepHasDelta = useRun((s) => {
    const i = shownIndex(s);
    return i === null || s.steps[i].delta !== null;
  });

  useEffect(() => {
    if (input) drawnMapStore.getState().load(input.imageId);
  }, [input]);
  const official = input?.heatmap ?? null;
  const drawn = input && !official ? mapFromStrokes(strokes, input.size) : null;
  const humanMap = opened ? opened.humanMap : official ?? drawn;
  const source = opened
    ? OPENED_SOURCES[opened.humanMapSource]
    : official
      ? origin === 'user'
        ? 'Uploaded human map'
        : 'ClickMe human map'
      : drawn
        ? 'Your own map, not ClickMe data'
        : 'No human map yet';
  const base = useMemo(() => (opened ? { pixels: opened.clean, size: opened.size, imageId: openedImage } : input), [opened, openedImage, input]);

  useRunDrawing(
    (state) => {
      if (!base) return;
      const size = base.size;
      put(human.current, blend(base.pixels, humanMap, size, colormap, opacity), size);
      const i = state.inputs ? shownIndex(state) : null;
      const delta = i === null ? null : state.steps[i].delta;
      const map = delta ? attackMap(createImage(size, size, 3, fullSizeDelta(delta, size)), state.convention).data : null;
      put(attack.current, blend(base.pixels, map, size, colormap, opacity), size);
    },
    [base, humanMap, colormap, opacity, strokes],
  );

  const exportMap = async () => {
    if (!base || !humanMap) return;
    const rgba = mapToRgba(humanMap, 'gray', { min: 0, max: 1 });
    downloadBlob(await canvasToPng(rgbaCanvas(rgba, base.size, base.size)), `${safeName(`${base.imageId}-${drawn && !opened ? 'my-map' : 'human-map'}`)}.png`);
  };

  if (!base) {
    return (
      <section className="panel alignment-panel">
        <h2>Human map and attack map</h2>
        <p className="muted">Pick an image to see its human map.</p>
      </section>
    );
  }

  return (
    <section className="panel alignment-panel" aria-labelledby="alignment-title">
      <h2 id="alignment-title">
        Human map and attack map <span className="muted">· {opened ? openedImage : imageName}</span>
      </h2>
      <div className="alignment-grid">
        <figure>
          <canvas ref={human} aria-label={`${source} over the image`} data-testid="overlay-human" />
          <figcaption>
            <strong data-testid="human-map-source" className={drawn && !opened ? 'own-map' : undefined}>
              {source}
            </strong>
            <span>
              {opened
                ? 'the map the opened run was scored against'
                : drawn
                ? 'what you marked as needed to recognise the object'
                : humanMap
                  ? 'where people needed to look to recognise the object'
                  : 'draw one below, or pick a ClickMe sample'}
            </span>
            <Legend colormap={colormap} low="less" high="more important" />
          </figcaption>
        </figure>
        <figure>
          <canvas ref={attack} aria-label="Attack map over the image" data-testid="overlay-attack" />
          <figcaption>
            <strong>Attack map</strong>
            <span>
              {stepHasDelta
                ? `${convention === 'mean' ? '|mean over channels of δ|' : '|max over channels of δ|'} at the shown step`
                : 'the run JSON keeps δ of the best step only; this step has numbers only'}
            </span>
            <Legend colormap={colormap} low="0" high="largest |δ|" />
          </figcaption>
        </figure>
        <div className="alignment-side">
          <div className="alignment-value">
            <span className="muted small">alignment ρ at the shown step</span>
            <strong data-testid="alignment-overlay">{alignment === null ? 'undefined' : alignment.toFixed(3)}</strong>
            <small className="muted">
              <AlignmentConventionLabel />
              {!hasRun && '. Start an attack to measure it.'}
              {hasRun && alignment === null && (humanMap ? '. Undefined: δ is zero (or constant) at this step.' : '. Undefined: there is no human map.')}
            </small>
          </div>
          <label className="slider-inline">
            <span>overlay opacity</span>
            <input type="range" min={0} max={100} value={Math.round(opacity * 100)} onChange={(e) => setOpacity(Number(e.target.value) / 100)} aria-label="Overlay opacity" data-testid="overlay-opacity" />
          </label>
          <label className="slider-inline">
            <span>colormap</span>
            <select value={colormap} onChange={(e) => setColormap(e.target.value as ColormapId)} aria-label="Overlay colormap">
              {COLORMAPS.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <button type="button" className="secondary" disabled={!humanMap} onClick={() => void exportMap()} data-testid="map-export">
            Export map PNG
          </button>
        </div>
      </div>
      {input && !official && !opened && (
        <div className="draw-own">
          <h3>Draw your own map</h3>
          <p className="muted small">
            This image has no ClickMe map. Reveal the parts you need to recognise it: click or drag to uncover bubbles. The map
            is the bubbles, blurred as ClickMe maps are; it is saved with the image in this browser and labelled as your own map.
          </p>
          <BubbleEditor imageId={input.imageId} clean={input.pixels} size={input.size} onChange={onMapChange} />
        </div>
      )}
      <ClickmeShardPanel />
    </section>
  );
}
