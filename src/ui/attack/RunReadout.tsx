import { displayedAlignment, useRun } from '../state/runStore';
import { labelOf, useLabels } from '../predictions/labels';
import { AlignmentConventionLabel } from './StepCharts';

/**
 * The run's numbers, with the automation contract's data-testids: status, final norms, success,
 * steps, adversarial label, and the shown step's alignment ("undefined" when ρ is undefined).
 */

/** Four significant digits: norms range from 1e-4 (a sibling class) to 10 (the paper's largest ε). */
function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  return v === 0 ? '0' : String(Number(v.toPrecision(4)));
}

export function RunReadout() {
  const status = useRun((s) => s.status);
  const error = useRun((s) => s.error);
  const result = useRun((s) => s.result);
  const count = useRun((s) => s.steps.length);
  const rate = useRun((s) => s.rate);
  const planned = useRun((s) => s.steps[0]?.totalSteps ?? s.config?.steps ?? 0);
  const lastStep = useRun((s) => (s.steps.length ? s.steps[s.steps.length - 1].step : 0));
  const alignment = useRun((s) => {
    if (s.steps.length === 0) return null;
    const i = s.shownStep ?? s.steps.length - 1;
    return displayedAlignment(s.steps[i].alignment, s.convention, s.divideByCeiling);
  });
  const liveL2 = useRun((s) => (s.steps.length ? s.steps[s.steps.length - 1].bestL2 : null));
  const cleanLabel = useRun((s) => s.inputs?.label ?? null);
  const labels = useLabels();
  const labelName = (i: number) => labelOf(labels, i);
  const progress = status === 'done' ? 1 : planned > 0 ? Math.min(1, lastStep / planned) : 0;

  return (
    <section className="panel run-readout" aria-labelledby="readout-title">
      <h2 id="readout-title">
        Run <span className={`status status-${status}`} data-testid="run-status">{status}</span>
      </h2>
      <div
        className="progress"
        role="progressbar"
        aria-label="Attack progress"
        aria-valuemin={0}
        aria-valuemax={1}
        aria-valuenow={progress}
        aria-valuetext={`step ${lastStep} of ${planned}`}
      >
        <span style={{ width: `${(progress * 100).toFixed(1)}%` }} />
        <small>
          step {lastStep} / {planned} · <span data-testid="run-steps">{count}</span> points ·{' '}
          <span data-testid="run-rate">{rate.toFixed(2)}</span> steps/s
        </small>
      </div>
      {result?.success && result.l2 === 0 && (
        <p className="muted small" data-testid="run-already-wrong">
          The model already misclassifies the clean image, so δ = 0 counts as adversarial and alignment is undefined; the
          paper leaves such images out.
        </p>
      )}
      {error && (
        <p className="run-error" role="alert">
          {error}
        </p>
      )}
      <dl className="facts">
        <dt>success</dt>
        <dd data-testid="run-success">{result ? String(result.success) : status === 'running' ? '…' : '–'}</dd>
        <dt>best ‖δ‖₂</dt>
        <dd data-testid="run-l2">{fmt(result ? result.l2 : liveL2)}</dd>
        <dt>best ‖δ‖∞</dt>
        <dd data-testid="run-linf">{fmt(result?.linf)}</dd>
        <dt>attacked class</dt>
        <dd data-testid="run-clean-label">{cleanLabel === null ? '–' : labelName(cleanLabel)}</dd>
        <dt>adversarial class</dt>
        <dd data-testid="run-adv-label">{result?.advImagenetClass != null ? labelName(result.advImagenetClass) : '–'}</dd>
        <dt>gradients</dt>
        <dd>{result ? result.gradEvals : '–'}</dd>
        <dt>alignment ρ</dt>
        <dd>
          <strong data-testid="alignment">{alignment === null ? 'undefined' : alignment.toFixed(3)}</strong>
          <br />
          <small className="muted">
            <AlignmentConventionLabel testId="alignment-convention" />
          </small>
        </dd>
      </dl>
    </section>
  );
}
