import { bench, describe } from 'vitest';
import { spearman, spearmanAgainst } from './spearman';

// The budget is 5 ms per attack step for two 224×224 maps.
const n = 224 * 224;
let seed = 1;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const attack = Float32Array.from({ length: n }, () => rand() * 0.01);
// An 8-bit human map: heavy ties, as real ClickMe maps have.
const human = Float32Array.from({ length: n }, () => Math.round(rand() * 255) / 255);
const againstHuman = spearmanAgainst(human);

describe('spearman 224×224', () => {
  bench('spearman(attack, human): both maps ranked', () => {
    spearman(attack, human);
  });
  bench('spearmanAgainst(human)(attack): human ranks cached, as per attack step', () => {
    againstHuman(attack);
  });
});
