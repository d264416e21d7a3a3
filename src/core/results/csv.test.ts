import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, formatCell, formatCsv, parseCsv, unescapeCell } from './csv';

describe('parseCsv', () => {
  it('reads quoted commas, doubled quotes, CRLF and quoted newlines with their start lines', () => {
    const text = 'model,param_count\r\na,"1,014.45"\r\n\r\n"say ""hi""","x\ny"\nlast,1';
    const { records, lines } = parseCsv(text);
    expect(records).toEqual([
      ['model', 'param_count'],
      ['a', '1,014.45'],
      ['say "hi"', 'x\ny'],
      ['last', '1'],
    ]);
    expect(lines).toEqual([1, 2, 4, 6]);
  });
  it('drops a byte-order mark and keeps empty cells', () => {
    expect(parseCsv('\ufeffa,,c\n').records).toEqual([['a', '', 'c']]);
  });
  it('names the file and line of an unterminated quote', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3', 'runs.csv')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a,b\n1,"open\n2,3', 'runs.csv')).toThrow(/runs\.csv.*line 2/);
  });
});

describe('formatCell', () => {
  it('guards cells a spreadsheet would run as formulas', () => {
    expect(formatCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(formatCell('+cmd')).toBe("'+cmd");
    expect(formatCell('-2+3')).toBe("'-2+3");
    expect(formatCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });
  it('leaves numbers, including negative ones, as numbers', () => {
    expect(formatCell(-0.0771)).toBe('-0.0771');
    expect(formatCell('-0.0771')).toBe('-0.0771');
    expect(formatCell('1e-5')).toBe('1e-5');
    expect(formatCell(NaN)).toBe('');
    expect(formatCell(null)).toBe('');
  });
  it('round-trips awkward text through formatCsv and parseCsv', () => {
    const rows = [['=1+1', 'a,b', 'q"uote', 'line\nbreak', '-x', 'plain', "'kept"]];
    const back = parseCsv(formatCsv(rows)).records.map((r) => r.map(unescapeCell));
    expect(back).toEqual(rows);
  });
});
