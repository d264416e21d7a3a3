/**
 * Cross-check of AlignScope's float TFLite import against the official quantised runtime
 * (@tensorflow/tfjs-tflite, TFLite C++ in WebAssembly) running the original files in Chromium.
 * Same integer pixels go to both; the reference is asked for its (dequantised) pre-softmax logits
 * through a copy of the file whose output is re-pointed at the softmax input.
 *
 * @tensorflow/tfjs-tflite 0.0.1-alpha.10 pins @tensorflow/tfjs-core 4.9.0 as a peer, which conflicts
 * with the project's 4.22, so it is not a project dependency; install it outside the repository:
 *   mkdir -p /tmp/tfjs-tflite && cd /tmp/tfjs-tflite && npm init -y && \
 *   npm install --legacy-peer-deps @tensorflow/tfjs-tflite@0.0.1-alpha.10
 *   TFJS_TFLITE_DIR=/tmp/tfjs-tflite/node_modules/@tensorflow/tfjs-tflite npx playwright test e2e/tfliteReference.spec.ts
 * Without it the test is skipped and says why.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { cropResize } from '../src/core/image/resize';
import { buildTfliteModel } from '../src/core/importers/tflite/buildModel';
import { TFLITE_CATALOGUE } from '../src/core/importers/tflite/catalogue';
import { inputNormalization } from '../src/core/importers/tflite/importer';
import { readTfliteGraph, type TfliteTensor } from '../src/core/importers/tflite/reader';
import { withSubgraphOutput } from '../src/core/importers/tflite/testing';
import { loadImageFile } from '../src/test/images';

const TFLITE_DIR = process.env.TFJS_TFLITE_DIR ?? path.resolve('node_modules/@tensorflow/tfjs-tflite');
const ASSETS = path.resolve(process.env.ALIGNSCOPE_ASSETS_MIRROR ?? '../shared/assets');
const ORIGIN = 'http://tflite-reference.test';

function photos(): string[] {
  const clickme = fs.readdirSync(path.join(ASSETS, 'clickme-samples')).filter((f) => f.endsWith('_image.png'));
  return [...clickme.map((f) => path.join(ASSETS, 'clickme-samples', f)), ...fs.readdirSync(path.join(ASSETS, 'images')).map((f) => path.join(ASSETS, 'images', f))];
}

/** The integer pixels q = round(255 p) that the quantised model takes, resized to `size`. */
function integerPixels(file: string, size: number): Int32Array {
  return Int32Array.from(cropResize(loadImageFile(file), size).data, (p) => Math.round(255 * p));
}

const dequantise = (q: number[], t: TfliteTensor) => q.map((v) => t.quantization!.scale[0] * (v - t.quantization!.zeroPoint[0]));

function pearson(a: number[], b: number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let ab = 0, aa = 0, bb = 0;
  a.forEach((v, i) => {
    ab += (v - ma) * (b[i] - mb);
    aa += (v - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

const argmax = (v: number[]) => v.reduce((best, x, i) => (x > v[best] ? i : best), 0);

test.skip(!fs.existsSync(path.join(TFLITE_DIR, 'dist', 'tf-tflite.min.js')), `@tensorflow/tfjs-tflite is not installed at ${TFLITE_DIR} (see this file's header)`);
test.skip(!fs.existsSync(path.join(ASSETS, 'tflite')), `the asset mirror ${ASSETS} has no tflite folder`);

test('imported float models agree with the quantised TFLite runtime on ClickMe samples and CC0 photos', async ({ page }) => {
  test.setTimeout(600_000);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend('wasm');
  const files = photos();
  const served = new Map<string, Buffer>([
    ['/tf.min.js', fs.readFileSync(path.resolve('node_modules/@tensorflow/tfjs/dist/tf.min.js'))],
    ['/tf-tflite.min.js', fs.readFileSync(path.join(TFLITE_DIR, 'dist', 'tf-tflite.min.js'))],
  ]);
  for (const f of fs.readdirSync(path.join(TFLITE_DIR, 'wasm'))) served.set(`/wasm/${f}`, fs.readFileSync(path.join(TFLITE_DIR, 'wasm', f)));
  await page.route(`${ORIGIN}/**`, (route) => {
    const p = new URL(route.request().url()).pathname;
    if (p === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>tflite reference</title>' });
    const body = served.get(p);
    if (!body) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ body, contentType: p.endsWith('.wasm') ? 'application/wasm' : p.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' });
  });
  await page.goto(`${ORIGIN}/`);
  await page.addScriptTag({ url: `${ORIGIN}/tf.min.js` });
  await page.addScriptTag({ url: `${ORIGIN}/tf-tflite.min.js` });

  const summary: string[] = [];
  for (const entry of TFLITE_CATALOGUE) {
    const bytes = new Uint8Array(fs.readFileSync(path.join(ASSETS, entry.assetPath!)));
    const graph = readTfliteGraph(bytes, entry.id);
    const { raw, logitsTensor } = buildTfliteModel(graph);
    const { normalization: n } = inputNormalization(graph.tensors[graph.inputs[0]], entry.id);
    served.set(`/${entry.id}.tflite`, Buffer.from(bytes));
    served.set(`/${entry.id}.logits.tflite`, Buffer.from(withSubgraphOutput(bytes, logitsTensor)));

    const size = entry.inputSize;
    const pixels = files.map((f) => integerPixels(f, size));
    const reference = await page.evaluate(
      async ({ origin, id, size, images }) => {
        const w = window as unknown as { tf: typeof import('@tensorflow/tfjs'); tflite: { setWasmPath(p: string): void; loadTFLiteModel(u: string): Promise<{ predict(x: unknown): unknown }> } };
        w.tflite.setWasmPath(`${origin}/wasm/`);
        const probsModel = await w.tflite.loadTFLiteModel(`${origin}/${id}.tflite`);
        const logitsModel = await w.tflite.loadTFLiteModel(`${origin}/${id}.logits.tflite`);
        const out: { probs: number[]; logits: number[] }[] = [];
        for (const img of images) {
          const x = w.tf.tensor4d(img, [1, size, size, 3], 'int32');
          const p = probsModel.predict(x) as import('@tensorflow/tfjs').Tensor;
          const l = logitsModel.predict(x) as import('@tensorflow/tfjs').Tensor;
          out.push({ probs: Array.from(await p.data()), logits: Array.from(await l.data()) });
          w.tf.dispose([x, p, l]);
        }
        return out;
      },
      { origin: ORIGIN, id: entry.id, size, images: pixels.map((p) => Array.from(p)) },
    );

    // The same integer pixels through AlignScope's float model: (q/255 − mean)/std = s·(q − z).
    const ours = tf.tidy(() => {
      const q = tf.tensor4d(Float32Array.from(pixels.flatMap((p) => Array.from(p))), [files.length, size, size, 3]);
      return raw.predict(tf.div(tf.sub(tf.div(q, 255), n.mean[0]), n.std[0]) as tf.Tensor4D);
    });
    const oursRows = (await ours.array()) as number[][];
    ours.dispose();
    raw.dispose();

    let confident = 0;
    files.forEach((file, i) => {
      const refLogits = dequantise(reference[i].logits, graph.tensors[logitsTensor]);
      const refProbs = dequantise(reference[i].probs, graph.tensors[graph.outputs[0]]);
      const r = pearson(oursRows[i], refLogits);
      expect(r, `${entry.id} on ${path.basename(file)}: logit correlation`).toBeGreaterThan(0.99);
      const topProb = Math.max(...refProbs);
      if (topProb > 0.5) {
        confident++;
        expect(argmax(oursRows[i]), `${entry.id} on ${path.basename(file)}: top-1 (quantised prob ${topProb})`).toBe(argmax(refProbs));
      }
      summary.push(`${entry.id}\t${path.basename(file)}\tr=${r.toFixed(4)}\tquantTop1=${argmax(refProbs)} p=${topProb.toFixed(3)}\tfloatTop1=${argmax(oursRows[i])}`);
    });
    summary.push(`${entry.id}: ${confident} of ${files.length} images with quantised top-1 probability > 0.5`);
  }
  console.log(summary.join('\n'));
});
