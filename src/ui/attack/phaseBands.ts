import type { EnsemblePhaseId } from '../../core/attacks/types';
import type { StepBand } from '../charts/stepChart';
import type { RecordedStep } from '../state/runStore';

/** Short names of the ensemble's phases, for chart bands and the timeline. */
export const PHASE_LABELS: Record<EnsemblePhaseId, string> = {
  fmn: 'FMN',
  ddn: 'DDN (ε₀ 1)',
  'fmn-refine': 'FMN from best',
};

/**
 * One band per run of consecutive steps in the same phase (step indices as the charts count them),
 * each reaching to where the next begins so that the bands tile the axis.
 */
export function phaseBands(steps: readonly Pick<RecordedStep, 'phase'>[]): StepBand[] {
  const bands: StepBand[] = [];
  steps.forEach((s, i) => {
    if (!s.phase) return;
    const last = bands.at(-1);
    if (last) last.to = i;
    if (!last || last.id !== `phase-${s.phase.index}`) bands.push({ id: `phase-${s.phase.index}`, from: i, to: i, label: PHASE_LABELS[s.phase.id] });
  });
  return bands;
}
