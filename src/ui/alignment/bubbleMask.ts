/**
 * A human map drawn the ClickMe way: the user reveals circular bubbles over what they find
 * diagnostic; the map is the union of the bubbles, blurred like an official ClickMe heatmap.
 * Coordinates are fractions of the model input's side, so a drawing does not depend on the
 * canvas size it was made on.
 */

export interface Bubble {
  /** Centre, as fractions of the image side (0 = left/top, 1 = right/bottom). */
  x: number;
  y: number;
  /** Radius as a fraction of the image side. */
  r: number;
}

/** One click or one drag: undo removes a whole stroke. */
export type Stroke = Bubble[];

export class BubbleMapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BubbleMapError';
  }
}

/** ClickMe's game canvas is 256×256: masks are drawn there, then preprocessed like official maps. */
export const CLICKME_SIZE = 256;
export const DEFAULT_BUBBLE_RADIUS = 12 / CLICKME_SIZE;

/** size×size mask, 1 where the pixel centre lies inside any bubble, else 0. */
export function rasteriseBubbles(strokes: readonly Stroke[], size: number): Float32Array {
  if (!Number.isInteger(size) || size < 1) throw new BubbleMapError(`A bubble mask needs a positive whole size, not ${size}.`);
  const mask = new Float32Array(size * size);
  for (const stroke of strokes) {
    for (const b of stroke) {
      const cx = b.x * size;
      const cy = b.y * size;
      const r = b.r * size;
      const r2 = r * r;
      const y0 = Math.max(0, Math.floor(cy - r));
      const y1 = Math.min(size - 1, Math.ceil(cy + r));
      const x0 = Math.max(0, Math.floor(cx - r));
      const x1 = Math.min(size - 1, Math.ceil(cx + r));
      for (let y = y0; y <= y1; y++) {
        const dy = y + 0.5 - cy;
        for (let x = x0; x <= x1; x++) {
          const dx = x + 0.5 - cx;
          if (dx * dx + dy * dy <= r2) mask[y * size + x] = 1;
        }
      }
    }
  }
  return mask;
}

/**
 * Bubbles from `from` to `to` (exclusive of `from`), spaced half a radius apart, so a fast drag
 * still reveals a continuous trail.
 */
export function bubblesAlong(from: Bubble | null, to: { x: number; y: number }, r: number): Bubble[] {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const end = { x: clamp(to.x), y: clamp(to.y), r };
  if (!from) return [end];
  const dist = Math.hypot(end.x - from.x, end.y - from.y);
  const n = Math.ceil(dist / (r / 2));
  const out: Bubble[] = [];
  for (let i = 1; i <= n; i++) {
    const t = i / n;
    out.push({ x: from.x + (end.x - from.x) * t, y: from.y + (end.y - from.y) * t, r });
  }
  return out;
}

/** Scales a map so its largest value is 1 (an all-zero map stays zero). */
export function normaliseToUnit(map: Float32Array): Float32Array {
  let max = 0;
  for (const v of map) if (v > max) max = v;
  if (max <= 0) return map;
  const out = new Float32Array(map.length);
  for (let i = 0; i < map.length; i++) out[i] = map[i] / max;
  return out;
}

/** Strokes as stored (JSON), checked on the way back in. */
export function parseStrokes(text: string, where: string): Stroke[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BubbleMapError(`The drawn map stored for ${where} is not valid JSON.`);
  }
  const ok =
    Array.isArray(data) &&
    data.every(
      (s) =>
        Array.isArray(s) &&
        s.every((b) => b && [b.x, b.y, b.r].every((v) => typeof v === 'number' && Number.isFinite(v)) && b.r > 0),
    );
  if (!ok) throw new BubbleMapError(`The drawn map stored for ${where} is not a list of bubble strokes.`);
  return data as Stroke[];
}
