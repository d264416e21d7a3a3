import fs from 'node:fs';
import path from 'node:path';
import { test, expect, SLOW } from './fixtures';

// The smallest TFLite model keeps SwiftShader time low; WebGL checks a GPU backend beside Node's cpu/wasm.
const MODEL = 'mobilenet_v1_0.25_128_quant';
const FILE = path.join(process.env.ALIGNSCOPE_ASSETS_MIRROR ?? path.resolve('..', 'shared', 'assets'), 'tflite', `${MODEL}.tflite`);

test.describe('TFLite models in the app', () => {
  test('a catalogue TFLite model predicts espresso on WebGL and an FMN run through it succeeds', async ({ app, page }) => {
    test.setTimeout(600_000);
    await app.open({ model: MODEL, image: 'coffee', backend: 'webgl' });
    await expect(app.backend).toHaveText('webgl', { timeout: SLOW });
    await expect(app.top1Label).toHaveText('espresso', { timeout: SLOW });
    await expect(page.getByTestId('model-info')).toHaveAttribute('data-model-id', MODEL);

    // Input gradients in the browser: a short FMN run must find an adversarial.
    await app.open({ model: MODEL, image: 'chelsea', backend: 'webgl', attack: 'fmn', steps: '8', run: '1' });
    await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 300_000 });
    await expect(page.getByTestId('run-success')).toHaveText('true');
    expect(Number(await page.getByTestId('run-l2').textContent())).toBeGreaterThan(0);
  });

  test('a .tflite file from the file picker predicts; a truncated one is refused and the model stays', async ({ app, page }) => {
    test.skip(!fs.existsSync(FILE), 'needs the asset mirror');
    await app.open({ image: 'coffee', backend: 'wasm' });
    await app.uploadModelFiles([FILE]);
    await expect(page.getByTestId('model-info')).toHaveAttribute('data-model-id', `custom:${MODEL}.tflite`, { timeout: SLOW });
    await expect(app.top1Label).toHaveText('espresso', { timeout: SLOW });

    const bytes = fs.readFileSync(FILE);
    await app.uploadModelFiles([{ name: 'cut.tflite', mimeType: 'application/octet-stream', buffer: bytes.subarray(0, bytes.length >> 1) }]);
    await expect(app.error).toContainText('cut.tflite is truncated or corrupt');
    await expect(page.getByTestId('model-info')).toHaveAttribute('data-model-id', `custom:${MODEL}.tflite`);
    await expect(app.top1Label).toHaveText('espresso');
  });
});
