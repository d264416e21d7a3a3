import { describe, expect, it } from 'vitest';
import { KerasH5ImportError } from './errors';
import { functionalConfig, type LayerSpec } from './kerasFixtures';
import { checkSupported, dropFinalSoftmax, inferenceConfig, parseModelConfig, pixelRescaling, prepareModelConfig, type KerasLayerJson } from './kerasConfig';

const conv: LayerSpec = { class_name: 'Conv2D', name: 'conv', config: { filters: 2, kernel_size: [1, 1], activation: 'relu' } };
const gap: LayerSpec = { class_name: 'GlobalAveragePooling2D', name: 'gap' };
const dense = (activation: string): LayerSpec => ({ class_name: 'Dense', name: 'fc', config: { units: 3, activation } });
const layer = (cfg: KerasLayerJson, name: string) =>
  (cfg.config.layers as KerasLayerJson[]).find((l) => l.name === name)!;

describe('dropFinalSoftmax', () => {
  it('turns off the softmax of a final Dense layer and takes that layer as logits', () => {
    const cfg = functionalConfig([4, 4, 3], [conv, gap, dense('softmax')]);
    expect(dropFinalSoftmax(cfg)).toEqual({ logitsLayer: 'fc', softmaxRemovedAt: 'fc' });
    expect(layer(cfg, 'fc').config.activation).toBe('linear');
  });

  it('looks through shape-only layers after a softmax Activation (Keras MobileNet v1 ends softmax → reshape)', () => {
    const cfg = functionalConfig([4, 4, 3], [
      conv,
      { class_name: 'Activation', name: 'act_softmax', config: { activation: 'softmax' } },
      { class_name: 'Reshape', name: 'reshape_2', config: { target_shape: [32] } },
    ]);
    expect(dropFinalSoftmax(cfg)).toEqual({ logitsLayer: 'reshape_2', softmaxRemovedAt: 'act_softmax' });
    expect(layer(cfg, 'act_softmax').config.activation).toBe('linear');
  });

  it('replaces a final Softmax layer by a linear Activation', () => {
    const cfg = functionalConfig([4, 4, 3], [conv, gap, dense('linear'), { class_name: 'Softmax', name: 'probs', config: { axis: -1 } }]);
    expect(dropFinalSoftmax(cfg).softmaxRemovedAt).toBe('probs');
    expect(layer(cfg, 'probs')).toMatchObject({ class_name: 'Activation', config: { activation: 'linear' } });
  });

  it('leaves a model that already ends in logits alone', () => {
    const cfg = functionalConfig([4, 4, 3], [conv, gap, dense('linear')]);
    expect(dropFinalSoftmax(cfg)).toEqual({ logitsLayer: 'fc' });
  });

  it('never reaches past a layer that mixes values (a softmax before a Dense stays)', () => {
    const cfg = functionalConfig([4, 4, 3], [conv, gap, dense('softmax'), { class_name: 'Dense', name: 'fc2', config: { units: 2, activation: 'linear' } }]);
    expect(dropFinalSoftmax(cfg)).toEqual({ logitsLayer: 'fc2' });
    expect(layer(cfg, 'fc').config.activation).toBe('softmax');
  });

  it('handles Sequential models, whose layers have no inbound nodes', () => {
    const seq: KerasLayerJson = {
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'Flatten', config: { name: 'flat' } }, { class_name: 'Dense', config: { name: 'out', units: 2, activation: 'softmax' } }] },
    };
    expect(dropFinalSoftmax(seq)).toEqual({ logitsLayer: 'out', softmaxRemovedAt: 'out' });
  });
});

describe('inferenceConfig', () => {
  it('sets initialisers to zeros, drops regularisers and dtype policies, and resolves FixedDropout and silu', () => {
    const cfg = functionalConfig([4, 4, 3], [
      {
        ...conv,
        config: {
          ...conv.config,
          activation: 'silu',
          kernel_initializer: { class_name: 'VarianceScaling', config: { distribution: 'untruncated_normal' } },
          kernel_regularizer: { class_name: 'L2', config: { l2: 1e-4 } },
          dtype: { class_name: 'Policy', config: { name: 'mixed_float16' } },
        },
      },
      { class_name: 'FixedDropout', name: 'drop', config: { rate: 0.2, noise_shape: [null, 1, 1, 1] } },
    ]);
    const out = inferenceConfig(cfg);
    expect(layer(out, 'conv').config).toMatchObject({
      activation: 'swish',
      kernel_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null,
      dtype: 'float32',
    });
    expect(layer(out, 'drop').class_name).toBe('Dropout');
    expect(layer(cfg, 'drop').class_name).toBe('FixedDropout');
  });
});

describe('inferenceConfig for configs that leave initialisers to the defaults', () => {
  it('zeroes them anyway, so no random weights are drawn only to be overwritten', () => {
    const out = inferenceConfig(functionalConfig([4, 4, 3], [{ class_name: 'Dense', name: 'fc', config: { units: 2 } }]));
    expect(layer(out, 'fc').config).toMatchObject({
      kernel_initializer: { class_name: 'Zeros', config: {} },
      bias_initializer: { class_name: 'Zeros', config: {} },
    });
  });
});

describe('checkSupported', () => {
  it('names every unsupported layer class and activation at once', () => {
    const cfg = functionalConfig([4, 4, 3], [
      { class_name: 'ClassToken', name: 'class_token' },
      { class_name: 'AddPositionEmbs', name: 'Transformer/posembed_input' },
      { class_name: 'TransformerBlock', name: 'Transformer/encoderblock_0' },
      { class_name: 'TransformerBlock', name: 'Transformer/encoderblock_1' },
      { class_name: 'Dense', name: 'head', config: { units: 3, activation: 'hard_swish' } },
    ]);
    let error: unknown;
    try {
      checkSupported(cfg, 'vit-b16_harmonized.h5');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KerasH5ImportError);
    const message = (error as Error).message;
    expect(message).toContain('"vit-b16_harmonized.h5"');
    expect(message).toContain('ClassToken (1 layer, e.g. "class_token")');
    expect(message).toContain('AddPositionEmbs');
    expect(message).toContain('TransformerBlock (2 layers, e.g. "Transformer/encoderblock_0")');
    expect(message).toContain('activations hard_swish (1 layer, e.g. "head")');
  });

  it('looks inside nested models', () => {
    const inner = functionalConfig([4, 4, 3], [{ class_name: 'ChannelAffine', name: 'gamma' }]);
    const outer = functionalConfig([4, 4, 3], [{ class_name: 'Functional', name: 'backbone', config: inner.config }]);
    expect(() => checkSupported(outer, 'convnext.h5')).toThrow(/ChannelAffine/);
  });

  it('accepts the standard-application classes', () => {
    expect(() => prepareModelConfig(JSON.stringify(functionalConfig([4, 4, 3], [conv, gap, dense('softmax')])), 'ok.h5')).not.toThrow();
  });
});

describe('parseModelConfig', () => {
  it.each([
    ['{not json', /not valid JSON/],
    ['{"class_name": "Dense", "config": {}}', /class "Dense"; a Keras Functional or Sequential model is needed/],
  ])('refuses %s', (json, message) => {
    expect(() => parseModelConfig(json, 'bad.h5')).toThrow(KerasH5ImportError);
    expect(() => parseModelConfig(json, 'bad.h5')).toThrow(message);
  });

  it('refuses Keras 3 configs with a sentence saying how to re-save', () => {
    const json = JSON.stringify(functionalConfig([4, 4, 3], [conv]));
    expect(() => parseModelConfig(json, 'k3.h5', '3.3.3')).toThrow(/saved by Keras 3 \(keras_version 3\.3\.3\)/);
  });
});

describe('pixelRescaling', () => {
  const rescaling = (scale: number, offset = 0): LayerSpec => ({ class_name: 'Rescaling', name: 'rescaling', config: { scale, offset } });

  it.each([
    ['1/255 (Keras EfficientNet)', 1 / 255, 0, 'rescaling'],
    ['1/127.5 − 1 (Keras MobileNet v3)', 1 / 127.5, -1, 'rescaling'],
    ['a rescaling of other units', 2, 0, undefined],
  ])('recognises a leading Rescaling by %s', (_name, scale, offset, expected) => {
    expect(pixelRescaling(functionalConfig([4, 4, 3], [rescaling(scale, offset), conv]))).toBe(expected);
  });

  it('ignores a Rescaling that does not come first, and looks inside a wrapped model', () => {
    expect(pixelRescaling(functionalConfig([4, 4, 3], [conv, rescaling(1 / 255)]))).toBeUndefined();
    const inner = functionalConfig([4, 4, 3], [rescaling(1 / 255), conv]);
    const outer = functionalConfig([4, 4, 3], [{ class_name: 'Functional', name: 'app', config: inner.config }], 'input_2');
    expect(pixelRescaling(outer)).toBe('rescaling');
  });
});
