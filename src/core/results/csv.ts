/**
 * RFC 4180 CSV: the timm tables quote numbers with thousands separators ("1,014.45"), and model
 * names a user types may hold commas or quotes, so splitting on commas is not enough.
 */

export interface ParsedCsv {
  /** Every record, header included, as cells. */
  records: string[][];
  /** 1-based line on which each record starts (quoted newlines make records span lines). */
  lines: number[];
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/** Parses CSV text; blank lines are skipped. Throws CsvSyntaxError for an unterminated quote. */
export function parseCsv(text: string, fileName = 'the CSV file'): ParsedCsv {
  const records: string[][] = [];
  const lines: number[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let startLine = 1;
  let inQuotes = false;
  let quoteLine = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) {
      records.push(cells);
      lines.push(startLine);
    }
    cells = [];
    cell = '';
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell === '') {
      inQuotes = true;
      quoteLine = line;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      startLine = line;
    } else {
      cell += ch;
    }
  }
  if (inQuotes) {
    throw new CsvSyntaxError(`${fileName}: the quoted cell opened on line ${quoteLine} is never closed.`, quoteLine);
  }
  endRecord();
  return { records, lines };
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * One cell for export. Text that a spreadsheet would run as a formula (leading = + - @, tab, CR) is
 * prefixed with a single quote (OWASP's advice); real numbers such as -0.07 stay numbers.
 */
export function formatCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let s = String(value);
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Undoes formatCell's formula guard on import, so exported names come back unchanged. */
export function unescapeCell(s: string): string {
  return s.length > 1 && s[0] === "'" && FORMULA_START.test(s.slice(1)) ? s.slice(1) : s;
}

export function formatCsv(rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string {
  return rows.map((r) => r.map(formatCell).join(',')).join('\n') + '\n';
}
