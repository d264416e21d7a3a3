import { test, expect } from './fixtures';
import type { RunResult } from '../src/core/attacks/types';
import type { RecordedStep, RunInputs } from '../src/ui/state/runStore';
import { DEFAULT_RUN_DEFINITION } from '../src/ui/export/runDefinition';
import { buildRunJson } from '../src/ui/export/runJson';

/**
 * A run JSON written here from a small hand-made run opens in the attack view as a read-only run;
 * a broken file then says why and leaves that run on screen.
 */

const size = 8;
const clean = Float32Array.from({ length: size * size * 3 }, (_, i) => (i % 17) / 16);
// Two non-zero values, 0.3 and −0.4: ‖δ‖₂ = 0.5 exactly.
const bestDelta = new Float32Array(size * size * 3);
bestDelta[5] = 0.3;
bestDelta[100] = -0.4;
const humanMap = Float32Array.from({ length: size * size }, (_, i) => i / (size * size - 1));
const delta = { data: bestDelta, width: size, height: size, channels: 3 as const, full: true };
const inputs: RunInputs = {
  size, clean, humanMap, humanMapSource: 'clickme', label: 281, labelName: (i) => `class ${i}`,
  cleanTop5: [{ classIndex: 281, prob: 0.75 }, { classIndex: 285, prob: 0.125 }],
};
const step = (i: number, l2: number, adv: boolean, bestL2: number | null): RecordedStep => ({
  step: i, totalSteps: 3, l2, linf: l2 / 2, eps: null, loss: adv ? 0.5 : -1, margin: adv ? 0.5 : -1, isAdversarial: adv,
  predicted: adv ? 285 : 281, bestL2, gradEvals: i + 1, top5: [], alignment: { mean: adv ? 0.25 : null, max: null }, delta,
});

function runJsonText(): string {
  const json = buildRunJson({
    // A model outside the catalogue, so an 8×8 input is its own size.
    definition: { ...DEFAULT_RUN_DEFINITION, imageId: 'chelsea', modelId: 'tiny-model', steps: 3 },
    status: 'done',
    inputs,
    environment: { backend: 'webgl', adapter: 'Test GPU', modelName: 'Tiny model', imageName: 'Chelsea the cat' },
    // Step 2 is the best adversarial (0.5); step 3 is adversarial but larger.
    steps: [step(0, 0, false, null), step(1, 0.7, true, 0.7), step(2, 0.5, true, 0.5), step(3, 0.55, true, 0.5)],
    result: {
      attack: 'fmn', readout: '1000-class', label: 281, success: true, bestDelta: delta, l2: 0.5, linf: 0.4,
      advClass: 285, advImagenetClass: 285, gradEvals: 4, steps: 3, wallMs: 2000,
    } as RunResult,
    resultAlignment: { mean: 0.25, max: 0.125 },
    convention: 'mean',
    divideByCeiling: false,
    baseUrl: 'https://elsewhere.example/alignscope/',
    userAgent: 'e2e',
    now: new Date(),
  });
  return JSON.stringify(json);
}

test('a run JSON opens as a read-only run; a broken one says why and changes nothing', async ({ app, page }) => {
  await app.open({ tab: 'attack' });
  const input = page.getByTestId('open-run-json');
  await input.setInputFiles({ name: 'chelsea-run.json', mimeType: 'application/json', buffer: Buffer.from(runJsonText()) });

  const banner = page.getByTestId('opened-run-banner');
  await expect(banner).toContainText('Opened from chelsea-run.json — not run here');
  await expect(page.getByTestId('opened-run-backend')).toHaveText('webgl');
  await expect(banner).toContainText('Test GPU');
  await expect(page.getByTestId('run-status')).toHaveText('done');
  await expect(page.getByTestId('run-l2')).toHaveText('0.5');
  await expect(page.getByTestId('run-steps')).toHaveText('4');
  // The best step is shown first, with the file's δ; one chart dot per step from the file's numbers.
  await expect(page.getByTestId('timeline-step')).toHaveText('step 2 / 3');
  await expect(page.getByTestId('timeline-numbers-only')).toHaveCount(0);
  await expect(page.locator('[data-testid="chart-l2"] g.series[data-series="l2"] circle.point')).toHaveCount(4);
  await expect(page.getByTestId('alignment')).toHaveText('0.250');
  // Other steps are numbers only, and say so.
  await page.getByTestId('timeline-scrub').fill('0');
  await expect(page.getByTestId('timeline-numbers-only')).toBeVisible();
  const rerun = await page.getByTestId('rerun-opened').getAttribute('href');
  expect(rerun).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?image=chelsea&model=tiny-model&protocol=interactive&attack=fmn&steps=3&.*run=1$/);

  // A file whose clean input is not base64: the reason is shown, the opened run stays.
  const broken = JSON.parse(runJsonText());
  broken.arrays.cleanInput.base64 = '%%% not base64 %%%';
  await input.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
  await expect(page.getByTestId('open-run-json-error')).toHaveText('The clean input in broken.json is not valid base64 text.');
  await expect(banner).toContainText('Opened from chelsea-run.json');
  await expect(page.getByTestId('run-l2')).toHaveText('0.5');
  await expect(page.getByTestId('run-steps')).toHaveText('4');
  expect(app.consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
});
