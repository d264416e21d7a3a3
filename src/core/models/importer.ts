import type { ModelFormat, ModelInfo, RawModel } from './types';

/** One model file format. Importers are plain TypeScript (no React) and tested in Node. */
export interface ModelImporter {
  format: ModelFormat;
  /** Cheap check on the first bytes and the file name; true when `open` should be tried. */
  match(head: Uint8Array, fileName: string): boolean;
  /**
   * Builds a differentiable RawModel from the main file's bytes. `files` holds every file the
   * user gave together (e.g. weight shards next to model.json), keyed by base name.
   * `onProgress` receives a fraction in [0,1] for long loads.
   * `hints` carries what the user stated (e.g. the logits layer); importers use what applies to them.
   * Throws the importer's own Error subclass with a full-sentence message naming file and problem.
   */
  open(
    main: { name: string; bytes: Uint8Array },
    files: Map<string, Uint8Array>,
    onProgress?: (fraction: number) => void,
    hints?: Partial<ModelInfo>,
  ): Promise<{ raw: RawModel; info: Partial<ModelInfo> }>;
}
