import { DEFAULT_PARAMS, paramsFor } from '../../core/attacks/defaults';
import type { AttackConfig, EnsemblePhaseId } from '../../core/attacks/types';
import type { StepBand } from '../charts/stepChart';
import type { RecordedStep } from '../state/runStore';

/**
 * Short name of an ensemble phase, for chart bands and the timeline. The DDN phase names the ε₀ the
 * run used (its config's, or the default where no config is known).
 */
export function phaseLabel(id: EnsemblePhaseId, config: AttackConfig | null): string {
  switch (id) {
    case 'fmn':
      return 'FMN';
    case 'ddn': {
      const epsInit = config ? paramsFor(config, 'ensemble').ddnEpsInit : DEFAULT_PARAMS.ensemble.ddnEpsInit;
      return `DDN (ε₀ ${Number(epsInit.toPrecision(3))})`;
    }
    case 'fmn-refine':
      return 'FMN from best';
  }
}

/**
 * One band per run of consecutive steps in the same phase (step indices as the charts count them),
 * each reaching to where the next begins so that the bands tile the axis.
 */
export function phaseBands(steps: readonly Pick<RecordedStep, 'phase'>[], config: AttackConfig | null): StepBand[] {
  const bands: StepBand[] = [];
  steps.forEach((s, i) => {
    if (!s.phase) return;
    const last = bands.at(-1);
    if (last) last.to = i;
    if (!last || last.id !== `phase-${s.phase.index}`) bands.push({ id: `phase-${s.phase.index}`, from: i, to: i, label: phaseLabel(s.phase.id, config) });
  });
  return bands;
}
