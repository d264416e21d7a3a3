/**
 * Progress of a shard: a bar redrawn in place on a terminal, one plain line a job otherwise (a
 * Slurm output file, a pipe); every line also goes to the shard's log file.
 */
import fs from 'node:fs';
import type { BatchProgress } from '../core/batch/runner';

function formatDuration(ms: number | null): string {
  if (ms === null) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function rate(perMinute: number | null): string {
  return perMinute === null ? '? jobs/min' : `${perMinute.toFixed(perMinute < 10 ? 2 : 1)} jobs/min`;
}

function progressLine(p: BatchProgress): string {
  const last = p.last;
  const what = last
    ? last.status === 'failed'
      ? `failed ${last.modelId} × ${last.imageId}: ${last.message ?? ''}`
      : `${last.modelId} × ${last.imageId}: ${last.success ? `L2 ${last.l2?.toFixed(4)}` : 'no adversarial'}, ρ ${last.alignmentMean?.toFixed(3) ?? '–'}`
    : 'starting';
  return `${p.done}/${p.total} jobs, ${rate(p.perMinute)}, ETA ${formatDuration(p.etaMs)} | ${what}`;
}

function progressBar(p: BatchProgress, width = 30): string {
  const filled = p.total ? Math.round((p.done / p.total) * width) : width;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} ${rate(p.perMinute)} ETA ${formatDuration(p.etaMs)}${p.failed ? `, ${p.failed} failed` : ''}`;
}

export class ProgressReporter {
  private lastDone = -1;

  constructor(
    private readonly mode: 'bar' | 'lines',
    private readonly logFile: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  log(line: string): void {
    const stamped = this.toLogFile(line);
    if (this.mode === 'bar') this.out.write(`\r\x1b[K${line}\n`);
    else this.out.write(`${stamped}\n`);
  }

  update(p: BatchProgress): void {
    // One line a finished job (and one at the start), not one per job started.
    if (p.done !== this.lastDone) {
      this.lastDone = p.done;
      const stamped = this.toLogFile(progressLine(p));
      if (this.mode === 'lines') this.out.write(`${stamped}\n`);
    }
    if (this.mode === 'bar') this.out.write(`\r\x1b[K${progressBar(p)}`);
  }

  private toLogFile(line: string): string {
    const stamped = `${new Date().toISOString()} ${line}`;
    fs.appendFileSync(this.logFile, `${stamped}\n`);
    return stamped;
  }

  finish(): void {
    if (this.mode === 'bar') this.out.write('\n');
  }
}
