import { BACKEND_NAMES, type BackendName } from '../worker/protocol';

/** The automation contract's URL parameters: model=<catalogue id>, image=<sample id>, backend=<name>. */
export interface StartParams {
  model?: string;
  image?: string;
  backend?: BackendName;
  /** A backend= value that is not one of webgpu, webgl, wasm, cpu; shown to the user as a notice. */
  badBackend?: string;
}

export function readStartParams(search: string): StartParams {
  const q = new URLSearchParams(search);
  const params: StartParams = {};
  const model = q.get('model')?.trim();
  const image = q.get('image')?.trim();
  const backend = q.get('backend')?.trim().toLowerCase();
  if (model) params.model = model;
  if (image) params.image = image;
  if (backend) {
    if ((BACKEND_NAMES as readonly string[]).includes(backend)) params.backend = backend as BackendName;
    else params.badBackend = backend;
  }
  return params;
}

/** Keeps the address bar in step with the selection so a copied URL reopens it; other params are left alone. */
export function writeStartParams(search: string, update: Partial<Record<'model' | 'image' | 'backend', string | null>>): string {
  const q = new URLSearchParams(search);
  for (const [key, value] of Object.entries(update)) {
    if (value === null || value === undefined || value === '') q.delete(key);
    else q.set(key, value);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
