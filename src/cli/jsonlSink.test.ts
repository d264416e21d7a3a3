import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonlSink, parseJsonl, readJsonlFile } from './jsonlSink';

const dirs: string[] = [];
const tmpFile = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'jsonl-'));
  dirs.push(d);
  return path.join(d, 'results-0-of-1.jsonl');
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('parseJsonl', () => {
  it('reads whole lines and reports a line cut while being written', () => {
    const { records, bad } = parseJsonl<{ a: number }>('{"a":1}\n{"a":2}\n{"a":');
    expect(records).toEqual([{ a: 1 }, { a: 2 }]);
    expect(bad).toEqual([{ line: 3, text: '{"a":' }]);
  });

  it('does not trust a last line without its newline even when it parses', () => {
    expect(parseJsonl('{"a":1}\n{"a":22}').records).toEqual([{ a: 1 }]);
  });

  it('skips blank lines and reports damaged ones in the middle', () => {
    const { records, bad } = parseJsonl('{"a":1}\n\nnot json\n{"a":3}\n');
    expect(records).toEqual([{ a: 1 }, { a: 3 }]);
    expect(bad.map((b) => b.line)).toEqual([3]);
  });
});

describe('JsonlSink', () => {
  it('appends one line a record, readable at once', () => {
    const file = tmpFile();
    const sink = new JsonlSink<{ n: number }>(file);
    sink.append({ n: 1 });
    expect(readJsonlFile(file).records).toEqual([{ n: 1 }]);
    sink.append({ n: 2 });
    sink.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('cuts a torn last line before appending, so the redone job starts a line of its own', () => {
    const file = tmpFile();
    fs.writeFileSync(file, '{"n":1}\n{"n":2');
    const sink = new JsonlSink<{ n: number }>(file);
    sink.append({ n: 2 });
    sink.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });
});
