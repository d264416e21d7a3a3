/**
 * What the session's buttons do: talks to the worker through the client and records the outcome
 * in the session store. Operations run one after another, so a model load and an image change
 * never interleave; a failure leaves the previous model and image in place and shows an error.
 */
import { cropResize } from '../../core/image/resize';
import { preprocessingOf } from '../../core/models/preprocessing';
import type { ModelInfo } from '../../core/models/types';
import { decodeImageFile } from '../../core/image/decode';
import { describeReading, importanceFromRgbImage } from '../../core/image/importanceMap';
import type { FloatImage } from '../../core/image/types';
import type { WorkerClient } from '../../worker/client';
import type { BackendName, ModelOverrides, ModelSource } from '../../worker/protocol';
import { sessionStore, type ImageSelection, type ModelInput } from './sessionStore';
import type { StartParams } from '../urlParams';
import type { GallerySample } from '../../core/samples/gallery';
import type { StoredUpload, UploadStore } from '../storage/uploadStore';
import { parseUrlModelId, toOverrides, urlModelId, type OverrideFields } from '../../core/models/modelId';
import { rememberFileModel, rememberUrlModel } from '../batch/batchSources';

/** A gallery entry: where its picture (and human map) can be fetched from. */
export type SampleRef = Pick<GallerySample, 'id' | 'name' | 'kind' | 'imageUrl' | 'heatmapUrl' | 'label'>;

export interface SessionControllerDeps {
  client: WorkerClient;
  /** The gallery, resolved once at start. */
  samples: () => Promise<SampleRef[]>;
  defaultModelId: string;
  /** Updates the address bar; absent in tests. */
  writeUrl?: (update: Partial<Record<'model' | 'image' | 'backend', string | null>>) => void;
  fetchImpl?: typeof fetch;
  /** Picture decoder; the browser's by default, a Node one in tests. */
  decode?: (blob: Blob, channels: 1 | 3, name: string) => Promise<FloatImage>;
  /** Keeps uploaded pictures across reloads; absent (or failing) means they are not kept. */
  uploads?: () => Promise<UploadStore>;
  /** Completes a loaded model's preprocessing (timm's table for a timm name); absent = as the worker gave it. */
  fillPreprocessing?: (info: ModelInfo) => Promise<ModelInfo>;
  /** True while the browser has no network (navigator.onLine false); absent means online. */
  isOffline?: () => boolean;
}

/** An image, map or sample the session cannot use; the message names it and says why. */
export class SessionInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionInputError';
  }
}

/**
 * The first picture a visitor sees: a ClickMe sample that the default model (MobileNet v1 0.25)
 * classifies correctly through its antialiased crop and resize, so the first attack has something to
 * do (the first sample of the index, a warthog, reads as its sibling "wild boar" there).
 */
export const DEFAULT_SAMPLE_ID = 'serre-lab_7';

export class SessionController {
  private queue: Promise<unknown> = Promise.resolve();
  private samplesCache: Promise<SampleRef[]> | null = null;

  constructor(private readonly deps: SessionControllerDeps) {
    deps.client.onStatus((status) => sessionStore.getState().setStatus(status));
    deps.client.onError((error) => {
      sessionStore.getState().showError(error.message, error.code);
      // After a lost device the worker reloads the model but needs the image again.
      if (error.code === 'gpu-lost') void this.enqueue(async () => void (await this.sendImage()));
    });
  }

  private get decode() {
    return this.deps.decode ?? decodeImageFile;
  }

  get client(): WorkerClient {
    return this.deps.client;
  }

  samples(): Promise<SampleRef[]> {
    this.samplesCache ??= this.deps.samples();
    return this.samplesCache;
  }

  /** Starts the backend, the default (or URL-given) model and image, then predicts. */
  start(params: StartParams): Promise<void> {
    const store = sessionStore.getState();
    if (params.badBackend) {
      store.addNotice(`The URL asks for backend "${params.badBackend}", which is not one of webgpu, webgl, wasm, cpu; choosing automatically.`);
    }
    if (params.backend) store.setForcedBackend(params.backend);
    const modelId = params.model ?? this.deps.defaultModelId;
    // Three steps, so a model that cannot load still leaves the picture on screen (and vice versa).
    void this.enqueue(async () => sessionStore.getState().setStatus(await this.deps.client.init(params.backend)));
    void this.enqueue(async () => {
      if (!sessionStore.getState().status) return;
      const fromUrl = parseUrlModelId(modelId);
      await this.loadModel(fromUrl ? { kind: 'url', url: fromUrl.url, overrides: toOverrides(fromUrl.fields) } : { kind: 'catalogue', id: modelId }, modelId);
      if (fromUrl) void rememberUrlModel(modelId).catch(() => {});
    });
    return this.enqueue(async () => {
      if (params.image?.startsWith(UPLOAD_PREFIX) && (await this.reopenUpload(params.image))) return;
      const samples = await this.samples();
      const sample =
        (params.image && samples.find((s) => s.id === params.image)) || samples.find((s) => s.id === DEFAULT_SAMPLE_ID) || samples[0];
      if (params.image && sample?.id !== params.image) {
        const what = params.image.startsWith(UPLOAD_PREFIX)
          ? `The uploaded image "${params.image.slice(UPLOAD_PREFIX.length)}" is not stored in this browser (upload it again to go on)`
          : `There is no sample image "${params.image}"`;
        sessionStore.getState().showError(`${what}; showing "${sample?.name}" instead.`, 'bad-request');
      }
      if (sample) await this.openSample(sample);
    });
  }

  forceBackend(backend: BackendName | null): Promise<void> {
    sessionStore.getState().setForcedBackend(backend);
    this.deps.writeUrl?.({ backend });
    return this.enqueue(async () => {
      sessionStore.getState().setStatus(await this.deps.client.init(backend ?? undefined));
      await this.predict();
    });
  }

  selectCatalogueModel(id: string): Promise<void> {
    return this.enqueue(() => this.loadModel({ kind: 'catalogue', id }, id));
  }

  /** A model from a URL; its id (the URL with the stated fields) goes into the address, so a link reloads it. */
  loadModelFromUrl(url: string, fields: OverrideFields): Promise<void> {
    return this.enqueue(async () => {
      await this.loadModel({ kind: 'url', url, overrides: toOverrides(fields) }, urlModelId(url, fields));
      // A model that opened joins the batch's model list (a failing store only costs that).
      void rememberUrlModel(urlModelId(url, fields)).catch(() => {});
    });
  }

  loadModelFromFiles(files: File[], overrides?: ModelOverrides): Promise<void> {
    // The File objects go to the worker unread: it reads what it needs, off the main thread.
    return this.enqueue(async () => {
      await this.loadModel({ kind: 'files', files: files.map((f) => ({ name: f.name, bytes: f })), overrides }, null);
      void rememberFileModel(files, overrides).catch(() => {});
    });
  }

  selectSample(sample: SampleRef): Promise<void> {
    return this.enqueue(() => this.openSample(sample));
  }

  uploadImage(file: File): Promise<void> {
    return this.enqueue(async () => {
      const image = await this.decode(file, 3, file.name);
      const id = `${UPLOAD_PREFIX}${file.name}`;
      await this.showImage({ id, name: file.name, kind: 'upload', displayUrl: URL.createObjectURL(file), image });
      this.deps.writeUrl?.({ image: id });
      const bytes = await file.arrayBuffer();
      await this.keepUpload((store) => store.save({ id, name: file.name, bytes, type: file.type, savedAt: Date.now() }));
    });
  }

  /** Shows an upload kept from an earlier visit; false when this browser does not hold it. */
  private async reopenUpload(id: string): Promise<boolean> {
    let stored: StoredUpload | null | undefined;
    try {
      stored = await (await this.deps.uploads?.())?.load(id);
    } catch {
      return false;
    }
    if (!stored) return false;
    const blob = new Blob([stored.bytes], { type: stored.type });
    await this.showImage({
      id,
      name: stored.name,
      kind: 'upload',
      displayUrl: URL.createObjectURL(blob),
      image: await this.decode(blob, 3, stored.name),
      ...(stored.heatmap ? { heatmap: stored.heatmap, heatmapOrigin: 'user' as const, heatmapReading: stored.heatmapReading } : {}),
    });
    return true;
  }

  /** Storage is a convenience: when it fails the picture still works, and a notice says it will not be kept. */
  private async keepUpload(work: (store: UploadStore) => Promise<void>): Promise<void> {
    try {
      const store = await this.deps.uploads?.();
      if (store) await work(store);
    } catch (e) {
      sessionStore.getState().addNotice((e as Error).message);
    }
  }

  /**
   * A human importance map for the current image (any size; it is cropped and resized like the
   * image). A colour picture is read through the colour map it matches; the UI says which.
   */
  uploadHeatmap(file: File): Promise<void> {
    return this.enqueue(async () => {
      const { map, reading } = importanceFromRgbImage(await this.decode(file, 3, file.name));
      await this.attachHeatmap(map, file.name, describeReading(reading));
    });
  }

  /**
   * Shows an image that came from elsewhere (e.g. a record of a ClickMe TFRecord shard, with its
   * map): it is cropped to the model's size, sent to the worker and predicted, like a sample.
   */
  openImage(selection: ImageSelection): Promise<void> {
    return this.enqueue(() => this.showImage(selection));
  }

  /** Gives the current image a one-channel human map at the image's own resolution (or proportions). */
  setHeatmap(heatmap: FloatImage, name = 'heatmap'): Promise<void> {
    return this.enqueue(() => this.attachHeatmap(heatmap, name, undefined));
  }

  private async attachHeatmap(heatmap: FloatImage, name: string, reading: string | undefined): Promise<void> {
    const current = sessionStore.getState().image;
    if (!current) throw new SessionInputError('Pick an image before adding a heatmap for it.');
    if (heatmap.channels !== 1) throw new SessionInputError(`The heatmap "${name}" must have one channel, not ${heatmap.channels}.`);
    checkSameAspect(current.image, heatmap, name);
    await this.showImage({ ...current, heatmap, heatmapOrigin: 'user', heatmapReading: reading });
    if (current.kind === 'upload') await this.keepUpload((store) => store.setHeatmap(current.id, heatmap, reading));
  }

  refreshPredictions(): Promise<void> {
    return this.enqueue(() => this.predict());
  }

  /** Runs fn after everything queued before it; reports its failure in the store and swallows it. */
  private enqueue(fn: () => Promise<void>): Promise<void> {
    const next = this.queue.then(fn).catch((e: unknown) => {
      const err = e as Error & { code?: string };
      sessionStore.getState().showError(err.message || String(e), err.code);
    });
    this.queue = next;
    return next;
  }

  private async loadModel(source: ModelSource, modelId: string | null): Promise<void> {
    const store = sessionStore.getState();
    const name = source.kind === 'catalogue' ? source.id : source.kind === 'url' ? source.url : source.files[0]?.name ?? 'model';
    store.setModelLoading({ name, fraction: 0 });
    try {
      const loaded = await this.deps.client.loadModel(source, (fraction) =>
        sessionStore.getState().setModelLoading({ name, fraction }),
      );
      const info = this.deps.fillPreprocessing ? await this.deps.fillPreprocessing(loaded) : loaded;
      sessionStore.getState().setModel(info, modelId);
      // Files cannot be named in an address: a reload then opens the default model, not a stale one.
      this.deps.writeUrl?.({ model: modelId });
    } catch (e) {
      if (source.kind !== 'catalogue' || !this.deps.isOffline?.()) throw e;
      // Offline, "not reachable" means "never stored on this device": say that, not which URL failed.
      throw Object.assign(
        new Error(
          `You are offline, and the model "${name}" is not stored on this device (it was never opened here, nor kept with "Keep offline"). ` +
            'Connect to the network to open it; press "Keep offline" then to use it without one.',
        ),
        { code: (e as { code?: string }).code },
      );
    } finally {
      sessionStore.getState().setModelLoading(null);
    }
    await this.sendImage();
  }

  private async openSample(sample: SampleRef): Promise<void> {
    const [image, heatmap] = await Promise.all([
      this.fetchPicture(sample.imageUrl, 3),
      sample.heatmapUrl ? this.fetchPicture(sample.heatmapUrl, 1) : Promise.resolve(undefined),
    ]);
    await this.showImage({
      id: sample.id,
      name: sample.name,
      kind: sample.kind,
      displayUrl: sample.imageUrl,
      image,
      heatmap,
      heatmapOrigin: heatmap ? 'clickme' : undefined,
      label: sample.label,
    });
    this.deps.writeUrl?.({ image: sample.id });
  }

  /** Makes `selection` the current image, but only once the worker has accepted it. */
  private async showImage(selection: ImageSelection): Promise<void> {
    const previous = sessionStore.getState().image;
    const input = await this.sendImage(selection);
    sessionStore.getState().setImage(selection);
    if (previous?.kind === 'upload' && previous.displayUrl !== selection.displayUrl) URL.revokeObjectURL(previous.displayUrl);
    if (input) await this.predict();
  }

  /** Crops the image to the model's size and sends it; the store keeps its own copy of the pixels. */
  private async sendImage(selection = sessionStore.getState().image): Promise<ModelInput | null> {
    const info = sessionStore.getState().modelInfo;
    if (!selection || !info) return null;
    const input = modelInputFor(selection, info);
    await this.deps.client.setImage(input.pixels.slice(), input.size, input.heatmap?.slice(), input.imageId);
    sessionStore.getState().setModelInput(input);
    if (selection === sessionStore.getState().image) await this.predict();
    return input;
  }

  private async predict(): Promise<void> {
    const store = sessionStore.getState();
    if (!store.modelInfo || !store.modelInput) return;
    store.setPredicting(true);
    try {
      store.setPredictions(await this.deps.client.predict());
    } finally {
      sessionStore.getState().setPredicting(false);
    }
  }
  private async fetchPicture(url: string, channels: 1 | 3): Promise<FloatImage> {
    let res: Response;
    try {
      res = await (this.deps.fetchImpl ?? fetch)(url);
    } catch (e) {
      throw new SessionInputError(`Could not reach the picture at "${url}" (${(e as Error).message}).`);
    }
    // A single-page-app server answers a missing file with index.html and status 200.
    if (!res.ok || res.headers.get('content-type')?.startsWith('text/html')) {
      throw new SessionInputError(`The picture at "${url}" is not on the server (HTTP ${res.status}); run "npm run assets" to fetch the samples.`);
    }
    return this.decode(await res.blob(), channels, url.slice(url.lastIndexOf('/') + 1));
  }
}

const UPLOAD_PREFIX = 'upload:';

/** The one crop-and-resize path (METHOD §1) for the picture and its map, with the model's own interpolation and crop_pct. */
export function modelInputFor(selection: ImageSelection, info: ModelInfo): ModelInput {
  const size = info.inputSize;
  const preprocessing = preprocessingOf(info);
  const pixels = cropResize(selection.image, size, preprocessing).data;
  const heatmap = selection.heatmap ? cropResize(selection.heatmap, size, preprocessing).data : undefined;
  return { imageId: selection.id, size, pixels, heatmap, preprocessing };
}

function checkSameAspect(image: FloatImage, heatmap: FloatImage, name: string): void {
  const a = image.width / image.height;
  const b = heatmap.width / heatmap.height;
  if (Math.abs(a - b) > 0.02 * Math.max(a, b)) {
    throw new SessionInputError(
      `The heatmap "${name}" is ${heatmap.width}×${heatmap.height} but the image is ${image.width}×${image.height}: ` +
        `a map must have the image's proportions to line up with it.`,
    );
  }
}
