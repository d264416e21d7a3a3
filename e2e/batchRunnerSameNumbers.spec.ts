import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCsv } from '../src/core/results/csv';
import { test, expect } from './fixtures';

/**
 * Same numbers everywhere: a batch started from the address in the app, on WASM, and the same batch
 * through `npm run batch` in Node give every job the same L2 and alignments (within 1e-6 relative):
 * 2 catalogue models (MobileNet v1 0.25, its 128 px TFLite) × 2 ClickMe samples × 5 FMN steps.
 * Run: E2E_PORT=4202 E2E_DIST=dist-i16 npx playwright test e2e/batchRunnerSameNumbers.spec.ts
 */
const MIRROR = process.env.ALIGNSCOPE_ASSETS_MIRROR ?? path.resolve('..', 'shared', 'assets');
const MODELS = ['mobilenet_v1_0.25_224', 'mobilenet_v1_0.25_128_quant'];
const IMAGES = ['serre-lab_0', 'serre-lab_3'];
const STEPS = '5';

type Row = Record<string, string>;

function rows(csv: string): Row[] {
  const [header, ...body] = parseCsv(csv).records;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

function close(a: string, b: string, what: string): void {
  if (a === '' || b === '') {
    expect(a, what).toBe(b);
    return;
  }
  const [x, y] = [Number(a), Number(b)];
  expect(Math.abs(x - y), `${what}: app ${a}, runner ${b}`).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(y), 1e-12));
}

test('the app batch on WASM and npm run batch give the same L2 and alignments', async ({ app, page }) => {
  test.skip(!fs.existsSync(path.join(MIRROR, 'clickme-samples')), 'needs the asset mirror');
  test.setTimeout(600_000);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'alignscope-same-numbers-'));
  try {
    const runner = spawnSync(
      'node_modules/.bin/tsx',
      ['src/cli/batch.ts', '--models', MODELS.join(','), '--images', IMAGES.join(','), '--steps', STEPS, '--out', out, '--progress', 'lines'],
      { encoding: 'utf8', env: { ...process.env, ALIGNSCOPE_ASSETS_MIRROR: MIRROR } },
    );
    expect(runner.status, runner.stderr).toBe(0);
    expect(spawnSync('node_modules/.bin/tsx', ['src/cli/mergeMain.ts', out], { encoding: 'utf8' }).status).toBe(0);
    const cli = rows(fs.readFileSync(path.join(out, 'per-image.csv'), 'utf8'));

    await app.open({ tab: 'batch', models: MODELS.join(','), images: IMAGES.join(','), protocol: 'interactive', steps: STEPS, backend: 'wasm', run: '1' });
    await expect(page.getByTestId('batch-status')).toHaveText(/^4 \/ 4 done/, { timeout: 540_000 });
    const download = page.waitForEvent('download');
    await page.getByTestId('export-images').click();
    const inApp = rows(fs.readFileSync((await (await download).path())!, 'utf8'));

    expect(inApp).toHaveLength(4);
    for (const r of cli) {
      const a = inApp.find((x) => x.model_id === r.model_id && x.image === r.image)!;
      const what = `${r.model_id} × ${r.image}`;
      expect(a, what).toBeDefined();
      expect([a.backend, r.backend]).toEqual(['wasm', 'wasm']);
      expect([a.clean_prediction, a.success, a.steps], what).toEqual([r.clean_prediction, r.success, r.steps]);
      for (const c of ['l2', 'linf', 'alignment_mean', 'alignment_max']) close(a[c], r[c], `${what} ${c}`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
