import type * as tf from '@tensorflow/tfjs';
import { DdnRun } from './ddn';
import { DeepFoolRun } from './deepfool';
import { validateConfig } from './defaults';
import { EnsembleRun } from './ensemble';
import { AttackInputError } from './errors';
import type { LogitsFn } from './evaluator';
import { FmnRun } from './fmn';
import { FmnAsPublishedRun } from './fmnPublished';
import { LinfRun } from './linf';
import { PgdBisectRun } from './pgdBisect';
import type { AttackConfig, AttackRun } from './types';

/**
 * Starts a step-wise attack on one image x0 ([1, H, W, 3] in [0,1]; the run keeps its own
 * reference, so the caller may dispose x0). Nothing is computed until the first step().
 */
export function createAttack(logitsFn: LogitsFn, x0: tf.Tensor4D, config: AttackConfig): AttackRun {
  validateConfig(config);
  if (config.target !== undefined && config.attack === 'deepfool') {
    throw new AttackInputError('DeepFool runs untargeted only in AlignScope; pick FMN, DDN or PGD for a target.');
  }
  switch (config.attack) {
    case 'fmn':
      return new FmnRun(logitsFn, x0, config);
    case 'fmn-as-published':
      return new FmnAsPublishedRun(logitsFn, x0, config);
    case 'ddn':
      return new DdnRun(logitsFn, x0, config);
    case 'pgd-bisect':
      return new PgdBisectRun(logitsFn, x0, config);
    case 'fgsm':
    case 'pgd-linf':
      return new LinfRun(logitsFn, x0, config);
    case 'deepfool':
      return new DeepFoolRun(logitsFn, x0, config);
    case 'ensemble':
      return new EnsembleRun(logitsFn, x0, config);
  }
}

/** Runs an attack to the end and returns its result; `onStep` sees every report. */
export async function runToEnd(
  logitsFn: LogitsFn,
  x0: tf.Tensor4D,
  config: AttackConfig,
  onStep?: (report: Awaited<ReturnType<AttackRun['step']>>) => void,
) {
  const run = createAttack(logitsFn, x0, config);
  try {
    while (!run.done) {
      const report = await run.step();
      onStep?.(report);
    }
    return await run.result();
  } finally {
    run.dispose();
  }
}
