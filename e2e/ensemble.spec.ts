import { test, expect } from './fixtures';

// The ensemble from a URL on WASM (seconds per run there, unlike SwiftShader WebGPU), on the smallest
// MobileNet and a budget of 10 gradients: 4 FMN, 3 DDN, 3 FMN from the best, 13 evaluated points.
test('attack=ensemble runs its three phases, shades them on the charts and names them on the timeline', async ({ app, page }, testInfo) => {
  test.setTimeout(300_000);
  await app.open({ image: 'chelsea', model: 'mobilenet_v1_0.25_224', backend: 'wasm', attack: 'ensemble', steps: '10', run: '1' });
  await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 240_000 });
  await expect(page.getByTestId('run-steps')).toHaveText('13');
  await expect(page.getByTestId('attack-select')).toHaveValue('ensemble');
  const bands = page.locator('[data-testid="chart-l2"] g.band');
  await expect(bands).toHaveCount(3);
  expect(await bands.evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-from'), g.getAttribute('data-to'), g.textContent]))).toEqual([
    ['0', '5', 'FMN'],
    ['5', '9', 'DDN (ε₀ 1)'],
    ['9', '12', 'FMN from best'],
  ]);
  await page.getByTestId('timeline-scrub').fill('6');
  await expect(page.getByTestId('timeline-step')).toHaveText('step 6 / 12 · phase 2/3: DDN (ε₀ 1)');
  await page.screenshot({ path: `${testInfo.project.outputDir}/screenshots/ensemble-phases.png`, fullPage: true });
});
