import * as d3 from 'd3';
import { createImage, ImageShapeError, toRgba, type FloatImage } from './types';

/**
 * Importance maps arrive as pictures: ClickMe's are grayscale, but maps people export from
 * matplotlib or saliency tools are usually colour-mapped (jet, viridis, …). Taking one channel of
 * those ranks pixels wrongly (jet's red channel is flat over its lower third and falls at its top),
 * so a colour picture is read back through the colour map it best matches.
 */

export type ColourMapName = 'jet' | 'turbo' | 'viridis' | 'inferno' | 'magma' | 'plasma' | 'hot';

export type MapReading = { kind: 'grayscale' } | { kind: 'colour-map'; name: ColourMapName } | { kind: 'luminance' };

/** Largest channel spread still read as gray: JPEG chroma noise on a gray picture stays below it. */
const GRAY_SPREAD = 6;
/** RMS distance (0–255 units) from a colour map beyond which the picture is not that map. */
const FIT_RMS = 14;
/** Distinct colours used to choose the map; enough to see its whole range, cheap on large files. */
const FIT_SAMPLE = 4096;

const d3Maps: Partial<Record<ColourMapName, (t: number) => string>> = {
  turbo: d3.interpolateTurbo,
  viridis: d3.interpolateViridis,
  inferno: d3.interpolateInferno,
  magma: d3.interpolateMagma,
  plasma: d3.interpolatePlasma,
};

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** MATLAB's and matplotlib's jet and hot, from their piecewise-linear definitions. */
const formulaMaps: Partial<Record<ColourMapName, (t: number) => [number, number, number]>> = {
  jet: (t) => [clamp01(1.5 - Math.abs(4 * t - 3)), clamp01(1.5 - Math.abs(4 * t - 2)), clamp01(1.5 - Math.abs(4 * t - 1))],
  hot: (t) => [clamp01(t / 0.365), clamp01((t - 0.365) / 0.381), clamp01((t - 0.746) / 0.254)],
};

export const COLOUR_MAPS: ColourMapName[] = ['jet', 'turbo', 'viridis', 'inferno', 'magma', 'plasma', 'hot'];

const luts = new Map<ColourMapName, Float32Array>();

/** 256 RGB entries in 0–255 units. */
export function colourMapLut(name: ColourMapName): Float32Array {
  let lut = luts.get(name);
  if (!lut) {
    lut = new Float32Array(256 * 3);
    for (let i = 0; i < 256; i++) {
      const t = i / 255;
      const formula = formulaMaps[name];
      const [r, g, b] = formula ? formula(t).map((v) => v * 255) : (({ r, g, b }) => [r, g, b])(d3.rgb(d3Maps[name]!(t)));
      lut.set([r, g, b], i * 3);
    }
    luts.set(name, lut);
  }
  return lut;
}

/** The 8-bit RGB of pixel i as one number, 0xRRGGBB: colours are counted and looked up by it. */
function packedAt(rgba: ArrayLike<number>, i: number): number {
  return (rgba[i * 4] << 16) | (rgba[i * 4 + 1] << 8) | rgba[i * 4 + 2];
}

/** Index of the LUT entry nearest to the packed colour, and the squared distance to it. */
function nearest(lut: Float32Array, c: number): [number, number] {
  const [r, g, b] = [c >> 16, (c >> 8) & 255, c & 255];
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < 256; i++) {
    const dr = lut[i * 3] - r;
    const dg = lut[i * 3 + 1] - g;
    const db = lut[i * 3 + 2] - b;
    const d = dr * dr + dg * dg + db * db;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return [best, bestD];
}

function chooseReading(colours: number[], counts: Map<number, number>): MapReading {
  // Spread the sample over the colours present, weighting the fit by how many pixels use each.
  const stride = Math.max(1, Math.floor(colours.length / FIT_SAMPLE));
  let best: { name: ColourMapName; rms: number } | null = null;
  for (const name of COLOUR_MAPS) {
    const lut = colourMapLut(name);
    let sum = 0;
    let weight = 0;
    for (let i = 0; i < colours.length; i += stride) {
      const c = colours[i];
      const w = counts.get(c)!;
      sum += w * nearest(lut, c)[1];
      weight += w;
    }
    const rms = Math.sqrt(sum / weight);
    if (!best || rms < best.rms) best = { name, rms };
  }
  return best && best.rms <= FIT_RMS ? { kind: 'colour-map', name: best.name } : { kind: 'luminance' };
}

/**
 * 8-bit RGBA pixels of a map picture → a one-channel importance map in [0, 1], and how it was read:
 * gray pictures by their gray level (exactly, as ClickMe's), colour-mapped ones by their position
 * on the best-matching known map, anything else by luminance.
 */
export function importanceFromRgba(rgba: ArrayLike<number>, width: number, height: number): { map: FloatImage; reading: MapReading } {
  if (rgba.length !== width * height * 4) {
    throw new ImageShapeError(`RGBA pixels for a ${width}×${height} map need ${width * height * 4} bytes, but got ${rgba.length}.`);
  }
  const n = width * height;
  const data = new Float32Array(n);
  let gray = true;
  for (let i = 0; i < n && gray; i++) {
    const r = rgba[i * 4];
    const g = rgba[i * 4 + 1];
    const b = rgba[i * 4 + 2];
    gray = Math.max(r, g, b) - Math.min(r, g, b) <= GRAY_SPREAD;
  }
  if (gray) {
    for (let i = 0; i < n; i++) {
      const r = rgba[i * 4];
      const g = rgba[i * 4 + 1];
      const b = rgba[i * 4 + 2];
      // Equal channels stay exact 8-bit levels; near-equal ones (JPEG) average their noise away.
      data[i] = r === g && g === b ? r / 255 : (r + g + b) / 765;
    }
    return { map: createImage(width, height, 1, data), reading: { kind: 'grayscale' } };
  }
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = packedAt(rgba, i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const colours = [...counts.keys()];
  const reading = chooseReading(colours, counts);
  const valueOf = new Map<number, number>();
  if (reading.kind === 'colour-map') {
    const lut = colourMapLut(reading.name);
    for (const c of colours) valueOf.set(c, nearest(lut, c)[0] / 255);
  } else {
    // Rec. 709 luma: for a picture that follows no known map, brightness is the likeliest intent.
    for (const c of colours) valueOf.set(c, (0.2126 * (c >> 16) + 0.7152 * ((c >> 8) & 255) + 0.0722 * (c & 255)) / 255);
  }
  for (let i = 0; i < n; i++) data[i] = valueOf.get(packedAt(rgba, i))!;
  return { map: createImage(width, height, 1, data), reading };
}

/** importanceFromRgba for a decoded RGB picture (whose values are 8-bit levels / 255). */
export function importanceFromRgbImage(img: FloatImage): { map: FloatImage; reading: MapReading } {
  if (img.channels !== 3) throw new ImageShapeError(`A map picture to read colours from needs 3 channels, not ${img.channels}.`);
  return importanceFromRgba(toRgba(img), img.width, img.height);
}

const ENDS: Record<ColourMapName, string> = {
  jet: 'blue = low, red = high',
  turbo: 'blue = low, red = high',
  viridis: 'purple = low, yellow = high',
  inferno: 'black = low, yellow = high',
  magma: 'black = low, white = high',
  plasma: 'blue = low, yellow = high',
  hot: 'black = low, white = high',
};

/** Words for the UI: how the picture's colours became importance. */
export function describeReading(reading: MapReading): string {
  switch (reading.kind) {
    case 'grayscale':
      return 'gray levels (white = important)';
    case 'colour-map':
      return `the ${reading.name} colour map (${ENDS[reading.name]})`;
    case 'luminance':
      return 'brightness, as its colours follow no known colour map (jet, turbo, viridis, inferno, magma, plasma, hot)';
  }
}
