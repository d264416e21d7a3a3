// Writes a Keras MobileNet (v1, as a TF.js layers model.json with weight shards) as an ONNX file laid
// out the way torch.onnx exports CNNs (NCHW, [out, in, kH, kW] weights, depthwise as grouped Conv):
// a real-weight, 1000-class model for the ONNX importer's check against TF.js and for `npm run bench`.
// CLI: node scripts/onnx-fixtures/kerasMobilenetToOnnx.mjs <model dir> <out.onnx>
import fs from 'node:fs';
import path from 'node:path';
import { GraphBuilder, f } from './onnxBuilder.mjs';

/** Weight name → { shape, values } from a layers model.json and its weight files (float32 only). */
function readWeights(modelJson, readFile) {
  const weights = new Map();
  for (const group of modelJson.weightsManifest) {
    const parts = group.paths.map((p) => readFile(path.basename(p)));
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) bytes.set(p, (at += p.length) - p.length);
    let offset = 0;
    for (const spec of group.weights) {
      if (spec.dtype !== 'float32' || spec.quantization) throw new Error(`weight ${spec.name} is not plain float32`);
      const count = spec.shape.reduce((a, b) => a * b, 1);
      weights.set(spec.name, { shape: spec.shape, values: new Float32Array(bytes.slice(offset, offset + 4 * count).buffer) });
      offset += 4 * count;
    }
  }
  return weights;
}

/** Reorders a row-major array of shape `dims` by the permutation `perm`. */
function transpose(values, dims, perm) {
  const outDims = perm.map((p) => dims[p]);
  const strides = dims.map((_, k) => dims.slice(k + 1).reduce((a, b) => a * b, 1));
  const out = new Array(values.length);
  const index = new Array(dims.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    let rest = i;
    for (let k = outDims.length - 1; k >= 0; k--) {
      index[k] = rest % outDims[k];
      rest = Math.floor(rest / outDims[k]);
    }
    out[i] = values[index.reduce((s, v, k) => s + v * strides[perm[k]], 0)];
  }
  return { values: out, dims: outDims };
}

/** @returns {Uint8Array} the ONNX ModelProto bytes */
export function kerasMobilenetToOnnx(modelJsonBytes, readFile) {
  const modelJson = JSON.parse(new TextDecoder().decode(modelJsonBytes));
  const topology = modelJson.modelTopology.model_config ?? modelJson.modelTopology;
  const layers = topology.config.layers;
  const weights = readWeights(modelJson, readFile);
  const w = (layer, name) => {
    const found = weights.get(`${layer}/${name}`);
    if (!found) throw new Error(`no weight ${layer}/${name}`);
    return found;
  };
  const g = new GraphBuilder();
  const [, size] = layers[0].config.batch_input_shape;
  let y = g.input('input', ['N', 3, size, size]);
  for (const { class_name: kind, config } of layers.slice(1)) {
    const name = config.name;
    const pad = config.padding === 'same' ? 'SAME_UPPER' : 'VALID'; // TensorFlow puts the odd pixel last
    if (kind === 'Conv2D') {
      const k = w(name, 'kernel'); // [kH, kW, in, out]
      const t = transpose(k.values, k.shape, [3, 2, 0, 1]);
      const inputs = [y, g.init(t.dims, t.values)];
      if (config.use_bias) inputs.push(g.init([config.filters], Array.from(w(name, 'bias').values)));
      y = g.node('Conv', inputs, { auto_pad: pad, strides: config.strides });
    } else if (kind === 'DepthwiseConv2D') {
      const k = w(name, 'depthwise_kernel'); // [kH, kW, in, multiplier]
      const [kh, kw, channels, mult] = k.shape;
      const t = transpose(k.values, k.shape, [2, 3, 0, 1]); // output channel c·mult + m
      y = g.node('Conv', [y, g.init([channels * mult, 1, kh, kw], t.values)], { auto_pad: pad, strides: config.strides, group: channels });
    } else if (kind === 'BatchNormalization') {
      const [scale, bias, mean, variance] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((n) => w(name, n));
      y = g.node('BatchNormalization', [y, ...[scale, bias, mean, variance].map((p) => g.init(p.shape, Array.from(p.values)))], { epsilon: f(config.epsilon) });
    } else if (kind === 'Activation' || kind === 'ReLU') {
      const a = config.activation ?? 'relu6';
      if (a === 'relu6') y = g.node('Clip', [y, g.constant([], [0]), g.constant([], [6])]);
      else if (a === 'relu') y = g.node('Relu', [y]);
      else if (a === 'softmax') y = g.node('Softmax', [y], { axis: 1 }); // on [N, classes, 1, 1], as Keras orders it
      else throw new Error(`activation ${a}`);
    } else if (kind === 'GlobalAveragePooling2D') {
      y = g.node('GlobalAveragePool', [y]); // NCHW [N, C, 1, 1]: Keras' following Reshape to (1, 1, C) is this already
    } else if (kind === 'Reshape' && config.target_shape.length === 1) {
      y = g.node('Flatten', [y]); // (classes) after the softmax: the importer must look through it
    } else if (kind === 'Reshape' || kind === 'Dropout') {
      continue; // (1, 1, C) after pooling
    } else if (kind === 'ZeroPadding2D') {
      const [[top, bottom], [left, right]] = config.padding;
      y = g.node('Pad', [y, g.ints([0, 0, top, left, 0, 0, bottom, right])]);
    } else throw new Error(`layer ${kind} ${name}`);
  }
  g.output(y);
  return g.encode({ opset: 13 });
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [dir, out] = process.argv.slice(2);
  if (!dir || !out) throw new Error('usage: node kerasMobilenetToOnnx.mjs <model dir> <out.onnx>');
  const bytes = kerasMobilenetToOnnx(fs.readFileSync(path.join(dir, 'model.json')), (f) => new Uint8Array(fs.readFileSync(path.join(dir, f))));
  fs.writeFileSync(out, bytes);
  console.log(`${out}: ${bytes.length} bytes`);
}
