import type { ModelImporter } from '../../models/importer';
import type { ModelInfo, Normalization, RawModel } from '../../models/types';
import { buildTfliteModel } from './buildModel';
import { TfliteImportError } from './errors';
import { hasTfliteIdentifier, readTfliteGraph, type TfliteTensor } from './reader';
import { QUANTISED_NOTE, quantisedInputNormalization } from './quantisedInput';
import { TensorType } from './schema_generated';

/**
 * How AlignScope's [0,1] pixels p become this model's input. A quantised input q = 255p (uint8) or
 * 255p − 128 (int8) means the real value s·(q − z); a float input says nothing, so MobileNet's [-1,1] is assumed.
 */
export function inputNormalization(input: TfliteTensor, fileName: string): { normalization: Normalization; name: string } {
  const q = input.quantization;
  if (input.type === TensorType.FLOAT32) {
    return {
      normalization: { scale: 1, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
      name: '[-1,1] (assumed: a float input does not state its range)',
    };
  }
  if ((input.type !== TensorType.UINT8 && input.type !== TensorType.INT8) || !q || q.scale.length !== 1) {
    throw new TfliteImportError(
      `${fileName} takes an input of type ${TensorType[input.type]} without one scale and zero point, so its pixel range is unknown.`,
    );
  }
  return quantisedInputNormalization(input.type === TensorType.INT8 ? 'int8' : 'uint8', q.scale[0], q.zeroPoint[0] ?? 0);
}

/** Reads a .tflite classifier into a differentiable RawModel plus everything the file says about it. */
export function openTflite(bytes: Uint8Array, fileName: string): { raw: RawModel; info: Partial<ModelInfo> } {
  const graph = readTfliteGraph(bytes, fileName);
  const input = graph.tensors[graph.inputs[0]];
  const [, height, width, channels] = input?.shape ?? [];
  if (input?.shape.length === 4 && (height !== width || channels !== 3)) {
    throw new TfliteImportError(
      `${fileName} takes ${height}×${width}×${channels} inputs; AlignScope needs a square RGB (3-channel) input.`,
    );
  }
  const { raw } = buildTfliteModel(graph);
  try {
    if (raw.numOutputs !== 1000 && raw.numOutputs !== 1001) {
      throw new TfliteImportError(
        `${fileName} gives ${raw.numOutputs} scores; AlignScope needs an ImageNet classifier with 1000 outputs, or 1001 with a background class first.`,
      );
    }
    const { normalization, name } = inputNormalization(input, fileName);
    const quantised = graph.tensors.some((t) => t.data && t.quantization && t.type !== TensorType.FLOAT32);
    return {
      raw,
      info: {
        name: fileName.replace(/\.tflite$/i, ''),
        format: 'tflite',
        inputSize: height,
        normalization,
        normalizationName: name,
        numOutputs: raw.numOutputs,
        classOffset: raw.numOutputs === 1001 ? 1 : 0,
        ...(quantised ? { notes: QUANTISED_NOTE } : {}),
      },
    };
  } catch (err) {
    raw.dispose();
    throw err;
  }
}

export const tfliteImporter: ModelImporter = {
  format: 'tflite',
  match: (head, fileName) => hasTfliteIdentifier(head) || /\.tflite$/i.test(fileName),
  async open(main) {
    return openTflite(main.bytes, main.name);
  },
};
