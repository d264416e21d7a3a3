import { NORMALIZATION_NAMES, normalizationPreset, type NormalizationName } from './normalizations';
import type { ModelInfo } from './types';

/** What the user may state about a model that is not in the catalogue. */
export type ModelOverrides = Partial<
  Pick<
    ModelInfo,
    'name' | 'inputSize' | 'normalization' | 'normalizationName' | 'numOutputs' | 'classOffset' | 'logitsLayer' | 'timmName'
  >
>;

/** What the user states about a model of their own; empty strings mean "detect from the file". */
export interface OverrideFields {
  normalization: NormalizationName | '';
  inputSize: string;
  classes: '' | '1000' | '1001';
  logitsLayer: string;
  timmName: string;
}

export const EMPTY_FIELDS: OverrideFields = { normalization: '', inputSize: '', classes: '', logitsLayer: '', timmName: '' };

/** Turns the form into what the worker needs; only the fields the user filled in are stated. */
export function toOverrides(f: OverrideFields): ModelOverrides {
  const o: ModelOverrides = {};
  if (f.normalization) {
    o.normalization = normalizationPreset(f.normalization);
    o.normalizationName = f.normalization;
  }
  const size = Number(f.inputSize);
  if (f.inputSize.trim() && Number.isInteger(size) && size > 0) o.inputSize = size;
  if (f.classes) {
    o.numOutputs = Number(f.classes);
    o.classOffset = f.classes === '1001' ? 1 : 0;
  }
  if (f.logitsLayer.trim()) o.logitsLayer = f.logitsLayer.trim();
  if (f.timmName.trim()) o.timmName = f.timmName.trim();
  return o;
}

/**
 * A model loaded from a URL is named by one string, its "model id": the URL, with what the user
 * stated about it in the fragment (`https://host/model.onnx#norm=…&classes=1001`). The fragment is
 * never sent to the server, and one string is what the address bar's `model=`, the run definition,
 * its stored copy and the run JSON already carry, so a shared link reloads the same model.
 */
const KEYS: [keyof OverrideFields, string][] = [
  ['normalization', 'norm'],
  ['inputSize', 'size'],
  ['classes', 'classes'],
  ['logitsLayer', 'logits'],
  ['timmName', 'timm'],
];

export function urlModelId(url: string, fields: OverrideFields): string {
  const base = url.split('#')[0];
  const q = new URLSearchParams();
  for (const [field, key] of KEYS) if (fields[field].trim()) q.set(key, fields[field].trim());
  const fragment = q.toString();
  return fragment ? `${base}#${fragment}` : base;
}

/** The URL and fields of a URL model id; null for anything else (catalogue ids have no scheme). */
export function parseUrlModelId(id: string): { url: string; fields: OverrideFields } | null {
  if (!/^https?:\/\//i.test(id)) return null;
  const hash = id.indexOf('#');
  const url = hash < 0 ? id : id.slice(0, hash);
  const q = new URLSearchParams(hash < 0 ? '' : id.slice(hash + 1));
  const fields = { ...EMPTY_FIELDS };
  const norm = q.get('norm') ?? '';
  if ((NORMALIZATION_NAMES as readonly string[]).includes(norm)) fields.normalization = norm as NormalizationName;
  const classes = q.get('classes') ?? '';
  if (classes === '1000' || classes === '1001') fields.classes = classes;
  fields.inputSize = q.get('size') ?? '';
  fields.logitsLayer = q.get('logits') ?? '';
  fields.timmName = q.get('timm') ?? '';
  return { url, fields };
}

/** The prefix of a model file the user opened, as a batch names it: `file:<name>`. */
export const FILE_MODEL_PREFIX = 'file:';

/** What a model id names: a catalogue model, a model at a URL with what the user stated, or a stored model file. */
export type ModelRef =
  | { kind: 'catalogue'; id: string }
  | { kind: 'url'; url: string; overrides: ModelOverrides }
  | { kind: 'file'; name: string };

export function parseModelId(id: string): ModelRef {
  if (id.startsWith(FILE_MODEL_PREFIX)) return { kind: 'file', name: id.slice(FILE_MODEL_PREFIX.length) };
  const url = parseUrlModelId(id);
  if (url) return { kind: 'url', url: url.url, overrides: toOverrides(url.fields) };
  return { kind: 'catalogue', id };
}
