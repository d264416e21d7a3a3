/**
 * Reads a per-image CSV (recordsToCsv's format, from the app's export or `npm run batch:merge`)
 * back into result records, so runs made elsewhere join "your runs" with their drill-down.
 * Files written before the image-source columns existed read too.
 */
import { CsvSyntaxError, parseCsv, unescapeCell } from './csv';
import { PER_IMAGE_COLUMNS } from './exportCsv';
import { CsvImportError } from './publishedTable';
import { recordId } from '../batch/plan';
import { PROTOCOL_IDS, type ProtocolId, type ResultRecord } from './types';

/** The columns every per-image file has had; the rest are optional. */
const REQUIRED = PER_IMAGE_COLUMNS.slice(0, PER_IMAGE_COLUMNS.indexOf('finished_at') + 1);

/** True when the text starts with a per-image header (and not a per-model one). */
export function isPerImageCsv(text: string): boolean {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0];
  return first.startsWith(`${REQUIRED.slice(0, 4).join(',')},`);
}

export function parsePerImageCsv(text: string, fileName: string): ResultRecord[] {
  let records: string[][];
  let lines: number[];
  try {
    ({ records, lines } = parseCsv(text, fileName));
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new CsvImportError(e.message);
    throw e;
  }
  const [header = [], ...rows] = records;
  const col = new Map(header.map((h, i) => [h.trim(), i]));
  const missing = REQUIRED.filter((c) => !col.has(c));
  if (missing.length) throw new CsvImportError(`${fileName} is not a per-image results file: it lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`);

  return rows.map((row, k) => {
    const line = lines[k + 1];
    const where = `${fileName}, line ${line}`;
    const text = (c: string) => (col.has(c) ? unescapeCell(row[col.get(c)!] ?? '') : '');
    const num = (c: string, optional = true): number | null => {
      const s = text(c).trim();
      if (s === '') {
        if (optional) return null;
        throw new CsvImportError(`${where}: the column ${c} is empty.`);
      }
      const v = Number(s);
      if (!Number.isFinite(v)) throw new CsvImportError(`${where}: ${c} is "${s}", not a number.`);
      return v;
    };
    const bool = (c: string) => {
      const s = text(c).trim();
      if (s !== 'true' && s !== 'false') throw new CsvImportError(`${where}: ${c} is "${s}", not true or false.`);
      return s === 'true';
    };
    const protocol = text('protocol').trim();
    if (!(PROTOCOL_IDS as string[]).includes(protocol)) throw new CsvImportError(`${where}: the protocol "${protocol}" is not one of ${PROTOCOL_IDS.join(', ')}.`);
    const finishedAt = Date.parse(text('finished_at'));
    if (!Number.isFinite(finishedAt)) throw new CsvImportError(`${where}: finished_at "${text('finished_at')}" is not a date.`);
    const batchId = text('batch_id');
    const modelId = text('model_id');
    const imageId = text('image');
    if (!modelId || !imageId) throw new CsvImportError(`${where}: model_id and image must not be empty.`);
    const status = text('status') === 'failed' ? 'failed' : 'done';
    const record: ResultRecord = {
      id: recordId({ batchId, modelId, imageId }),
      batchId,
      modelId,
      modelName: text('model') || modelId,
      family: text('family'),
      imageId,
      label: num('label', false)!,
      cleanPrediction: num('clean_prediction', false)!,
      cleanCorrect: bool('clean_correct'),
      success: bool('success'),
      l2: num('l2'),
      linf: num('linf'),
      alignmentMean: num('alignment_mean'),
      alignmentMax: num('alignment_max'),
      gradEvals: num('grad_evals') ?? 0,
      wallMs: num('wall_ms') ?? 0,
      backend: text('backend'),
      protocol: protocol as ProtocolId,
      attack: text('attack'),
      steps: num('steps') ?? 0,
      finishedAt,
      status,
    };
    if (col.has('image_source')) record.imageSource = text('image_source');
    if (col.has('record_index')) record.recordIndex = num('record_index');
    if (status === 'failed' && text('message')) record.message = text('message');
    return record;
  });
}
