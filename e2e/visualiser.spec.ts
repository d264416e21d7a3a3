import fs from 'node:fs';
import { test, expect, SLOW } from './fixtures';
import type { Page } from '@playwright/test';

// SwiftShader WebGPU takes seconds per MobileNet gradient: small step counts, the smallest model.
const MODEL = 'mobilenet_v1_0.25_224';
const RUN_TIMEOUT = 300_000;

async function waitForStatus(page: Page, status: string, timeout = RUN_TIMEOUT) {
  await expect(page.getByTestId('run-status')).toHaveText(status, { timeout });
}

async function shot(page: Page, outDir: string, name: string) {
  // Let layout and the canvases' next animation frame settle after a viewport change.
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${outDir}/screenshots/${name}.png`, fullPage: true });
}

test.describe('attack visualiser', () => {
  test('a URL run reaches done, charts every step, replays, exports JSON; cancel stops a run', async ({ app, page }, testInfo) => {
    test.setTimeout(600_000);
    const steps = 6;
    await app.open({ image: 'chelsea', model: MODEL, attack: 'fmn', steps: String(steps), run: '1' });
    await expect(app.backend).toHaveText('webgpu', { timeout: SLOW });
    await waitForStatus(page, 'done');

    await expect(page.getByTestId('run-success')).toHaveText('true');
    // FMN evaluates K + 1 points for K updates (step 0 is the clean image, step K the last iterate);
    // run-steps counts the evaluated points the chart shows.
    const points = steps + 1;
    await expect(page.getByTestId('run-steps')).toHaveText(String(points));
    const clean = (await page.getByTestId('run-clean-label').textContent())!.trim();
    const adv = (await page.getByTestId('run-adv-label').textContent())!.trim();
    expect(adv).not.toBe('–');
    expect(adv).not.toBe(clean);
    const l2 = Number(await page.getByTestId('run-l2').textContent());
    expect(l2).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('run-linf').textContent())).toBeGreaterThan(0);

    // One dot per step on the L2 chart.
    await expect(page.locator('[data-testid="chart-l2"] g.series[data-series="l2"] circle.point')).toHaveCount(points);
    await expect(page.locator('[data-testid="chart-l2"] g.marker[data-marker="first-success"]')).toHaveCount(1);

    await page.setViewportSize({ width: 1280, height: 720 });
    await shot(page, testInfo.project.outputDir, 'attack-done-1280x720');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await shot(page, testInfo.project.outputDir, 'attack-done-1920x1080');
    await page.setViewportSize({ width: 1280, height: 720 });

    // Scrubbing changes the shown step (and the chart cursor) without recomputing.
    const pos = page.getByTestId('timeline-step');
    const before = await pos.textContent();
    const cursorBefore = await page.locator('[data-testid="chart-l2"] line.cursor').getAttribute('x1');
    await page.getByTestId('timeline-scrub').fill('0');
    await expect(pos).toHaveText(`step 0 / ${steps}`);
    expect(before).not.toBe(`step 0 / ${steps}`);
    // The charts redraw on the next frame: wait for the cursor to move rather than read it at once.
    await expect(page.locator('[data-testid="chart-l2"] line.cursor')).not.toHaveAttribute('x1', cursorBefore!);
    // Replay from the first step to the end.
    await page.getByTestId('timeline-play').click();
    await expect(pos).toHaveText(`step ${steps} / ${steps}`, { timeout: 20_000 });
    await expect(page.getByTestId('run-steps')).toHaveText(String(points));

    // The exported JSON has the documented fields, and the best norm never increases.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    const json = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
    expect(json.format).toBe('alignscope-run');
    for (const key of ['version', 'createdAt', 'definition', 'url', 'environment', 'status', 'label', 'cleanTop5', 'alignment', 'steps', 'result', 'arrays']) {
      expect(json, key).toHaveProperty(key);
    }
    expect(json.definition).toMatchObject({ imageId: 'chelsea', modelId: MODEL, attack: 'fmn', steps });
    expect(json.environment.backend).toBe('webgpu');
    expect(json.steps).toHaveLength(points);
    const best = json.steps.map((s: { bestL2: number | null }) => s.bestL2);
    const firstSuccess = best.findIndex((b: number | null) => b !== null);
    expect(firstSuccess).toBeGreaterThanOrEqual(0);
    for (let i = firstSuccess + 1; i < best.length; i++) expect(best[i]).toBeLessThanOrEqual(best[i - 1]);
    expect(json.result.l2).toBeCloseTo(best[best.length - 1], 6);
    expect(json.result.success).toBe(true);
    expect(json.arrays.cleanInput.shape).toEqual([224, 224, 3]);
    expect(json.arrays.perturbation.shape).toEqual([224, 224, 3]);
    // The perturbation decodes to the reported norm.
    const bytes = Buffer.from(json.arrays.perturbation.base64, 'base64');
    let sum = 0;
    for (let o = 0; o < bytes.length; o += 4) sum += bytes.readFloatLE(o) ** 2;
    expect(Math.sqrt(sum)).toBeCloseTo(json.result.l2, 3);
    // The panels PNG holds the pictures and, below them, the three step charts.
    const [panels] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-panels').click()]);
    const png = fs.readFileSync((await panels.path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(20)).toBeGreaterThan(224 + 40 + 24 + 100);
    fs.mkdirSync(`${testInfo.project.outputDir}/screenshots`, { recursive: true });
    fs.writeFileSync(`${testInfo.project.outputDir}/screenshots/export-panels.png`, png);
    expect(app.consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);

    // Cancel (same page: a second model load would cost a minute on SwiftShader): a long run stops
    // where it is and keeps its steps.
    await page.getByTestId('steps-input').fill('200');
    await page.getByTestId('run-start').click();
    await waitForStatus(page, 'running', 10_000);
    await expect.poll(async () => Number(await page.getByTestId('run-steps').textContent()), { timeout: SLOW }).toBeGreaterThanOrEqual(1);
    await page.getByTestId('run-cancel').click();
    await waitForStatus(page, 'cancelled', 10_000);
    const count = Number(await page.getByTestId('run-steps').textContent());
    await page.waitForTimeout(6_000);
    expect(Number(await page.getByTestId('run-steps').textContent())).toBe(count);
    expect(count).toBeLessThan(200);
    await expect(page.getByTestId('run-start')).toBeEnabled();
  });
});
