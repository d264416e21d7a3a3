// What bench:runner and bench:goal share: one npm run bench with some settings, and a median.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Runs scripts/bench.mjs with `overrides` on top of the environment; returns the JSON it saved. */
export function runBench(overrides) {
  const before = new Set(fs.existsSync('bench-results') ? fs.readdirSync('bench-results') : []);
  const r = spawnSync('node', ['scripts/bench.mjs'], { env: { BENCH_REPS: '3', ...process.env, ...overrides }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run bench failed:\n${r.stdout}\n${r.stderr}`);
  const file = fs.readdirSync('bench-results').filter((f) => f.endsWith('.json') && !before.has(f)).sort().pop();
  return JSON.parse(fs.readFileSync(path.join('bench-results', file), 'utf8'));
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
