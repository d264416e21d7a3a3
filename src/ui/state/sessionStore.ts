/**
 * The session: backend, model, selected image, predictions, errors. A vanilla zustand store
 * (usable outside React, e.g. by the worker controller and by tests) with a React hook on top;
 * components select single fields.
 */
import type { Preprocessing } from '../../core/models/preprocessing';
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ModelInfo } from '../../core/models/types';
import type { FloatImage } from '../../core/image/types';
import type { BackendName, Prediction, StatusResponse } from '../../worker/protocol';

export type BackendStatus = Omit<StatusResponse, 'type' | 'requestId'>;

export type ImageKind = 'clickme' | 'photo' | 'upload';

export interface ImageSelection {
  /** Sample id for gallery images, `upload:<file name>` for the user's own. */
  id: string;
  name: string;
  kind: ImageKind;
  /** What an <img> can show (asset URL or object URL). */
  displayUrl: string;
  /** Decoded pixels at their own resolution; re-cropped whenever the model's input size changes. */
  image: FloatImage;
  /** One-channel human importance map at the image's resolution, if any. */
  heatmap?: FloatImage;
  heatmapOrigin?: 'clickme' | 'user';
  /** How an uploaded map picture's colours were read as importance (gray levels, a colour map…). */
  heatmapReading?: string;
  /** ImageNet class the picture shows, where known. */
  label?: number;
}

/** The current image as the worker has it: cropped and resized to the model's input size. */
export interface ModelInput {
  imageId: string;
  size: number;
  /** [size, size, 3] in [0,1]. */
  pixels: Float32Array;
  /** [size, size] in [0,1]. */
  heatmap?: Float32Array;
  /** How the picture became these pixels (the model's interpolation, crop_pct, normalisation). */
  preprocessing?: Preprocessing;
}

export interface SessionError {
  message: string;
  code?: string;
  /** Grows with every error so a repeated message still re-announces itself. */
  seq: number;
}

export interface SessionState {
  status: BackendStatus | null;
  /** The backend the user forced (UI or ?backend=), or null for automatic. */
  forcedBackend: BackendName | null;
  /** Id of the catalogue entry picked, or null for a model from a URL or files. */
  modelId: string | null;
  modelInfo: ModelInfo | null;
  /** Non-null while a model loads. */
  modelLoading: { name: string; fraction: number } | null;
  image: ImageSelection | null;
  modelInput: ModelInput | null;
  predictions: Prediction[] | null;
  predicting: boolean;
  error: SessionError | null;
  /** Things the user should know that are not errors (ignored URL parameters…); fallbacks come from `status`. */
  notices: string[];
}

export interface SessionActions {
  setStatus(status: BackendStatus): void;
  setForcedBackend(backend: BackendName | null): void;
  setModelLoading(loading: SessionState['modelLoading']): void;
  setModel(info: ModelInfo, modelId: string | null): void;
  setImage(image: ImageSelection): void;
  setModelInput(input: ModelInput | null): void;
  setPredictions(predictions: Prediction[] | null): void;
  setPredicting(predicting: boolean): void;
  showError(message: string, code?: string): void;
  dismissError(): void;
  addNotice(notice: string): void;
  dismissNotice(index: number): void;
  reset(): void;
}

export type Session = SessionState & SessionActions;

/** The sentence that makes a fallback visible, or null when the wanted backend runs. */
export function fallbackNotice(status: BackendStatus | null): string | null {
  if (!status?.fellBack) return null;
  return `Running on ${status.backend.toUpperCase()}: ${status.reasons.join(' ') || 'the wanted backend did not start.'}`;
}

const initialState: SessionState = {
  status: null,
  forcedBackend: null,
  modelId: null,
  modelInfo: null,
  modelLoading: null,
  image: null,
  modelInput: null,
  predictions: null,
  predicting: false,
  error: null,
  notices: [],
};

export const sessionStore = createStore<Session>()((set) => ({
  ...initialState,
  setStatus: (status) => set({ status }),
  setForcedBackend: (forcedBackend) => set({ forcedBackend }),
  setModelLoading: (modelLoading) => set({ modelLoading }),
  setModel: (modelInfo, modelId) => set({ modelInfo, modelId, modelLoading: null }),
  setImage: (image) => set({ image }),
  setModelInput: (modelInput) => set({ modelInput }),
  setPredictions: (predictions) => set({ predictions }),
  setPredicting: (predicting) => set({ predicting }),
  showError: (message, code) => set((s) => ({ error: { message, code, seq: (s.error?.seq ?? 0) + 1 } })),
  dismissError: () => set({ error: null }),
  addNotice: (notice) => set((s) => ({ notices: s.notices.includes(notice) ? s.notices : [...s.notices, notice] })),
  dismissNotice: (index) => set((s) => ({ notices: s.notices.filter((_, i) => i !== index) })),
  reset: () => set(initialState),
}));

/** React hook: `useSession((s) => s.modelInfo)`. Select one field per call so components re-render only for it. */
export function useSession<T>(selector: (s: Session) => T): T {
  return useStore(sessionStore, selector);
}
