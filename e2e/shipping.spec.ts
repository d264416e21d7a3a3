/**
 * Shipping AlignScope (issue 18): the build under a sub-path on a plain static server (not Vite).
 * 1. A fresh clone (only the committed assets, no mirror, no network) still shows the ten ClickMe
 *    samples with their maps and the 2023 layer.
 * 2. With the assets, an attack runs; the service worker makes the page cross-origin isolated, so
 *    the WASM backend runs threads; a new deployment waits until the user accepts a reload.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { serveStatic, type StaticServer } from './staticServer';

const SUB = '/alignscope/';
const PORT = Number(process.env.E2E_PORT ?? 4173) + 10;
const OUT = path.resolve(`${process.env.E2E_DIST ?? 'dist'}-subpath`);
let server: StaticServer;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const build = spawnSync('npx', ['vite', 'build', '--outDir', OUT, '--emptyOutDir', '--logLevel', 'warn'], {
    env: { ...process.env, BASE_PATH: SUB },
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`BASE_PATH=${SUB} vite build failed: ${build.stderr}`);
  server = await serveStatic(OUT, SUB, PORT);
});

test.afterAll(async () => server?.close());

test.describe('a fresh clone: committed assets only, no network', () => {
  test.use({ serviceWorkers: 'block' });

  test('shows the ten ClickMe samples with their maps and the 2023 layer', async ({ page }) => {
    const committed = new Set(
      execFileSync('git', ['ls-files', 'public/assets'], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((f) => f.slice('public/'.length)),
    );
    expect(committed.size).toBeGreaterThan(20);
    server.allow = (rel) => !rel.startsWith('assets/') || committed.has(rel);
    await page.context().route('**/*', (route) => (route.request().url().startsWith(`http://127.0.0.1:${PORT}/`) ? route.continue() : route.abort()));

    await page.goto(server.url);
    await expect(page.locator('[data-testid="gallery-clickme"] [data-sample]')).toHaveCount(10);
    // Each sample's human map decodes (the app reads the same index.json).
    const maps = await page.evaluate(async (base) => {
      const index = await (await fetch(`${base}assets/clickme-samples/index.json`)).json();
      return Promise.all(
        index.samples.map(async (s: { heatmap: string }) => {
          const bitmap = await createImageBitmap(await (await fetch(`${base}assets/clickme-samples/${s.heatmap}`)).blob());
          return bitmap.width * bitmap.height;
        }),
      );
    }, SUB);
    expect(maps).toHaveLength(10);
    for (const pixels of maps) expect(pixels).toBeGreaterThan(100 * 100);

    await page.getByTestId('tab-scatter').click();
    await page.getByTestId('layer-toggle-ref2023').check();
    expect(await page.locator('[data-testid="scatter"] [data-layer="ref2023"]').count()).toBeGreaterThan(20);
  });
});

test('under a sub-path on a static host: isolated by the service worker, threaded WASM, an attack runs', async ({ page }) => {
  server.allow = () => true;
  await page.goto(`${server.url}?model=mobilenet_v1_0.25_224&image=serre-lab_7&backend=wasm&attack=fmn&steps=3`);
  // The first visit is not isolated (no headers); the service worker adds them and the page reloads once.
  await page.waitForFunction(() => crossOriginIsolated, undefined, { timeout: 60_000 });
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  const badge = page.locator('.badge');
  await expect(badge).toContainText('thread');
  await expect(badge).not.toContainText('not cross-origin isolated');
  if ((await page.evaluate(() => navigator.hardwareConcurrency)) > 1) await expect(badge).toContainText(/\d+ threads/);
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 120_000 });
  expect(Number(await page.getByTestId('run-l2').textContent())).toBeGreaterThan(0);

  // A new deployment (another sw.js) waits for the user: the banner offers the reload, which switches.
  fs.appendFileSync(path.join(OUT, 'sw.js'), '\n// next deployment\n');
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  await expect(page.getByTestId('update-banner')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('run-status')).toHaveText('done');
  await Promise.all([page.waitForEvent('load'), page.getByTestId('update-reload').click()]);
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('update-banner')).toHaveCount(0);
});
