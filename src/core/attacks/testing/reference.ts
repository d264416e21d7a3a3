import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import { assetPath } from '../../../test/assets';
import type { ReadoutId } from '../types';

/** The independent reference of shared/assets/reference/minimal-l2 (see its README). */
export const REFERENCE_DIR = 'reference/minimal-l2';

export interface ReferenceCase {
  input: string;
  model: string;
  readout: ReadoutId;
  /** Clean top-1 (1000-class) or its group (binary), as the reference attacked it. */
  label: number;
  /** min(fmn, ddn) after 500 steps each: the reference minimal L2. */
  best: number;
  /** The reference's FMN and DDN norms on their own. */
  fmn?: number;
  ddn?: number;
  /** What foolbox's L2FMN behaviour reports (binary read-out only). */
  asPublished?: number;
}

export function readReferenceCases(): ReferenceCase[] {
  const text = fs.readFileSync(assetPath(`${REFERENCE_DIR}/minimal-l2.csv`), 'utf8');
  const byKey = new Map<string, ReferenceCase>();
  for (const line of text.trim().split('\n').slice(1)) {
    const [input, model, readout, label, method, , l2] = line.split(',');
    const key = `${input}|${model}|${readout}`;
    const c = byKey.get(key) ?? { input, model, readout: readout as ReadoutId, label: Number(label), best: Infinity };
    if (method === 'as-published') c.asPublished = Number(l2);
    else {
      if (method === 'fmn' || method === 'ddn') c[method] = Number(l2);
      c.best = Math.min(c.best, Number(l2));
    }
    byKey.set(key, c);
  }
  return [...byKey.values()];
}

export function findCase(cases: ReferenceCase[], input: string, model: string, readout: ReadoutId): ReferenceCase {
  const c = cases.find((r) => r.input === input && r.model === model && r.readout === readout);
  if (!c) throw new Error(`No reference row for ${input}, ${model}, ${readout}.`);
  return c;
}

/** A ready 224×224×3 float32 model input in [0, 1]. */
export function readReferenceInput(input: string): tf.Tensor4D {
  const buf = fs.readFileSync(assetPath(`${REFERENCE_DIR}/${input}`));
  return tf.tensor4d(new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)), [1, 224, 224, 3]);
}

/** |value − reference| ≤ max(rel · reference, abs). */
export function within(value: number, reference: number, rel: number, abs = 0): boolean {
  return Math.abs(value - reference) <= Math.max(rel * reference, abs);
}
