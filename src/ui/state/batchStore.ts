/**
 * Batch runs, stored results, imported tables and the scatter's view options. A vanilla zustand
 * store (the batch controller and tests use it without React) with a hook for components.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { BatchPlan } from '../../core/batch/plan';
import type { PublishedRow } from '../../core/results/publishedTable';
import type { ProtocolId, ResultRecord } from '../../core/results/types';
import type { BatchProgress } from '../../core/batch/runner';
import type { StorageKind } from '../storage/resultsStore';
import type { LayerId, ScatterMode } from '../scatter/scatterData';

export interface ImportedTable {
  id: string;
  fileName: string;
  protocol: ProtocolId;
  rows: PublishedRow[];
}

/** A CSV with malformed rows, waiting for the user to agree to import the rest. */
export interface PendingImport {
  table: ImportedTable;
  problems: string[];
}

export interface ScatterView {
  mode: ScatterMode;
  colourBy: 'class' | 'top1';
  showImages: boolean;
  /** With showImages: one model's per-image points (its modelId), or null for every model's. */
  imagesOf: string | null;
  logX: boolean;
  layers: Record<LayerId, boolean>;
}

export interface BatchState {
  storage: { kind: StorageKind; problem: string | null } | null;
  results: ResultRecord[];
  batches: BatchPlan[];
  running: boolean;
  progress: BatchProgress | null;
  error: string | null;
  imports: ImportedTable[];
  pendingImport: PendingImport | null;
  view: ScatterView;
  /** Catalogue id whose runs the user opened from the scatter. */
  selectedModel: string | null;

  setStorage(kind: StorageKind, problem: string | null): void;
  setData(results: ResultRecord[], batches: BatchPlan[]): void;
  setRunning(running: boolean): void;
  setProgress(progress: BatchProgress | null): void;
  setError(error: string | null): void;
  addImport(table: ImportedTable): void;
  removeImport(id: string): void;
  setPendingImport(pending: PendingImport | null): void;
  setView(view: Partial<ScatterView>): void;
  toggleLayer(layer: LayerId): void;
  selectModel(modelId: string | null): void;
  reset(): void;
}

const initial = () => ({
  storage: null,
  results: [],
  batches: [],
  running: false,
  progress: null,
  error: null,
  imports: [],
  pendingImport: null,
  view: {
    mode: 'robustness-alignment' as const,
    colourBy: 'class' as const,
    showImages: false,
    imagesOf: null,
    logX: true,
    layers: { user: true, ref2025: true, ref2023: false, import: true },
  },
  selectedModel: null,
});

export const batchStore = createStore<BatchState>()((set) => ({
  ...initial(),
  setStorage: (kind, problem) => set({ storage: { kind, problem } }),
  setData: (results, batches) => set({ results, batches }),
  setRunning: (running) => set({ running }),
  setProgress: (progress) => set({ progress }),
  setError: (error) => set({ error }),
  addImport: (table) => set((s) => ({ imports: [...s.imports.filter((t) => t.id !== table.id), table] })),
  removeImport: (id) => set((s) => ({ imports: s.imports.filter((t) => t.id !== id) })),
  setPendingImport: (pendingImport) => set({ pendingImport }),
  setView: (view) => set((s) => ({ view: { ...s.view, ...view } })),
  toggleLayer: (layer) => set((s) => ({ view: { ...s.view, layers: { ...s.view.layers, [layer]: !s.view.layers[layer] } } })),
  selectModel: (selectedModel) => set({ selectedModel }),
  reset: () => set(initial()),
}));

export function useBatch<T>(selector: (s: BatchState) => T): T {
  return useStore(batchStore, selector);
}
