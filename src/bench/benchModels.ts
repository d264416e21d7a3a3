import { naiveLogits } from '../core/engine/naiveLogits';
import { openOnnx } from '../core/importers/onnx';
import { openTflite } from '../core/importers/tflite';
import { catalogueModel, CATALOGUE } from '../core/models/catalogue';
import { buildLayersModel, parseModelJson, weightFileNames } from '../core/models/layersLoader';
import { openLayersModel } from '../core/models/layersImporter';
import { normalizationPreset } from '../core/models/normalizations';
import type { Classifier, ModelInfo } from '../core/models/types';
import { wrapClassifier } from '../core/models/wrapClassifier';

export class BenchModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchModelError';
  }
}

/** Prefix of the ONNX rows: `onnx:<layers id>` is that Keras MobileNet converted to a torch-style .onnx. */
export const ONNX_PREFIX = 'onnx:';
/** Where scripts/bench.mjs writes the converted ONNX files inside the served folder (no .onnx is mirrored). */
export const onnxUrl = (layersId: string) => `/bench-onnx/${layersId}.onnx`;
/** Prefix of the PyTorch rows: `torch:<torchvision name>` is that architecture exported by Debian's PyTorch with random weights. */
export const TORCH_PREFIX = 'torch:';
/** The PyTorch exports scripts/bench.mjs writes on the fly (scripts/onnx-fixtures/export_torchvision_full.py). */
export const torchUrl = (name: string) => `/bench-onnx/torch/${name}.onnx`;

const ids = (format: ModelInfo['format']) => CATALOGUE.filter((m) => m.format === format).map((m) => m.id);
const GROUPS: Record<string, () => string[]> = {
  layers: () => ids('tfjs-layers'),
  tflite: () => ids('tflite'),
  onnx: () => [`${ONNX_PREFIX}mobilenet_v1_0.25_224`],
  torch: () => [`${TORCH_PREFIX}resnet50`, `${TORCH_PREFIX}vit_b_16`],
  all: () => [...GROUPS.layers(), ...GROUPS.tflite(), ...GROUPS.onnx()],
};

/** Short enough that all four backends finish in minutes on a software GPU: one row per format, plus the larger layers model. */
export const DEFAULT_MODELS = `layers,mobilenet_v1_0.25_128_quant,${ONNX_PREFIX}mobilenet_v1_0.25_224`;

/** Row ids from the `models` parameter: ids and the group names layers, tflite, onnx and all, comma-separated. */
export function resolveModelIds(param: string | null): string[] {
  const out = (param || DEFAULT_MODELS).split(',').map((s) => s.trim()).filter(Boolean).flatMap((s) => GROUPS[s]?.() ?? [s]);
  return [...new Set(out)];
}

/** One row's models: the classifier attacks use, and the plain tf.grad baseline where the format has one. */
export interface BenchModels {
  info: ModelInfo;
  engine: Classifier;
  /** The layers model under plain tf.grad (disposing it frees the layers model); null where the model is already built from plain ops. */
  naive: Classifier | null;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new BenchModelError(`The benchmark could not fetch ${url} (HTTP ${res.status}); run npm run assets, and start it with npm run bench.`);
  return new Uint8Array(await res.arrayBuffer());
}

async function openLayers(info: ModelInfo): Promise<BenchModels> {
  const base = `/assets/${info.assetPath!.slice(0, info.assetPath!.lastIndexOf('/') + 1)}`;
  const main = { name: 'model.json', bytes: await fetchBytes(`${base}model.json`) };
  const json = parseModelJson(main.bytes, main.name);
  const files = new Map<string, Uint8Array>();
  for (const n of weightFileNames(json)) files.set(n, await fetchBytes(base + n));
  const layers = await buildLayersModel(json, files, main.name);
  const naiveClassifier = wrapClassifier(naiveLogits(layers, info.logitsLayer), info);
  const naive = { ...naiveClassifier, dispose: () => (naiveClassifier.dispose(), layers.dispose()) };
  const engine = wrapClassifier((await openLayersModel(main, files, { logitsLayer: info.logitsLayer })).raw, info);
  return { info, engine, naive };
}

async function openTfliteRow(info: ModelInfo): Promise<BenchModels> {
  const { raw } = openTflite(await fetchBytes(`/assets/${info.assetPath}`), `${info.id}.tflite`);
  return { info, engine: wrapClassifier(raw, info), naive: null };
}

async function openOnnxRow(layersId: string): Promise<BenchModels> {
  const layers = catalogueModel(layersId);
  if (layers.format !== 'tfjs-layers') {
    throw new BenchModelError(`The row "${ONNX_PREFIX}${layersId}" names a ${layers.format} model; ONNX rows convert a Keras MobileNet, so name a layers model.`);
  }
  const info: ModelInfo = { ...layers, format: 'onnx' };
  const bytes = await fetchBytes(onnxUrl(layersId));
  const { raw } = openOnnx(bytes, `${layersId}.onnx`, { normalization: normalizationPreset('[-1,1]'), normalizationName: '[-1,1]' });
  return { info, engine: wrapClassifier(raw, info), naive: null };
}

/** A torchvision export at 224 px with ImageNet mean/std (the importer's default for ONNX files). */
async function openTorchRow(name: string): Promise<BenchModels> {
  const opened = openOnnx(await fetchBytes(torchUrl(name)), `${name}.onnx`, {
    normalization: normalizationPreset('ImageNet mean/std'),
    normalizationName: 'ImageNet mean/std',
  });
  const info = { ...opened.info, id: `${TORCH_PREFIX}${name}`, name: `${name} (torchvision, random weights)`, family: name } as ModelInfo;
  return { info, engine: wrapClassifier(opened.raw, info), naive: null };
}

/** Fetches and opens the models of one row id (a catalogue id, `onnx:<layers id>` or `torch:<torchvision name>`). */
export async function openBenchModels(id: string): Promise<BenchModels> {
  if (id.startsWith(ONNX_PREFIX)) return openOnnxRow(id.slice(ONNX_PREFIX.length));
  if (id.startsWith(TORCH_PREFIX)) return openTorchRow(id.slice(TORCH_PREFIX.length));
  const info = catalogueModel(id);
  if (info.format === 'tfjs-layers') return openLayers(info);
  if (info.format === 'tflite') return openTfliteRow(info);
  throw new BenchModelError(`The benchmark has no loader for ${info.format} models such as "${id}"; use a layers, tflite or onnx: row.`);
}
