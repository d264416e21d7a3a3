import fs from 'node:fs';
import path from 'node:path';
import { kerasMobilenetToOnnx } from '../scripts/onnx-fixtures/kerasMobilenetToOnnx.mjs';
import { writeClickmeShard } from './clickmeShardFixture';
import { test, expect, SLOW } from './fixtures';

/**
 * A batch over what the user opened: two .onnx files (the mirrored Keras MobileNet v1 0.25 written
 * as ONNX, under two names) × the 3 records of a ClickMe shard written here, 10 FMN steps on WASM.
 * The page reloads half-way: the models come back from IndexedDB, the shard file is asked for again,
 * and no finished job runs twice. The records are the samples serre-lab_7, serre-lab_2 and
 * serre-lab_891: with the model's antialiased crop and resize this model classifies records 0 and 2
 * correctly and record 1 not, so each model point averages 2 images and has error bars.
 * Run: E2E_PORT=4201 E2E_DIST=dist-i15 npx playwright test e2e/batchAnything.spec.ts
 */
const DIR = path.join(process.env.ALIGNSCOPE_ASSETS_MIRROR ?? path.resolve('..', 'shared', 'assets'), 'models', 'mobilenet_v1_0.25_224');
const MODELS = ['file:first.onnx', 'file:second.onnx'];
const SHARD = 'clickme-val.tfrecords';
const IMAGES = [0, 1, 2].map((i) => `shard:${SHARD}#${i}`);

test('two user ONNX models × three shard records resume after a reload without running a job twice, and reach the scatter with error bars', async ({ app, page }) => {
  test.skip(!fs.existsSync(DIR), 'needs the asset mirror');
  test.setTimeout(900_000);
  const onnx = Buffer.from(kerasMobilenetToOnnx(fs.readFileSync(path.join(DIR, 'model.json')), (n) => new Uint8Array(fs.readFileSync(path.join(DIR, n)))));
  const shard = { name: SHARD, mimeType: 'application/octet-stream', buffer: writeClickmeShard(3, ['serre-lab_7', 'serre-lab_2', 'serre-lab_891']).bytes };

  await app.open({ model: 'mobilenet_v1_0.25_224', image: 'coffee', backend: 'wasm' });
  await expect(app.backend).toHaveText('wasm', { timeout: SLOW });
  await page.locator('details.custom-model summary').click();
  await page.getByLabel('Preprocessing').selectOption('[-1,1]');
  for (const name of ['first.onnx', 'second.onnx']) {
    await app.uploadModelFiles([{ name, mimeType: 'application/octet-stream', buffer: onnx }]);
    await expect(page.getByTestId('model-info')).toHaveAttribute('data-model-id', `custom:${name}`, { timeout: SLOW });
  }

  await app.openTab('batch');
  for (const id of MODELS) await expect(page.getByTestId(`batch-model-${id}`)).toBeVisible();
  // The sample list arrives on its own: wait for it, or the loop below misses its boxes (checked by default).
  await expect(page.getByTestId('batch-image-serre-lab_0')).toBeVisible();
  for (const box of await page.locator('[data-testid^="batch-image-"], [data-testid^="batch-model-"]').all()) {
    const id = (await box.getAttribute('data-testid'))!.replace(/^batch-(image|model)-/, '');
    await box.setChecked(MODELS.includes(id));
  }
  await page.getByTestId('batch-shard-upload').setInputFiles(shard);
  await expect(page.getByTestId('batch-shard-count')).toBeVisible();
  await page.getByTestId('batch-shard-count').fill('3');
  await page.getByTestId('batch-protocol').selectOption('interactive');
  await page.getByTestId('batch-attack').selectOption('fmn');
  await page.getByTestId('batch-steps').fill('10');
  await page.getByTestId('batch-start').click();

  // The definition is in the address at once.
  await expect.poll(() => new URL(page.url()).searchParams.get('models')).toBe(MODELS.join(','));
  expect(new URL(page.url()).searchParams.get('images')).toBe(`shard:${SHARD}#0-2`);
  const rows = page.getByTestId('batch-item');
  await expect(rows).toHaveCount(6);
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-image')))).toEqual([...IMAGES, ...IMAGES]);

  await expect(page.getByTestId('batch-status')).toHaveText(/^[2-5] \/ 6 done/, { timeout: 600_000 });
  const before = await page.locator('[data-testid="batch-item"][data-status="done"]').evaluateAll((els) =>
    els.map((e) => `${e.getAttribute('data-model')}|${e.getAttribute('data-image')}|${e.getAttribute('data-finished')}`),
  );
  expect(before.length).toBeGreaterThanOrEqual(2);
  await page.reload();

  // The models are stored; the shard file is asked for again and checked by name and size.
  await expect(page.getByTestId('batch-waiting')).toContainText(SHARD, { timeout: SLOW });
  await page.getByTestId('batch-shard-upload').setInputFiles({ ...shard, buffer: shard.buffer.subarray(0, 100) });
  await expect(page.getByTestId('batch-error')).toContainText('it is not the same file');
  await page.getByTestId('batch-shard-upload').setInputFiles(shard);
  await expect(page.getByTestId('batch-status')).toHaveText(/^6 \/ 6 done/, { timeout: 600_000 });
  await expect(page.locator('[data-testid="batch-item"][data-status="done"]')).toHaveCount(6);
  const after = await page.locator('[data-testid="batch-item"]').evaluateAll((els) =>
    els.map((e) => `${e.getAttribute('data-model')}|${e.getAttribute('data-image')}|${e.getAttribute('data-finished')}`),
  );
  // A job run again would have a new finish time.
  for (const row of before) expect(after).toContain(row);
  await expect(page.locator('[data-testid="batch-summary"] tbody tr')).toHaveCount(2);

  await app.openTab('scatter');
  const points = page.locator('[data-testid="scatter"] path.point[data-layer="user"]:not([data-image])');
  await expect(points).toHaveCount(2);
  expect(await points.evaluateAll((els) => els.map((e) => e.getAttribute('data-n')))).toEqual(['2', '2']);
  const bars = page.locator('[data-testid="scatter"] path.se-bar');
  await expect(bars).toHaveCount(2);
  for (const d of await bars.evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''))) expect(d).toMatch(/^M.+H.+M.+V/);
});
