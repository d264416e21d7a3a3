import type { ModelImporter } from '../../models/importer';
import { normalizationPreset, type NormalizationName } from '../../models/normalizations';
import type { ModelInfo, RawModel } from '../../models/types';
import { buildOnnxModel } from './buildModel';
import { OnnxImportError } from './errors';
import { readOnnxModel } from './reader';

/** The presets the model picker offers for an .onnx file, first the default (an ONNX file does not state its preprocessing). */
export const ONNX_PRESET_NAMES: readonly NormalizationName[] = ['ImageNet mean/std', '[-1,1]', '[0,1]'];

/**
 * Reads an exported (e.g. torch.onnx.export) ImageNet classifier into a differentiable RawModel.
 * `hints` may state the input size (for files exported with open height and width), the
 * normalisation and its name, and the timm name; they pass through to the model info.
 */
export function openOnnx(bytes: Uint8Array, fileName: string, hints: Partial<ModelInfo> = {}): { raw: RawModel; info: Partial<ModelInfo> } {
  const graph = readOnnxModel(bytes, fileName);
  const { raw } = buildOnnxModel(graph, { inputSize: hints.inputSize });
  if (raw.numOutputs !== 1000 && raw.numOutputs !== 1001) {
    raw.dispose();
    throw new OnnxImportError(
      `${fileName} gives ${raw.numOutputs} scores; AlignScope needs an ImageNet classifier with 1000 outputs, or 1001 with a background class first.`,
    );
  }
  const stated = hints.normalization && hints.normalizationName;
  return {
    raw,
    info: {
      name: hints.name ?? fileName.replace(/\.onnx$/i, ''),
      format: 'onnx',
      inputSize: raw.inputShape[0],
      // torchvision/timm's mean/std: what most exported PyTorch classifiers expect.
      normalization: stated ? hints.normalization : normalizationPreset('ImageNet mean/std'),
      normalizationName: stated ? hints.normalizationName : 'ImageNet mean/std (assumed)',
      numOutputs: raw.numOutputs,
      classOffset: raw.numOutputs === 1001 ? 1 : 0,
      ...(hints.timmName ? { timmName: hints.timmName } : {}),
      ...(graph.producer ? { notes: `Exported by ${graph.producer}, ONNX opset ${graph.opset}.` } : {}),
    },
  };
}

export const onnxImporter: ModelImporter = {
  format: 'onnx',
  // A ModelProto has no magic number, so the name decides.
  match: (_head, fileName) => /\.onnx$/i.test(fileName),
  async open(main, _files, _onProgress, hints) {
    return openOnnx(main.bytes, main.name, hints);
  },
};
