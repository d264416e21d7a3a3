/**
 * Page-object fixtures for AlignScope's end-to-end tests. Other specs reuse them:
 *   import { test, expect } from './fixtures';
 *   test('…', async ({ app }) => { await app.open({ image: 'serre-lab_0' }); … });
 * They speak only the automation contract (URL parameters and data-testids), so markup can change freely.
 */
import { test as base, expect, type Locator, type Page } from '@playwright/test';

export interface OpenParams {
  model?: string;
  image?: string;
  backend?: 'webgpu' | 'webgl' | 'wasm' | 'cpu';
  /** Any further parameters (attack, steps, run, tab…). */
  [key: string]: string | undefined;
}

/** SwiftShader WebGPU compiles shaders slowly: first predictions can take tens of seconds. */
export const SLOW = 120_000;

export class AppPage {
  readonly backend: Locator;
  readonly top1Label: Locator;
  readonly top1Prob: Locator;
  readonly error: Locator;
  readonly imageUpload: Locator;
  readonly heatmapUpload: Locator;
  readonly modelUpload: Locator;
  readonly modelSelect: Locator;
  readonly currentImage: Locator;
  /** Browser console errors and uncaught page errors, for test diagnostics. */
  readonly consoleErrors: string[] = [];

  constructor(readonly page: Page) {
    this.backend = page.getByTestId('backend');
    this.top1Label = page.getByTestId('top1-label');
    this.top1Prob = page.getByTestId('top1-prob');
    this.error = page.getByTestId('error');
    this.imageUpload = page.getByTestId('image-upload');
    this.heatmapUpload = page.getByTestId('heatmap-upload');
    this.modelUpload = page.getByTestId('model-upload');
    this.modelSelect = page.getByTestId('model-select');
    this.currentImage = page.getByTestId('current-image');
    page.on('console', (m) => m.type() === 'error' && this.consoleErrors.push(m.text()));
    page.on('pageerror', (e) => this.consoleErrors.push(e.message));
  }

  /** Opens the app with the given URL parameters. */
  async open(params: OpenParams = {}): Promise<void> {
    const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined) as [string, string][]);
    const s = q.toString();
    await this.page.goto(s ? `/?${s}` : '/');
  }

  /** Waits until the first predictions are shown and returns the top-1 label. */
  async waitForPredictions(): Promise<string> {
    await expect(this.top1Label).toBeVisible({ timeout: SLOW });
    return (await this.top1Label.textContent()) ?? '';
  }

  async top1(): Promise<{ label: string; prob: number }> {
    return { label: (await this.top1Label.textContent()) ?? '', prob: Number(await this.top1Prob.textContent()) };
  }

  /** Waits until the top-1 changes from `before` (label or probability) and returns the new one. */
  async waitForTop1Change(before: { label: string; prob: number }): Promise<{ label: string; prob: number }> {
    await expect
      .poll(async () => {
        const now = await this.top1();
        return now.label !== before.label || now.prob !== before.prob;
      }, { timeout: SLOW })
      .toBe(true);
    return this.top1();
  }

  /** Switches view: 'explore', 'attack', 'batch' or 'scatter' (a view whose file exists). */
  async openTab(id: 'explore' | 'attack' | 'batch' | 'scatter'): Promise<void> {
    await this.page.getByTestId(`tab-${id}`).click();
  }

  async selectModel(id: string): Promise<void> {
    await this.modelSelect.selectOption(id);
  }

  /** The id of the image the app shows (sample id, or upload:<file name>). */
  async currentImageId(): Promise<string | null> {
    return this.currentImage.getAttribute('data-image-id');
  }

  async uploadImage(file: { name: string; mimeType: string; buffer: Buffer } | string): Promise<void> {
    await this.imageUpload.setInputFiles(file);
  }

  async uploadModelFiles(files: string[] | { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
    await this.modelUpload.setInputFiles(files);
  }
}

export const test = base.extend<{ app: AppPage }>({
  app: async ({ page }, use, testInfo) => {
    const app = new AppPage(page);
    await use(app);
    if (testInfo.status !== testInfo.expectedStatus && app.consoleErrors.length) {
      await testInfo.attach('console-errors', { body: app.consoleErrors.join('\n'), contentType: 'text/plain' });
    }
  },
});

export { expect };
