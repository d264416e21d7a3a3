/**
 * Offline (issue 18): the built app's service worker keeps what a run used, so the same attack runs
 * again with the network gone and gives the same numbers; a model never used here says so clearly.
 */
import { expect, test } from '@playwright/test';

const RUN = '/?model=mobilenet_v1_0.25_224&image=serre-lab_7&backend=wasm&attack=fmn&steps=3';

async function runAttack(page: import('@playwright/test').Page) {
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-status')).toHaveText('done', { timeout: 120_000 });
  return {
    l2: await page.getByTestId('run-l2').textContent(),
    label: await page.getByTestId('run-adv-label').textContent(),
    steps: await page.getByTestId('run-steps').textContent(),
  };
}

test('an attack runs again offline with the same numbers; a model never used here says it is not stored', async ({ page, context }) => {
  await page.goto(RUN);
  // Files fetched before the service worker took over were not seen by it: start again once it controls the page.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
  await page.reload();
  const online = await runAttack(page);
  expect(Number(online.l2)).toBeGreaterThan(0);
  // The model was cached on first use: the Keep offline control says all of it is here.
  await page.getByTestId('tab-explore').click();
  await expect(page.getByTestId('offline-state')).toHaveText(/^Kept offline: all 56 files/, { timeout: 20_000 });

  await context.setOffline(true);
  await page.reload();
  expect(await runAttack(page)).toEqual(online);

  await page.getByTestId('tab-explore').click();
  await page.getByTestId('model-select').selectOption('mobilenet_v1_0.75_224');
  await expect(page.getByTestId('error')).toHaveText(/^You are offline, and the model "mobilenet_v1_0.75_224" is not stored on this device/);
});
