import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { bubblesAlong, DEFAULT_BUBBLE_RADIUS, type Bubble, type Stroke } from './bubbleMask';
import { drawnMapStore, useDrawnMaps } from './drawnMapStore';

/**
 * Draw a human map the ClickMe way: the picture starts veiled; clicking or dragging reveals
 * circular bubbles over what you find diagnostic. Keyboard: arrows move the brush, Enter or
 * Space places a bubble, Ctrl+Z undoes.
 */

const EMPTY: Stroke[] = [];

export function BubbleEditor({ imageId, clean, size, onChange }: { imageId: string; clean: Float32Array; size: number; onChange(): void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const strokes = useDrawnMaps((s) => s.strokes[imageId] ?? EMPTY);
  const [radius, setRadius] = useState(DEFAULT_BUBBLE_RADIUS);
  const [cursor, setCursor] = useState<{ x: number; y: number }>({ x: 0.5, y: 0.5 });
  const [focused, setFocused] = useState(false);
  const drag = useRef<{ stroke: Bubble[]; last: Bubble } | null>(null);
  const [pending, setPending] = useState<Bubble[]>([]);

  useEffect(() => drawnMapStore.getState().load(imageId), [imageId]);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    c.width = c.height = size;
    const ctx = c.getContext('2d')!;
    const img = new ImageData(size, size);
    for (let i = 0; i < size * size; i++) {
      // Veiled picture: a faint grey version, so shapes are findable but details need revealing.
      const lum = 0.299 * clean[i * 3] + 0.587 * clean[i * 3 + 1] + 0.114 * clean[i * 3 + 2];
      const v = Math.round((0.55 + 0.25 * lum) * 255);
      img.data.set([v, v, v, 255], i * 4);
    }
    ctx.putImageData(img, 0, 0);
    const full = new ImageData(new Uint8ClampedArray(size * size * 4), size, size);
    for (let i = 0; i < size * size; i++) {
      full.data.set([clean[i * 3] * 255, clean[i * 3 + 1] * 255, clean[i * 3 + 2] * 255, 255], i * 4);
    }
    const picture = document.createElement('canvas');
    picture.width = picture.height = size;
    picture.getContext('2d')!.putImageData(full, 0, 0);
    ctx.save();
    ctx.beginPath();
    for (const b of [...strokes.flat(), ...pending]) {
      ctx.moveTo(b.x * size + b.r * size, b.y * size);
      ctx.arc(b.x * size, b.y * size, b.r * size, 0, Math.PI * 2);
    }
    ctx.clip();
    ctx.drawImage(picture, 0, 0);
    ctx.restore();
    if (focused) {
      ctx.strokeStyle = '#5b4cf0';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(cursor.x * size, cursor.y * size, radius * size, 0, Math.PI * 2);
      ctx.stroke();
    }
  }, [strokes, pending, clean, size, cursor, focused, radius]);

  const commit = (stroke: Stroke) => {
    drawnMapStore.getState().addStroke(imageId, stroke);
    onChange();
  };
  const pos = (e: PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: (e.clientX - rect.left) / rect.width, y: (e.clientY - rect.top) / rect.height };
  };
  const onDown = (e: PointerEvent<HTMLCanvasElement>) => {
    e.currentTarget.setPointerCapture?.(e.pointerId);
    const [b] = bubblesAlong(null, pos(e), radius);
    drag.current = { stroke: [b], last: b };
    setPending([b]);
  };
  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drag.current) return;
    const more = bubblesAlong(drag.current.last, pos(e), radius);
    if (!more.length) return;
    drag.current.stroke.push(...more);
    drag.current.last = more[more.length - 1];
    setPending([...drag.current.stroke]);
  };
  const onUp = () => {
    if (drag.current) commit(drag.current.stroke);
    drag.current = null;
    setPending([]);
  };
  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const step = radius;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[e.key]) {
      e.preventDefault();
      setCursor((c) => ({ x: Math.min(1, Math.max(0, c.x + moves[e.key][0])), y: Math.min(1, Math.max(0, c.y + moves[e.key][1])) }));
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      commit([{ ...cursor, r: radius }]);
    } else if (e.key === 'z' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      drawnMapStore.getState().undo(imageId);
      onChange();
    }
  };

  return (
    <div className="bubble-editor">
      <canvas
        ref={canvas}
        className="editor-canvas"
        tabIndex={0}
        role="application"
        aria-label="Drawing area: click or drag to reveal the regions you find important. Arrow keys move the brush, Enter places a bubble."
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={onUp}
        onKeyDown={onKey}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        data-testid="map-editor"
      />
      <div className="editor-tools">
        <button
          type="button"
          className="secondary"
          disabled={strokes.length === 0}
          onClick={() => {
            drawnMapStore.getState().undo(imageId);
            onChange();
          }}
          data-testid="map-undo"
        >
          Undo
        </button>
        <button
          type="button"
          className="secondary"
          disabled={strokes.length === 0}
          onClick={() => {
            drawnMapStore.getState().clear(imageId);
            onChange();
          }}
          data-testid="map-clear"
        >
          Clear
        </button>
        <label className="slider-inline">
          <span>bubble size</span>
          <input type="range" min={4} max={40} value={Math.round(radius * 256)} onChange={(e) => setRadius(Number(e.target.value) / 256)} aria-label="Bubble radius" />
        </label>
        <span className="muted small" data-testid="map-bubbles">
          {strokes.flat().length} bubbles
        </span>
      </div>
    </div>
  );
}
