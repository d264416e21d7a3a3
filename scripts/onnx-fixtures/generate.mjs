// Node fixture generator: writes each network of graphs.mjs as an .onnx file plus the logits that
// onnxruntime-web (an independent runtime) computes for fixed inputs, and a central finite-difference
// directional derivative of a fixed logit combination, to check the importer's input gradients.
// Run: node scripts/onnx-fixtures/generate.mjs
import fs from 'node:fs';
import * as ort from 'onnxruntime-web';
import { BROKEN, FIXTURES, rng } from './graphs.mjs';

ort.env.wasm.numThreads = 1;
const outDir = new URL('../../src/core/importers/onnx/fixtures/', import.meta.url);
const H = 1e-3;

/** The same graph with a final Softmax removed, so the runtime reports the logits the importer returns. */
function withoutFinalSoftmax(builder) {
  const last = builder.nodes.at(-1);
  if (last.op_type !== 'Softmax') return builder;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(builder)), builder);
  copy.nodes = builder.nodes.slice(0, -1);
  copy.outputs = [{ ...builder.outputs[0], name: last.input[0] }];
  return copy;
}

async function run(session, dims, data) {
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(data), dims) };
  const result = await session.run(feeds);
  return Array.from(result[session.outputNames[0]].data);
}

const round = (v) => Number(v.toPrecision(9));

for (const [name, make] of Object.entries(FIXTURES)) {
  const { builder, opset, extraOpsets, inputDims } = make();
  const bytes = builder.encode({ opset, extraOpsets });
  fs.writeFileSync(new URL(`${name}.onnx`, outDir), bytes);
  const session = await ort.InferenceSession.create(withoutFinalSoftmax(builder).encode({ opset, extraOpsets }));
  const r = rng(100);
  const size = inputDims.reduce((a, b) => a * b, 1);
  const input = Array.from({ length: size }, () => Math.fround(r()));
  const logits = await run(session, inputDims, input);
  const weights = logits.map(() => Math.fround(r() * 2 - 1));
  const direction = input.map(() => Math.fround(r() * 2 - 1));
  const combo = async (sign) => {
    const out = await run(session, inputDims, input.map((v, i) => v + sign * H * direction[i]));
    return out.reduce((s, v, i) => s + v * weights[i], 0);
  };
  const derivative = ((await combo(1)) - (await combo(-1))) / (2 * H);
  const expected = {
    source: 'onnxruntime-web ' + ort.env.versions.web + ' (wasm), scripts/onnx-fixtures/generate.mjs',
    opset,
    inputDims,
    input: input.map(round),
    logits: logits.map(round),
    gradientCheck: { weights: weights.map(round), direction: direction.map(round), h: H, derivative: round(derivative) },
  };
  fs.writeFileSync(new URL(`${name}.json`, outDir), JSON.stringify(expected) + '\n');
  console.log(name, bytes.length, 'bytes; logits', logits.slice(0, 4).map((v) => v.toFixed(4)).join(' '), '… d/dv', derivative.toFixed(5));
}

for (const [name, make] of Object.entries(BROKEN)) {
  const bytes = make();
  fs.writeFileSync(new URL(`bad-${name}.onnx`, outDir), bytes);
  console.log(`bad-${name}`, bytes.length, 'bytes');
}
