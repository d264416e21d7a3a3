import { test, expect } from '@playwright/test';

interface CheckReport {
  backend: string;
  error?: string;
  rows: { model: string; gradRelDiff: number | null; notes: string[] }[];
}

// The engine's own WebGPU kernel (the ReLU masks of reluMask.ts) runs only in a browser: check the
// input gradient it gives against the layers model's own on the same backend, through the bench page.
test('on WebGPU the engine gives the input gradient of the layers model', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/bench.html?backend=webgpu&models=mobilenet_v1_0.25_224&check=only');
  const handle = await page.waitForFunction(() => (window as unknown as { __benchResult?: CheckReport }).__benchResult, null, { timeout: 240_000 });
  const report = (await handle.jsonValue()) as CheckReport;
  expect(report.error).toBeUndefined();
  expect(report.backend).toBe('webgpu');
  expect(report.rows[0].notes).toEqual([]);
  expect(report.rows[0].gradRelDiff).toBeLessThan(1e-4);
});
