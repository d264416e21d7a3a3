import { assetUrl as defaultAssetUrl } from '../assets/resolver';

export interface GallerySample {
  /** URL id (`?image=`): the ClickMe sample id, or a photo's file name without extension. */
  id: string;
  name: string;
  kind: 'clickme' | 'photo';
  imageUrl: string;
  /** ClickMe samples only; these maps are already blurred: humanMapForModel(map, size, 'ready'). */
  heatmapUrl?: string;
  /** ImageNet class index, where known. */
  label?: number;
  /** false where two ImageNet classes fit the photo. */
  labelSure?: boolean;
  licence: string;
}

export class SamplesError extends Error {
  override name = 'SamplesError';
}

export const CLICKME_INDEX = 'clickme-samples/index.json';

/** The CC0 / public-domain photos committed in public/samples (no human maps exist for them). */
export const PHOTOS: readonly { file: string; name: string; licence: string }[] = [
  { file: 'coffee.png', name: 'Coffee', licence: 'CC0 (Rachel Michetti)' },
  { file: 'chelsea.png', name: 'Chelsea the cat', licence: 'CC0 (Stéfan van der Walt)' },
  { file: 'astronaut.png', name: 'Astronaut', licence: 'public domain (NASA)' },
  { file: 'rocket.jpg', name: 'Rocket', licence: 'public domain (SpaceX)' },
  { file: 'motorcycle_left.png', name: 'Motorcycle', licence: 'Middlebury stereo 2014' },
];

export function photoSamples(samplesBase = defaultSamplesBase()): GallerySample[] {
  return PHOTOS.map((p) => ({
    id: p.file.replace(/\.[^.]+$/, ''),
    name: p.name,
    kind: 'photo',
    imageUrl: samplesBase + p.file,
    licence: p.licence,
  }));
}

interface ClickmeIndexRow {
  id: string;
  image: string;
  heatmap: string;
  label: number;
  labelName: string;
  labelSure?: boolean;
  licence?: string;
}

/** Parses clickme-samples/index.json; image and heatmap become URLs next to the index. */
export function parseClickmeIndex(json: unknown, indexUrl: string): GallerySample[] {
  const rows = (json as { samples?: unknown })?.samples;
  if (!Array.isArray(rows)) throw new SamplesError(`The sample index "${indexUrl}" has no "samples" list.`);
  const dir = indexUrl.slice(0, indexUrl.lastIndexOf('/') + 1);
  return rows.map((row: Partial<ClickmeIndexRow>, i) => {
    if (typeof row.id !== 'string' || typeof row.image !== 'string' || typeof row.heatmap !== 'string' || !Number.isInteger(row.label)) {
      throw new SamplesError(`Sample ${i} of "${indexUrl}" needs an id, an image, a heatmap and an integer label.`);
    }
    return {
      id: row.id,
      name: row.labelName ?? row.id,
      kind: 'clickme',
      imageUrl: dir + row.image,
      heatmapUrl: dir + row.heatmap,
      label: row.label,
      labelSure: row.labelSure ?? true,
      licence: row.licence ?? 'ClickMe research sample (Linsley et al. 2018)',
    };
  });
}

export interface GalleryOptions {
  assetUrl?: (path: string) => Promise<string | null>;
  fetchImpl?: typeof fetch;
  samplesBase?: string;
}

/**
 * The gallery: the ClickMe samples (they have human maps), then the photos. The repository ships the
 * samples in public/assets; should a deployment lack them, `problem` says why instead of failing: the
 * photos always work.
 */
export async function loadGallery(options: GalleryOptions = {}): Promise<{ samples: GallerySample[]; problem?: string }> {
  const resolve = options.assetUrl ?? defaultAssetUrl;
  const fetchImpl = options.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const photos = photoSamples(options.samplesBase);
  try {
    const url = await resolve(CLICKME_INDEX);
    if (!url) {
      return { samples: photos, problem: 'The ClickMe samples are not installed: run `npm run assets` with ALIGNSCOPE_ASSETS_MIRROR set to a mirror folder.' };
    }
    const res = await fetchImpl(url);
    if (!res.ok) return { samples: photos, problem: `The ClickMe sample index could not be loaded from ${url} (HTTP ${res.status}).` };
    return { samples: [...parseClickmeIndex(await res.json(), url), ...photos] };
  } catch (e) {
    return { samples: photos, problem: `The ClickMe samples could not be loaded: ${(e as Error).message}` };
  }
}

function defaultSamplesBase(): string {
  const base = (import.meta as { env?: { BASE_URL?: string } }).env?.BASE_URL ?? '/';
  return `${base.endsWith('/') ? base : `${base}/`}samples/`;
}
