import { normalizationPreset } from '../../models/normalizations';
import type { ModelInfo } from '../../models/types';

/** The Serre lab's public bucket of harmonized Keras models (github.com/serre-lab/Harmonization, docs/models.md). */
export const HARMONIZED_BASE_URL = 'https://storage.googleapis.com/serrelab/prj_harmonization/models/';

const CUSTOM_LAYERS =
  'The authors rebuild it in Python and load only its weights (serre-lab/Harmonization, harmonization/models), so the ' +
  'file cannot be relied on to carry its architecture, and that architecture uses layers AlignScope cannot rebuild: ';

const harmonized = (file: string, name: string, notes: string, unsupportedReason?: string): ModelInfo => ({
  id: `${file}_harmonized`,
  name: `${name} (harmonized)`,
  family: 'Harmonized',
  format: 'keras-h5',
  inputSize: 224,
  // The harmonizer's preprocess_input: [0,255] → /255 → ImageNet mean/std, i.e. mean/std on [0,1] pixels.
  normalization: normalizationPreset('ImageNet mean/std'),
  normalizationName: 'ImageNet mean/std',
  numOutputs: 1000,
  classOffset: 0,
  licence: 'MIT (Harmonization package; no separate licence is stated for the weights)',
  url: `${HARMONIZED_BASE_URL}${file}_harmonized.h5`,
  downloadNeeded: true,
  unsupportedReason,
  notes: `Trained with the neural harmonizer to agree with ClickMe maps (Fel et al. 2022). ${notes}`,
});

/** The paper's seven harmonized models; none is in the local assets. */
export const HARMONIZED_CATALOGUE: ModelInfo[] = [
  harmonized('vgg16', 'VGG16', 'Keras application VGG16 saved whole (load_model): about 138 M parameters, a file of about 0.5 GB.'),
  harmonized('resnet50v2', 'ResNet50 v2', 'Keras application ResNet50V2 saved whole (load_model): about 25.6 M parameters.'),
  harmonized(
    'efficientnetB0',
    'EfficientNet B0',
    'The `efficientnet` package\'s EfficientNetB0 saved whole (load_model): swish activations and its FixedDropout layer, read as Dropout; about 5.3 M parameters.',
  ),
  harmonized(
    'vit-b16',
    'ViT-B/16',
    'vit_keras ViT-B/16 with a linear head; about 86 M parameters.',
    `${CUSTOM_LAYERS}ClassToken, AddPositionEmbs and TransformerBlock (multi-head self-attention) from vit_keras.`,
  ),
  harmonized(
    'levit_small',
    'LeViT small',
    'keras_cv_attention_models LeViT128 without distillation head.',
    `${CUSTOM_LAYERS}attention with learned positional biases (MultiHeadPositionalEmbedding) and reshape/transpose TF-op layers from keras_cv_attention_models.`,
  ),
  harmonized(
    'convnext_tiny',
    'ConvNeXt tiny',
    'keras_cv_attention_models ConvNeXtTiny with a linear head; about 28 M parameters.',
    `${CUSTOM_LAYERS}the ChannelAffine layer scale from keras_cv_attention_models (its LayerNormalization, gelu and depthwise convolutions are supported).`,
  ),
  harmonized(
    'maxvit_tiny',
    'MaxViT tiny',
    'keras_cv_attention_models MaxViT_Tiny with a linear head; about 31 M parameters.',
    `${CUSTOM_LAYERS}block and grid attention with relative positional embeddings (MultiHeadRelativePositionalEmbedding) and window reshapes done by TF-op layers.`,
  ),
];
