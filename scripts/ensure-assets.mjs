#!/usr/bin/env node
// Runs before `npm run dev`: fills public/assets when files are missing (from $ALIGNSCOPE_ASSETS_MIRROR,
// else the official URLs). It must never stop the dev server from starting: every problem is a warning.
import path from 'node:path';
import { DEFAULT_DEST, readManifest, report, syncAssets } from './assets.mjs';

try {
  const assets = readManifest();
  const result = await syncAssets({ assets, dest: DEFAULT_DEST, timeoutMs: 15_000, log: () => {} });
  if (result.copied.length || result.downloaded.length || result.missing.length) report(result, assets, DEFAULT_DEST);
  for (const w of result.warnings.slice(0, 5)) console.warn(`  warning: ${w}`);
  if (!result.ok) {
    console.warn(
      `AlignScope will start, but ${result.missingRequired.length} required model files are missing from ${path.relative(process.cwd(), DEFAULT_DEST)}; ` +
        'the app will try the official URLs, and works offline only after `npm run assets` with a mirror.',
    );
  }
} catch (e) {
  console.warn(`ensure-assets: skipped (${e.message}); the app falls back to the official URLs.`);
}
