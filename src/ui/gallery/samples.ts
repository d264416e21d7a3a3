import type { SampleRef } from '../state/sessionController';

const base = (): string => import.meta.env.BASE_URL ?? '/';

/** The CC0 / public-domain photos shipped in public/samples (no human maps exist for them). */
export const PHOTOS: { file: string; name: string }[] = [
  { file: 'coffee.png', name: 'Coffee' },
  { file: 'chelsea.png', name: 'Chelsea the cat' },
  { file: 'astronaut.png', name: 'Astronaut' },
  { file: 'rocket.jpg', name: 'Rocket' },
  { file: 'motorcycle_left.png', name: 'Motorcycle' },
];

interface ClickMeIndex {
  samples: { id: string; image: string; heatmap: string; label: number; labelName: string }[];
}

/** Photos as gallery entries; their ids are the file names without extension (image=coffee). */
export function photoSamples(root = base()): SampleRef[] {
  return PHOTOS.map((p) => ({
    id: p.file.replace(/\.[a-z]+$/, ''),
    name: p.name,
    kind: 'photo',
    imageUrl: `${root}samples/${p.file}`,
  }));
}

/** ClickMe samples from the assets' index.json, each with its human map and label. */
export function clickmeSamples(index: ClickMeIndex, root = base()): SampleRef[] {
  const dir = `${root}assets/clickme-samples/`;
  return index.samples.map((s) => ({
    id: s.id,
    name: s.labelName,
    kind: 'clickme',
    imageUrl: dir + s.image,
    heatmapUrl: dir + s.heatmap,
    label: s.label,
  }));
}

/** The whole gallery: ClickMe samples first (they have human maps), then the photos. */
export async function loadSamples(fetchImpl: typeof fetch = fetch, root = base()): Promise<SampleRef[]> {
  let clickme: SampleRef[] = [];
  try {
    const res = await fetchImpl(`${root}assets/clickme-samples/index.json`);
    if (res.ok) clickme = clickmeSamples((await res.json()) as ClickMeIndex, root);
  } catch {
    // Without the assets the photos still work; the gallery simply lists fewer images.
  }
  return [...clickme, ...photoSamples(root)];
}
