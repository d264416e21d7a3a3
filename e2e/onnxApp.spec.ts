import fs from 'node:fs';
import path from 'node:path';
import { kerasMobilenetToOnnx } from '../scripts/onnx-fixtures/kerasMobilenetToOnnx.mjs';
import { test, expect, SLOW } from './fixtures';

// The mirrored Keras MobileNet v1 0.25 written as a torch-style NCHW .onnx file (same weights as the catalogue model).
const DIR = path.join(process.env.ALIGNSCOPE_ASSETS_MIRROR ?? path.resolve('..', 'shared', 'assets'), 'models', 'mobilenet_v1_0.25_224');
const BAD = path.resolve('src/core/importers/onnx/fixtures/bad-unsupported-ops.onnx');

test.describe('ONNX models in the app', () => {
  // wasm runs the engine's own backward kernels, WebGL tfjs' (explicit padding and all).
  for (const backend of ['wasm', 'webgl'] as const) {
    test(`${backend}: an .onnx file from the file picker predicts like the catalogue model and an FMN run through it succeeds; an unsupported one is refused and the model stays`, async ({ app, page }) => {
      test.skip(!fs.existsSync(DIR), 'needs the asset mirror');
      test.setTimeout(600_000);
      await app.open({ model: 'mobilenet_v1_0.25_224', image: 'coffee', backend });
      await expect(app.backend).toHaveText(backend, { timeout: SLOW });
      await expect(app.top1Label).toHaveText('espresso', { timeout: SLOW });
      const catalogue = await app.top1();

      const onnx = kerasMobilenetToOnnx(fs.readFileSync(path.join(DIR, 'model.json')), (n) => new Uint8Array(fs.readFileSync(path.join(DIR, n))));
      await page.locator('details.custom-model summary').click();
      await page.getByLabel('Preprocessing').selectOption('[-1,1]');
      await app.uploadModelFiles([{ name: 'mobilenet_v1_0.25_224.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(onnx) }]);
      await expect(page.getByTestId('model-info')).toHaveAttribute('data-model-id', 'custom:mobilenet_v1_0.25_224.onnx', { timeout: SLOW });
      await expect(app.top1Label).toHaveText('espresso', { timeout: SLOW });
      const imported = await app.top1();
      expect(Math.abs(imported.prob - catalogue.prob)).toBeLessThan(2e-3);

      // Input gradients through the imported graph in the browser: a short FMN run finds an adversarial.
      await app.openTab('attack');
      await page.getByTestId('attack-select').selectOption('fmn');
      await page.getByTestId('steps-input').fill('8');
      await page.getByTestId('run-start').click();
      await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 300_000 });
      await expect(page.getByTestId('run-success')).toHaveText('true');
      expect(Number(await page.getByTestId('run-l2').textContent())).toBeGreaterThan(0);
      await app.openTab('explore');

      await app.uploadModelFiles([{ name: 'bad.onnx', mimeType: 'application/octet-stream', buffer: fs.readFileSync(BAD) }]);
      await expect(app.error).toContainText('bad.onnx uses the operators GridSample, Resize, com.microsoft.FusedConv');
      await expect(page.getByTestId('model-info')).toHaveAttribute('data-model-id', 'custom:mobilenet_v1_0.25_224.onnx');
      await expect(app.top1Label).toHaveText('espresso');
    });
  }
});
