/**
 * From the models named on the command line to model ids and ModelSources, checked before any job
 * runs: a catalogue id must exist, a path must be a readable file of a format AlignScope opens
 * (with its weight files next to a model.json), a URL must parse.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogueModel } from '../core/models/catalogue';
import { parseModelJson, weightFileNames } from '../core/models/layersLoader';
import { pickImporter } from '../core/models/importers';
import { isHdf5 } from '../core/importers/keras-h5/hdf5';
import { hasTfliteIdentifier } from '../core/importers/tflite/reader';
import { toOverrides, urlModelId, type OverrideFields } from '../core/models/modelId';
import type { NormalizationName } from '../core/models/normalizations';
import type { ModelSource } from '../worker/protocol';
import { readRange } from '../node/fileFetch';
import { modelSpecKind, UsageError, type ModelArg, type ModelFacts } from './args';

export interface ResolvedModel {
  /** The job list's model id: the catalogue id, or the path or URL with the stated facts as a #fragment. */
  id: string;
  source: ModelSource;
}

/** The app's form fields for what the command line states about a model. */
function factsToFields(facts: ModelFacts): OverrideFields {
  return {
    normalization: (facts.norm ?? '') as NormalizationName | '',
    inputSize: facts.size ?? '',
    classes: (facts.classes ?? '') as OverrideFields['classes'],
    logitsLayer: facts.logits ?? '',
    timmName: facts.timm ?? '',
    interpolation: (facts.interp ?? '') as OverrideFields['interpolation'],
    cropPct: facts.crop ?? '',
  };
}

export function resolveModels(models: readonly ModelArg[], cwd = process.cwd()): ResolvedModel[] {
  const resolved = models.map((m) => resolveModel(m, cwd));
  const seen = new Set<string>();
  for (const r of resolved) {
    if (seen.has(r.id)) throw new UsageError(`The model "${r.id}" is named twice in --models.`);
    seen.add(r.id);
  }
  return resolved;
}

function resolveModel({ spec, facts }: ModelArg, cwd: string): ResolvedModel {
  // A path or URL carries what the user stated in a #fragment, as the app's model ids do.
  // A file named without a folder or a model extension ("mymodel") is still a path when it exists.
  const isFile = fs.statSync(path.resolve(cwd, spec), { throwIfNoEntry: false })?.isFile() ?? false;
  const kind = modelSpecKind(spec) === 'catalogue' && isFile ? 'path' : modelSpecKind(spec);
  const fields = factsToFields(facts);
  const id = kind === 'catalogue' ? spec : urlModelId(spec, fields);
  switch (kind) {
    case 'catalogue':
      try {
        catalogueModel(spec);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      return { id, source: { kind: 'catalogue', id: spec } };
    case 'url':
      try {
        new URL(spec);
      } catch {
        throw new UsageError(`The model URL "${spec}" is not a valid address.`);
      }
      return { id, source: { kind: 'url', url: spec, overrides: toOverrides(fields) } };
    case 'path': {
      const file = path.resolve(cwd, spec);
      checkModelFile(file, spec);
      return { id, source: { kind: 'url', url: pathToFileURL(file).href, overrides: toOverrides(fields) } };
    }
  }
}

function readable(file: string, spec: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new UsageError(`The model file "${spec}" cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}

/** Format and companions checked now, so a typo stops the command instead of failing every job of the model. */
function checkModelFile(file: string, spec: string): void {
  const name = path.basename(file);
  // Only the head is needed to pick the importer; a multi-GB .h5 is not read here.
  const head = readHead(file, spec);
  let format: string;
  try {
    format = pickImporter(head, name).format;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const problem = contentProblem(format, head);
  if (problem) throw new UsageError(`The model file "${spec}" is named as ${format} but ${problem}.`);
  if (name.toLowerCase().endsWith('.json')) {
    let weights: string[];
    try {
      weights = weightFileNames(parseModelJson(new Uint8Array(readable(file, spec)), name));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const missing = weights.filter((w) => !fs.existsSync(path.join(path.dirname(file), w)));
    if (missing.length) {
      throw new UsageError(`The model "${spec}" names weight files that are not next to it: ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}.`);
    }
  }
}

/**
 * The importers pick a format by extension too (a file named .onnx is opened as ONNX); the first
 * bytes tell a renamed or damaged file here, before any job, instead of failing every job of it.
 */
function contentProblem(format: string, head: Uint8Array): string | null {
  if (format === 'tflite' && !hasTfliteIdentifier(head)) return 'it lacks the TFLite file identifier "TFL3"';
  if (format === 'keras-h5' && !isHdf5(head)) return 'it does not start with the HDF5 signature';
  // Every ONNX writer serialises ModelProto's ir_version (field 1, a varint) first.
  if (format === 'onnx' && head[0] !== 0x08) return 'it does not start like an ONNX ModelProto';
  return null;
}

function readHead(file: string, spec: string): Uint8Array {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UsageError(`The model file "${spec}" does not exist.`);
  }
  if (!stat.isFile()) throw new UsageError(`The model "${spec}" is not a file (a folder?): name the model.json, .tflite, .h5 or .onnx file.`);
  try {
    return readRange(file, 0, 64);
  } catch (e) {
    throw new UsageError(`The model file "${spec}" cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
}
