import { ModelLoadError } from './errors';
import type { ModelImporter } from './importer';
import { kerasH5Importer } from '../importers/keras-h5';
import { layersImporter } from './layersImporter';
import { onnxImporter } from '../importers/onnx/importer';
import { tfliteImporter } from '../importers/tflite/importer';

/** Every model format AlignScope opens; the first whose match() accepts a file opens it. */
export const IMPORTERS: ModelImporter[] = [layersImporter, kerasH5Importer, tfliteImporter, onnxImporter];

export function pickImporter(head: Uint8Array, fileName: string): ModelImporter {
  const importer = IMPORTERS.find((i) => i.match(head, fileName));
  if (!importer) {
    throw new ModelLoadError(
      `The file "${fileName}" is not a model format AlignScope can open (${IMPORTERS.map((i) => i.format).join(', ')}).`,
    );
  }
  return importer;
}
