import { useRef } from 'react';
import { renderPredictionBars } from '../charts/predictionBars';
import { sessionStore } from '../state/sessionStore';
import { labelName, shownIndex, useRunDrawing } from './runContext';

/** Top-5 of the clean image next to the top-5 at the shown step; the attacked class is marked ✓. */
export function PredictionCompare() {
  const clean = useRef<SVGSVGElement>(null);
  const current = useRef<SVGSVGElement>(null);
  useRunDrawing((state) => {
    const session = sessionStore.getState();
    const cleanTop5 = state.inputs?.cleanTop5 ?? session.predictions ?? [];
    const labelClass = state.inputs?.label ?? session.image?.label ?? session.predictions?.[0]?.classIndex ?? null;
    const targetClass = state.definition.target;
    const toEntries = (top: { classIndex: number; prob: number }[]) => top.map((t) => ({ classIndex: t.classIndex, prob: t.prob, label: labelName(t.classIndex) }));
    if (clean.current) renderPredictionBars(clean.current, { title: 'Clean image: top-5', entries: toEntries(cleanTop5), labelClass, targetClass });
    const i = shownIndex(state);
    const step = i === null ? null : state.steps[i];
    if (current.current) {
      renderPredictionBars(current.current, {
        // A run opened from a run JSON has no per-step top-5.
        title: !step ? 'Shown step: top-5 (no step yet)' : step.top5.length ? `Step ${step.step}: top-5` : `Step ${step.step}: top-5 not in the run JSON`,
        entries: step ? toEntries(step.top5) : [],
        labelClass,
        targetClass,
      });
    }
  });
  return (
    <div className="prediction-compare">
      <svg ref={clean} data-testid="bars-clean" />
      <svg ref={current} data-testid="bars-step" />
      <p className="muted small">✓ marks the class being attacked (true label, else the clean top-1); ◎ the target.</p>
    </div>
  );
}
