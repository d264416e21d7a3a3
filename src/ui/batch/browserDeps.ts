/** The batch controller as the browser builds it: a worker of its own, samples over fetch, IndexedDB. */
import type { CropResizeOptions } from '../../core/image/resize';
import { batchImageOf } from '../../core/batch/imageSource';
import { decodeImageFile } from '../../core/image/decode';
import { loadSamples } from '../gallery/samples';
import { sessionStore } from '../state/sessionStore';
import { openResultsStore } from '../storage/resultsStore';
import { WorkerClient, type PortLike } from '../../worker/client';
import { BatchController, type BatchWorkerHandle } from './batchController';
import type { BatchImage } from '../../core/batch/runner';
import { parseImageId, UPLOAD_IMAGE_PREFIX } from '../../core/batch/imageIds';
import { openUploadStore } from '../storage/uploadStore';
import { checkPlanFiles, planFiles, resolveModel, shardFor, sourcesStore } from './batchSources';
import { writeBatchParams } from './batchUrl';

export class SampleLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SampleLoadError';
  }
}

async function fetchBlob(url: string, what: string): Promise<Blob> {
  const res = await fetch(url);
  if (!res.ok) throw new SampleLoadError(`Could not fetch ${what} from ${url} (HTTP ${res.status}).`);
  return res.blob();
}

/** `crop`: the model's interpolation and crop_pct (cropOptionsOf); defaults when absent. */
export async function loadSample(imageId: string, size: number, crop?: CropResizeOptions): Promise<BatchImage> {
  const sample = (await loadSamples()).find((s) => s.id === imageId);
  if (!sample) throw new SampleLoadError(`There is no sample image "${imageId}" in the gallery.`);
  if (sample.label === undefined) throw new SampleLoadError(`The sample "${imageId}" has no ImageNet label, which a batch needs.`);
  const image = await decodeImageFile(await fetchBlob(sample.imageUrl, `the image of "${imageId}"`), 3, sample.imageUrl);
  // ClickMe sample maps are already normalised and blurred: they only need the image's crop and resize.
  const heatmap = sample.heatmapUrl ? await decodeImageFile(await fetchBlob(sample.heatmapUrl, `the map of "${imageId}"`), 1, sample.heatmapUrl) : null;
  return batchImageOf(image, heatmap, sample.label, size, crop);
}

/** An upload kept in this browser, with the map given for it (already smooth: crop and resize only). */
export async function loadUpload(name: string, size: number, crop?: CropResizeOptions): Promise<BatchImage> {
  const id = `${UPLOAD_IMAGE_PREFIX}${name}`;
  const stored = await (await openUploadStore()).load(id);
  if (!stored) throw new SampleLoadError(`The uploaded picture "${name}" is not stored in this browser; upload it again.`);
  const image = await decodeImageFile(new Blob([stored.bytes], { type: stored.type }), 3, name);
  return batchImageOf(image, stored.heatmap ?? null, null, size, crop);
}

function shardNamesOf(images: readonly string[]): string[] {
  const names = new Set<string>();
  for (const id of images) {
    const ref = parseImageId(id);
    if (ref.kind === 'shard') names.add(ref.shard);
  }
  return [...names];
}

async function createWorker(): Promise<BatchWorkerHandle> {
  const w = new Worker(new URL('../../worker/worker.ts', import.meta.url), { type: 'module', name: 'alignscope-batch' });
  const client = new WorkerClient(w as unknown as PortLike);
  try {
    const status = await client.init(sessionStore.getState().forcedBackend ?? undefined);
    return {
      worker: client,
      backend: status.backend,
      dispose: () => {
        client.close();
        w.terminate();
      },
    };
  } catch (e) {
    client.close();
    w.terminate();
    throw e;
  }
}

let instance: BatchController | null = null;

/** The page's one batch controller, shared by the batch and scatter views. */
export function batchController(): BatchController {
  instance ??= new BatchController({
    openStore: () => openResultsStore(),
    createWorker,
    images: { sample: loadSample, upload: loadUpload, shard: shardFor },
    resolveModel,
    planFiles: (models, images) => planFiles(models, shardNamesOf(images)),
    checkFiles: checkPlanFiles,
    onWaiting: (waiting) => sourcesStore.setState({ waiting }),
    onStart: (req) => {
      const search = writeBatchParams(window.location.search, { ...req, images: req.imageSpecs ?? req.images });
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}${window.location.hash}`);
    },
    locks: typeof navigator !== 'undefined' ? (navigator.locks ?? null) : null,
  });
  return instance;
}
