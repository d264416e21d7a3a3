import fs from 'node:fs';
import path from 'node:path';
import { test, expect, SLOW } from './fixtures';

// One page load carries the whole foundation story: SwiftShader WebGPU is slow, so each extra load costs.
test('loads on WebGPU, predicts, switches model, and survives a corrupt upload', async ({ app, page }, testInfo) => {
  await app.open();
  await expect(app.backend).toHaveText('webgpu', { timeout: SLOW });

  const label = await app.waitForPredictions();
  expect(label.trim()).not.toBe('');
  const first = await app.top1();
  expect(first.prob).toBeGreaterThan(0);
  expect(first.prob).toBeLessThanOrEqual(1);
  const shownImage = await app.currentImageId();
  expect(shownImage).toBeTruthy();
  await page.screenshot({ path: `${testInfo.project.outputDir}/screenshots/explore-1280x720.png` });

  await app.selectModel('mobilenet_v1_0.75_224');
  await expect(page.getByTestId('model-info')).toHaveAttribute('data-model-id', 'mobilenet_v1_0.75_224', { timeout: SLOW });
  const second = await app.waitForTop1Change(first);
  expect(second.prob).toBeGreaterThan(0);

  await app.uploadImage({ name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('this is not a picture') });
  await expect(app.error).toBeVisible();
  await expect(app.error).toContainText('broken.png');
  expect(await app.currentImageId()).toBe(shownImage);
  expect(await app.top1()).toEqual(second);
});

test('URL parameters pick model, image and backend', async ({ app, page }) => {
  await app.open({ model: 'mobilenet_v1_0.25_224', image: 'coffee', backend: 'wasm' });
  await expect(app.backend).toHaveText('wasm', { timeout: SLOW });
  await expect(app.top1Label).toHaveText('espresso', { timeout: SLOW });
  await expect(page.getByTestId('model-info')).toHaveAttribute('data-model-id', 'mobilenet_v1_0.25_224');
  expect(await app.currentImageId()).toBe('coffee');
});

test('a model from local files (model.json + weights) predicts like the catalogue one', async ({ app, page }) => {
  const dir = path.join(process.env.ALIGNSCOPE_ASSETS_MIRROR ?? path.resolve('..', 'shared', 'assets'), 'models', 'mobilenet_v1_0.25_224');
  test.skip(!fs.existsSync(dir), 'needs the asset mirror');
  await app.open({ image: 'coffee', backend: 'wasm', model: 'mobilenet_v1_0.75_224' });
  await expect(app.top1Label).toHaveText('espresso', { timeout: SLOW });
  const before = await app.top1();

  await app.uploadModelFiles(fs.readdirSync(dir).map((n) => path.join(dir, n)));
  await expect(page.getByTestId('model-info')).toHaveAttribute('data-model-id', 'custom:model.json', { timeout: SLOW });
  const after = await app.waitForTop1Change(before);
  expect(after.label).toBe('espresso');

  // Only the weights, without model.json: a clear error, and the uploaded model keeps working.
  await app.uploadModelFiles([path.join(dir, 'group1-shard1of1')]);
  await expect(app.error).toContainText('add the model.json');
  await expect(page.getByTestId('model-info')).toHaveAttribute('data-model-id', 'custom:model.json');
});

test('a model loaded from a URL goes into the address, so a reload opens it again', async ({ app, page, baseURL }) => {
  await app.open({ image: 'coffee', backend: 'wasm', model: 'mobilenet_v1_0.75_224' });
  await expect(app.top1Label).toHaveText('espresso', { timeout: SLOW });
  const url = `${baseURL}/assets/models/mobilenet_v1_0.25_224/model.json`;
  await page.getByText('Your own model').click();
  await page.getByPlaceholder('https://…/model.json').fill(url);
  // A timm name brings that model's eval preprocessing from timm's table (bicubic, crop_pct 0.875).
  await page.getByPlaceholder('optional, joins the scatter').fill('mobilenetv2_100.ra_in1k');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  const id = `${url}#timm=mobilenetv2_100.ra_in1k`;
  await expect.poll(() => new URL(page.url()).searchParams.get('model'), { timeout: SLOW }).toBe(id);
  await expect(app.modelSelect).toHaveValue('');
  const preprocessing = '224×224 · bicubic · crop_pct 0.875 · [-1,1] (assumed) — timm results table, row mobilenetv2_100.ra_in1k at 224 px';
  await expect(page.getByTestId('model-preprocessing')).toHaveText(preprocessing);
  const fromUrl = await app.top1();

  await page.reload();
  await expect(app.top1Label).toHaveText(fromUrl.label, { timeout: SLOW });
  expect((await app.top1()).prob).toBeCloseTo(fromUrl.prob, 3);
  await expect(app.modelSelect).toHaveValue('');
  expect(new URL(page.url()).searchParams.get('model')).toBe(id);
  await expect(page.getByTestId('model-preprocessing')).toHaveText(preprocessing);
});
