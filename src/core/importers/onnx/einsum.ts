import * as tf from '@tensorflow/tfjs';
import { attrString, floatInput, tensorValue, type KernelCompiler, type OpContext } from './values';

/**
 * Einsum of one or two operands as transposes, sums and one batched matMul (attention's
 * "bhqd,bhkd->bhqk", "bhqk,bhkd->bhqd", "bnc,cd->bnd", …); tfjs differentiates each step.
 * An index repeated within one operand (a diagonal) is refused.
 */

interface Parsed {
  operands: string[];
  output: string;
}

function parse(equation: string, ranks: number[], c: OpContext): Parsed {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== ranks.length) throw c.fail(`has equation "${equation}" for ${ranks.length} operands`);
  const used = new Set(eq.replace(/[^A-Za-z]/g, ''));
  const spare = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((l) => !used.has(l));
  const ellipsisRank = Math.max(0, ...terms.map((t, k) => (t.includes('...') ? ranks[k]! - (t.length - 3) : 0)));
  const ellipsis = spare.slice(0, ellipsisRank).join('');
  const operands = terms.map((t, k) => {
    if (!t.includes('...')) return t;
    const own = ranks[k]! - (t.length - 3);
    return t.replace('...', ellipsis.slice(ellipsisRank - own));
  });
  operands.forEach((t, k) => {
    if (t.length !== ranks[k] || !/^[A-Za-z]*$/.test(t)) throw c.fail(`has equation "${equation}" that does not fit operand ${k}'s rank ${ranks[k]}`);
    if (new Set(t).size !== t.length) throw c.fail(`has equation "${equation}" with a repeated index (a diagonal), which AlignScope does not run`);
  });
  // Implicit output: ellipsis letters, then the indices that appear once, alphabetically.
  const counts = new Map<string, number>();
  operands.join('').split('').forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1));
  const implicit = ellipsis + [...counts].filter(([l, n]) => n === 1 && !ellipsis.includes(l)).map(([l]) => l).sort().join('');
  const output = rhs === undefined ? implicit : rhs.replace('...', ellipsis);
  return { operands, output };
}

/** Sums away the indices `keep` rejects; returns the tensor and its remaining index string. */
function sumOut(t: tf.Tensor, indices: string, keep: (l: string) => boolean): [tf.Tensor, string] {
  const axes = [...indices].flatMap((l, k) => (keep(l) ? [] : [k]));
  return axes.length ? [tf.sum(t, axes), [...indices].filter(keep).join('')] : [t, indices];
}

function permuteTo(t: tf.Tensor, from: string, to: string): tf.Tensor {
  const perm = [...to].map((l) => from.indexOf(l));
  return perm.every((p, k) => p === k) ? t : tf.transpose(t, perm);
}

function contract(a: tf.Tensor, ia: string, b: tf.Tensor, ib: string, output: string): tf.Tensor {
  const inOut = (l: string) => output.includes(l);
  [a, ia] = sumOut(a, ia, (l) => inOut(l) || ib.includes(l));
  [b, ib] = sumOut(b, ib, (l) => inOut(l) || ia.includes(l));
  const batch = [...ia].filter((l) => ib.includes(l) && inOut(l)).join('');
  const summed = [...ia].filter((l) => ib.includes(l) && !inOut(l)).join('');
  const left = [...ia].filter((l) => !ib.includes(l)).join('');
  const right = [...ib].filter((l) => !ia.includes(l)).join('');
  const size = (t: tf.Tensor, idx: string, letters: string) => [...letters].reduce((p, l) => p * t.shape[idx.indexOf(l)]!, 1);
  const dims = (t: tf.Tensor, idx: string, letters: string) => [...letters].map((l) => t.shape[idx.indexOf(l)]!);
  const a3 = tf.reshape(permuteTo(a, ia, batch + left + summed), [size(a, ia, batch), size(a, ia, left), size(a, ia, summed)]);
  const b3 = tf.reshape(permuteTo(b, ib, batch + summed + right), [size(b, ib, batch), size(b, ib, summed), size(b, ib, right)]);
  const y = tf.reshape(tf.matMul(a3, b3), [...dims(a, ia, batch), ...dims(a, ia, left), ...dims(b, ib, right)]);
  return permuteTo(y, batch + left + right, output);
}

export const einsum: KernelCompiler = (c) => {
  const equation = attrString(c, 'equation', '');
  return (inputs) => {
    const tensors = inputs.map((v, k) => floatInput(v, `operand ${k}`, c));
    const { operands, output } = parse(
      equation,
      tensors.map((t) => t.rank),
      c,
    );
    if (tensors.length === 1) {
      const [t, idx] = sumOut(tensors[0]!, operands[0]!, (l) => output.includes(l));
      return tensorValue(permuteTo(t, idx, output));
    }
    if (tensors.length !== 2) throw c.fail(`has ${tensors.length} operands; AlignScope runs Einsum of one or two`);
    return tensorValue(contract(tensors[0]!, operands[0]!, tensors[1]!, operands[1]!, output));
  };
};
