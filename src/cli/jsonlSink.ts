/**
 * The runner's result store: one JSON object a line in `<out>/results-<i>-of-<n>.jsonl`, each line
 * written and fsynced before the next job starts, so a killed or requeued task loses at most the
 * job it was running. Reading back skips a torn last line (the job it held is simply redone).
 */
import fs from 'node:fs';

export interface ReadLines<T> {
  records: T[];
  /** Lines that did not parse: a torn last line, or damage elsewhere (reported, never trusted). */
  bad: { line: number; text: string }[];
}

export function parseJsonl<T>(text: string): ReadLines<T> {
  const records: T[] = [];
  const bad: { line: number; text: string }[] = [];
  let pos = 0;
  let line = 0;
  while (pos < text.length) {
    line++;
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    const chunk = text.slice(pos, end);
    pos = end + 1;
    if (!chunk.trim()) continue;
    let parsed: T | undefined;
    try {
      // A line without its newline was cut while being written, even if it happens to parse.
      if (nl >= 0) parsed = JSON.parse(chunk) as T;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || parsed === null || typeof parsed !== 'object') bad.push({ line, text: chunk });
    else records.push(parsed);
  }
  return { records, bad };
}

/** The file's bytes; null when there is no file yet. */
export function readJsonlBytes(file: string): Buffer | null {
  return fs.existsSync(file) ? fs.readFileSync(file) : null;
}

export function readJsonlFile<T>(file: string): ReadLines<T> {
  return parseJsonl<T>(readJsonlBytes(file)?.toString('utf8') ?? '');
}

export class JsonlSink<T> {
  private fd: number;

  /**
   * Opens the file for appending; a torn tail left by a killed writer is cut off first, so the
   * next line starts on a line of its own. `bytes`: the file as the caller has just read it
   * (readJsonlBytes), so that it is not read again; read here when not given.
   */
  constructor(
    readonly file: string,
    bytes: Buffer | null = readJsonlBytes(file),
  ) {
    if (bytes?.length && bytes[bytes.length - 1] !== 0x0a) fs.truncateSync(file, bytes.lastIndexOf(0x0a) + 1);
    this.fd = fs.openSync(file, 'a');
  }

  append(record: T): void {
    fs.writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fs.fsyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
