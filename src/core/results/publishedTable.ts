import { CsvSyntaxError, parseCsv, unescapeCell } from './csv';
import { PROTOCOL_IDS, type ProtocolId } from './types';

/** One row of a per-model table in the published format `model,pt,aa,pt_sem,aa_sem`. */
export interface PublishedRow {
  model: string;
  pt: number;
  aa: number;
  pt_sem: number | null;
  aa_sem: number | null;
  /** Present when the file has a `protocol` column (AlignScope's own per-model export does). */
  protocol?: ProtocolId;
  /** Images averaged, when the file says (`n_pt` column). */
  n?: number;
}

export interface RowProblem {
  /** 1-based line in the file. */
  line: number;
  message: string;
}

export interface PublishedTableImport {
  fileName: string;
  rows: PublishedRow[];
  /** Rows left out, with why; the caller asks the user before using `rows` when this is not empty. */
  problems: RowProblem[];
}

/** The file as a whole cannot be used (not CSV, no header with the needed columns, no good row). */
export class CsvImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvImportError';
  }
}

const REQUIRED = ['model', 'pt', 'aa'] as const;

/**
 * Reads a per-model table in the 2025 follow-up's format (extra columns are ignored). Malformed rows
 * are reported with their line numbers and left out; the good rows are returned.
 */
export function parsePublishedTable(text: string, fileName: string): PublishedTableImport {
  let parsed;
  try {
    parsed = parseCsv(text, fileName);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new CsvImportError(`${e.message} Nothing was imported.`);
    throw e;
  }
  const { records, lines } = parsed;
  if (records.length === 0) throw new CsvImportError(`${fileName} is empty: expected a header "model,pt,aa,pt_sem,aa_sem".`);
  const header = records[0].map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new CsvImportError(
      `${fileName} has no column ${missing.map((m) => `"${m}"`).join(', ')} in its header line; ` +
        `expected the published format "model,pt,aa,pt_sem,aa_sem".`,
    );
  }
  const col = (name: string) => header.indexOf(name);
  const [iModel, iPt, iAa, iPtSem, iAaSem, iProtocol, iN] = [
    'model', 'pt', 'aa', 'pt_sem', 'aa_sem', 'protocol', 'n_pt',
  ].map(col);
  const rows: PublishedRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Set<string>();
  for (let r = 1; r < records.length; r++) {
    const cells = records[r];
    const line = lines[r];
    const fail = (message: string) => problems.push({ line, message });
    if (cells.length !== header.length) {
      fail(`has ${cells.length} cells where the header has ${header.length}.`);
      continue;
    }
    const model = unescapeCell(cells[iModel].trim());
    if (model === '') {
      fail('has no model name.');
      continue;
    }
    const pt = num(cells[iPt]);
    const aa = num(cells[iAa]);
    if (pt === null || pt < 0) {
      fail(`pt "${cells[iPt]}" is not a non-negative number.`);
      continue;
    }
    if (aa === null) {
      fail(`aa "${cells[iAa]}" is not a number.`);
      continue;
    }
    const sem = (i: number, name: string): number | null | 'bad' => {
      if (i < 0 || cells[i].trim() === '') return null;
      const v = num(cells[i]);
      if (v === null || v < 0) {
        fail(`${name} "${cells[i]}" is not a non-negative number.`);
        return 'bad';
      }
      return v;
    };
    const ptSem = sem(iPtSem, 'pt_sem');
    const aaSem = ptSem === 'bad' ? 'bad' : sem(iAaSem, 'aa_sem');
    if (ptSem === 'bad' || aaSem === 'bad') continue;
    let protocol: ProtocolId | undefined;
    if (iProtocol >= 0 && cells[iProtocol].trim() !== '') {
      const p = cells[iProtocol].trim();
      if (!(PROTOCOL_IDS as readonly string[]).includes(p)) {
        fail(`protocol "${p}" is not one of ${PROTOCOL_IDS.join(', ')}.`);
        continue;
      }
      protocol = p as ProtocolId;
    }
    const key = `${protocol ?? ''}\u0000${model}`;
    if (seen.has(key)) {
      fail(`repeats model "${model}" (the first row is kept).`);
      continue;
    }
    seen.add(key);
    const row: PublishedRow = { model, pt, aa, pt_sem: ptSem, aa_sem: aaSem };
    if (protocol) row.protocol = protocol;
    const n = iN >= 0 ? num(cells[iN]) : null;
    if (n !== null) row.n = n;
    rows.push(row);
  }
  if (rows.length === 0) {
    const first = problems[0];
    throw new CsvImportError(
      `${fileName} has no usable row` + (first ? ` (line ${first.line} ${first.message})` : '') + '.',
    );
  }
  return { fileName, rows, problems };
}

function num(s: string): number | null {
  const t = s.trim();
  if (t === '') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** Problems as lines a user reads before agreeing to import the rest. */
export function describeProblems(imp: PublishedTableImport): string[] {
  return imp.problems.map((p) => `${imp.fileName}, line ${p.line}: ${p.message}`);
}
