import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

/**
 * Batch runs and the scatter on the built app (WebGPU on SwiftShader: about 3 s per gradient, so
 * few steps and two images both MobileNets classify correctly). By ENVIRONMENT.md's timings the batch tests
 * should need a minute or two on an idle machine; under 8 parallel users here they took 7–10 minutes,
 * hence the generous timeouts.
 * Run: E2E_PORT=4373 E2E_DIST=dist-scatter npm run test:e2e -- scatter --output test-results-scatter
 */

// Both MobileNets classify these two correctly through the antialiased crop and resize (serre-lab_0
// and serre-lab_3 sit close to a sibling class on α 0.25 and flip with it).
const IMAGES = ['serre-lab_7', 'serre-lab_891'];
const MODELS = ['mobilenet_v1_0.25_224', 'mobilenet_v1_0.75_224'];

async function chooseBatch(page: Page, models: string[], images: string[], steps: number) {
  await page.goto('/?tab=batch');
  await expect(page.getByTestId(`batch-image-${images[0]}`)).toBeVisible();
  for (const box of await page.locator('[data-testid^="batch-image-"], [data-testid^="batch-model-"]').all()) {
    const id = (await box.getAttribute('data-testid'))!.replace(/^batch-(image|model)-/, '');
    await box.setChecked(images.includes(id) || models.includes(id));
  }
  await page.getByTestId('batch-protocol').selectOption('interactive');
  await page.getByTestId('batch-steps').fill(String(steps));
}

const userPoints = (page: Page) => page.locator('[data-testid="scatter"] [data-layer="user"]:not([data-image])');

test('the 2025 reference layer shows all 351 published models', async ({ page }) => {
  await page.goto('/?tab=scatter');
  await expect(page.locator('[data-testid="scatter"] [data-layer="ref2025"]')).toHaveCount(351);
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
  const markup = fs.readFileSync((await svg.path())!, 'utf8');
  expect(markup.match(/data-layer="ref2025"/g)).toHaveLength(351);
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  expect(fs.readFileSync((await png.path())!).subarray(1, 4).toString()).toBe('PNG');
  await page.getByTestId('layer-toggle-ref2023').check();
  await expect(page.locator('[data-testid="scatter"] [data-layer="ref2023"]').first()).toBeAttached();
  await page.getByTestId('layer-toggle-ref2025').uncheck();
  await expect(page.locator('[data-testid="scatter"] [data-layer="ref2025"]')).toHaveCount(0);
});

test('a 2-model × 2-image batch completes and shows 2 user points', async ({ page }) => {
  test.setTimeout(1_200_000);
  await chooseBatch(page, MODELS, IMAGES, 3);
  await page.getByTestId('batch-start').click();
  await expect(page.getByTestId('batch-status')).toHaveText(/^4 \/ 4 done/, { timeout: 1_100_000 });
  await expect(page.getByTestId('batch-status')).toHaveAttribute('data-state', 'idle');
  await expect(page.locator('[data-testid="batch-summary"] tbody tr')).toHaveCount(2);
  await page.getByTestId('tab-scatter').click();
  await expect(userPoints(page)).toHaveCount(2);
  // The interactive protocol over the 2025 table must come with the "not comparable" note.
  await expect(page.locator('[data-testid="scatter-note"]').first()).toContainText('Not directly comparable');
  const l2 = await userPoints(page).first().locator('title').textContent();
  expect(Number(/robustness \(L2\) ([\d.]+)/.exec(l2 ?? '')?.[1])).toBeGreaterThan(0);
});

test('reloading in the middle of a batch keeps finished results and resumes', async ({ page }) => {
  test.setTimeout(1_200_000);
  await chooseBatch(page, [MODELS[0]], [...IMAGES, 'serre-lab_4'], 2);
  await page.getByTestId('batch-start').click();
  await expect(page.getByTestId('batch-status')).toHaveText(/^1 \/ 3 done/, { timeout: 500_000 });
  await page.reload();
  // The finished result is there at once and the batch picks up where it stopped.
  await expect(page.getByTestId('batch-plan')).toHaveCount(1);
  await expect(page.getByTestId('batch-status')).toHaveText(/^3 \/ 3 done/, { timeout: 600_000 });
  await expect(page.getByTestId('batch-plan')).toHaveAttribute('data-status', 'done');
  await expect(page.locator('[data-testid="batch-summary"] tbody tr td').nth(4)).toHaveText(/ \/ 3$/);
});
