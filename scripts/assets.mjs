#!/usr/bin/env node
// npm run assets: fills public/assets/ with every file of src/core/assets/manifest.json. Files the repository
// ships (manifest "bundled": the ClickMe samples, labels, 2023 points, the 0.25 topology, the photos) come from
// the checkout; the rest are copied from the mirror folder named by $ALIGNSCOPE_ASSETS_MIRROR (or --mirror DIR),
// else downloaded from the official URLs. Sizes are verified. Exits non-zero only when a required asset could not be had.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MANIFEST_PATH = path.join(ROOT, 'src/core/assets/manifest.json');
export const DEFAULT_DEST = path.join(ROOT, 'public/assets');

export function readManifest(file = MANIFEST_PATH) {
  return JSON.parse(fs.readFileSync(file, 'utf8')).assets;
}

const sizeOf = (file) => {
  try {
    const st = fs.statSync(file);
    return st.isFile() ? st.size : -1;
  } catch {
    return -1;
  }
};
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * Brings every manifest asset into `dest`. Returns lists of paths by outcome and `ok`
 * (false when a required asset is missing). Never throws for a single file.
 */
export async function syncAssets({
  assets = readManifest(),
  dest = DEFAULT_DEST,
  mirror = process.env.ALIGNSCOPE_ASSETS_MIRROR || undefined,
  download = true,
  fetchImpl = globalThis.fetch,
  timeoutMs = 120_000,
  log = console.log,
  repoRoot = ROOT,
} = {}) {
  const result = { present: [], fromRepo: [], copied: [], downloaded: [], missing: [], warnings: [] };
  const warn = (msg) => {
    result.warnings.push(msg);
    log(`  warning: ${msg}`);
  };
  if (mirror && !fs.existsSync(mirror)) {
    warn(`the mirror folder ${mirror} does not exist; downloading instead`);
    mirror = undefined;
  }
  let offline = !download;

  for (const a of assets) {
    const target = path.join(dest, a.path);
    if (sizeOf(target) === a.size) {
      result.present.push(a.path);
      continue;
    }
    if (a.bundled && sizeOf(path.join(repoRoot, a.bundled)) === a.size) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(repoRoot, a.bundled), target);
      result.fromRepo.push(a.path);
      continue;
    }
    if (mirror) {
      const source = path.join(mirror, a.path);
      const size = sizeOf(source);
      if (size === a.size) {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(source, target);
        fs.chmodSync(target, 0o644); // mirrors are often read-only; the local copy must stay replaceable
        result.copied.push(a.path);
        continue;
      }
      if (size >= 0) warn(`${a.path} in the mirror has ${size} bytes, not ${a.size}; not copied`);
    }
    if (a.url && !offline) {
      try {
        const res = await fetchImpl(a.url, { signal: AbortSignal.timeout(timeoutMs) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (bytes.length !== a.size) {
          warn(`${a.url} gave ${bytes.length} bytes, not the ${a.size} the manifest lists; not kept`);
        } else {
          if (sha256(bytes) !== a.sha256) warn(`${a.path} has the right size but another checksum than the manifest's (changed upstream?)`);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(`${target}.part`, bytes);
          fs.renameSync(`${target}.part`, target);
          result.downloaded.push(a.path);
          continue;
        }
      } catch (e) {
        const reason = e?.cause?.code ?? e?.name ?? '';
        warn(`could not download ${a.url}: ${e.message}${reason ? ` (${reason})` : ''}`);
        // A network that is down fails every file the same way: stop trying instead of waiting on each.
        if (e instanceof TypeError || e?.name === 'TimeoutError') {
          offline = true;
          warn('the network looks unreachable; skipping the remaining downloads');
        }
      }
    }
    result.missing.push(a.path);
  }
  const missingRequired = assets.filter((a) => a.required && result.missing.includes(a.path)).map((a) => a.path);
  return { ...result, missingRequired, ok: missingRequired.length === 0 };
}

/** One line per outcome, plus what a user can do about missing files. */
export function report(result, assets, dest, log = console.log) {
  log(`Assets in ${path.relative(process.cwd(), dest) || dest}:`);
  log(`  ${result.present.length} already present, ${result.fromRepo.length} copied from the repository, ${result.copied.length} copied from the mirror, ${result.downloaded.length} downloaded, ${result.missing.length} missing`);
  const missing = assets.filter((a) => result.missing.includes(a.path));
  const derived = missing.filter((a) => !a.url);
  const other = missing.filter((a) => a.url);
  if (derived.length) {
    const groups = [...new Set(derived.map((a) => a.group))].join(', ');
    log(`  ${derived.length} derived files (${groups}) exist only in a mirror: set ALIGNSCOPE_ASSETS_MIRROR to a folder that has them`);
  }
  const byGroup = groupBy(other);
  for (const [group, files] of byGroup) {
    const required = files.some((a) => a.required) ? ' (required)' : '';
    log(`  missing${required}: ${files.length === 1 ? files[0].path : `${files.length} files of ${group} (${files[0].path}, ...)`}`);
  }
}

function groupBy(assets) {
  const out = new Map();
  for (const a of assets) out.set(a.group, [...(out.get(a.group) ?? []), a]);
  return out;
}

async function main(argv) {
  const arg = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const assets = readManifest();
  const dest = path.resolve(arg('--dest') ?? DEFAULT_DEST);
  const mirror = arg('--mirror') ?? process.env.ALIGNSCOPE_ASSETS_MIRROR;
  if (mirror) console.log(`Copying from the mirror ${mirror}, downloading what it lacks.`);
  else console.log('No ALIGNSCOPE_ASSETS_MIRROR set: downloading from the official URLs.');
  const result = await syncAssets({ assets, dest, mirror, download: !argv.includes('--offline') });
  report(result, assets, dest);
  if (!result.ok) {
    console.error(`npm run assets: ${result.missingRequired.length} required assets could not be obtained (first: ${result.missingRequired[0]}).`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
