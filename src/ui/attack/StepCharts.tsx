import { useRef } from 'react';
import { renderStepChart, type StepMarker, type StepSeries } from '../charts/stepChart';
import { chartTheme } from '../charts/theme';
import { bestStepIndex, displayedAlignment, firstSuccessIndex, useRun, type RunState } from '../state/runStore';
import { ATTACK_SPECS } from './attackSpecs';
import { phaseBands } from './phaseBands';
import { shownIndex, useRunDrawing } from './runContext';
import { ATTACK_MAP_LABELS } from '../../core/metrics/attackMap';

/** Live per-step charts: ‖δ‖₂ (with ε and the best norm), the logit margin, and alignment. */

function markersOf(state: RunState): StepMarker[] {
  const markers: StepMarker[] = [];
  const first = firstSuccessIndex(state.steps);
  if (first !== null) markers.push({ id: 'first-success', step: first, label: 'first success', color: chartTheme.firstSuccess });
  const best = state.steps.length && state.steps[state.steps.length - 1].bestL2 !== null ? bestStepIndex(state.steps) : null;
  if (best !== null) markers.push({ id: 'best', step: best, label: 'best', color: chartTheme.best });
  return markers;
}

export function StepCharts() {
  const l2 = useRef<SVGSVGElement>(null);
  const margin = useRef<SVGSVGElement>(null);
  const align = useRef<SVGSVGElement>(null);

  useRunDrawing((state) => {
    const steps = state.steps;
    const planned = Math.max(1, steps[0]?.totalSteps ?? state.config?.steps ?? 1, steps.length);
    const markers = markersOf(state);
    const cursorStep = steps.length ? shownIndex(state) : null;
    const hasEps = state.config ? ATTACK_SPECS[state.config.attack].hasEps : false;
    // The ensemble's phases (FMN, DDN, FMN from the best) as labelled bands behind every chart.
    const common = { steps: planned, markers, cursorStep, bands: phaseBands(steps, state.config) };
    if (l2.current) {
      const series: StepSeries[] = [
        { id: 'l2', label: '‖δ‖₂', color: chartTheme.l2, values: steps.map((s) => s.l2), points: true },
        { id: 'best-l2', label: 'best adversarial ‖δ‖₂', color: chartTheme.bestL2, values: steps.map((s) => s.bestL2), dashed: true },
      ];
      if (hasEps) series.push({ id: 'eps', label: 'ε', color: chartTheme.eps, values: steps.map((s) => s.eps), dashed: true });
      renderStepChart(l2.current, { ...common, id: 'chart-l2', title: 'Perturbation size ‖δ‖₂', yLabel: 'L2 ([0,1] pixels)', series });
    }
    if (margin.current) {
      renderStepChart(margin.current, {
        ...common,
        id: 'chart-margin',
        title: 'Logit margin (> 0: fooled)',
        yLabel: 'margin',
        zeroLine: true,
        series: [{ id: 'margin', label: 'margin', color: chartTheme.margin, values: steps.map((s) => s.margin), points: true }],
      });
    }
    if (align.current) {
      const { convention, divideByCeiling } = state;
      renderStepChart(align.current, {
        ...common,
        id: 'chart-alignment',
        title: `Alignment ρ${divideByCeiling ? ' ÷ ceiling' : ''}`,
        yLabel: convention === 'mean' ? '|mean δ| vs human' : '|max δ| vs human',
        zeroLine: true,
        emptyText: state.inputs && !state.inputs.humanMap ? 'no human map: draw one below' : 'undefined so far',
        series: [
          {
            id: 'alignment',
            label: 'alignment',
            color: chartTheme.alignment,
            values: steps.map((s) => displayedAlignment(s.alignment, convention, divideByCeiling)),
            points: true,
          },
        ],
      });
    }
  });

  return (
    <div className="step-charts">
      <figure>
        <svg ref={l2} data-testid="chart-l2" />
        <figcaption>
          How big the change is, per step. <span className="key l2">solid</span> the step’s ‖δ‖₂,{' '}
          <span className="key best">dashed</span> the best adversarial so far, <span className="key eps">orange</span> ε.
        </figcaption>
      </figure>
      <figure>
        <svg ref={margin} data-testid="chart-margin" />
        <figcaption>Best other class’s logit minus the attacked class’s. Above the dotted zero line the model is fooled.</figcaption>
      </figure>
      <figure>
        <svg ref={align} data-testid="chart-alignment" />
        <figcaption>
          Spearman ρ between the attack map and the human map; gaps are undefined values. Attack map: <AlignmentConventionLabel />
        </figcaption>
      </figure>
    </div>
  );
}

export function AlignmentConventionLabel({ testId }: { testId?: string }) {
  const convention = useRun((s) => s.convention);
  const divide = useRun((s) => s.divideByCeiling);
  return (
    <span data-testid={testId}>
      {ATTACK_MAP_LABELS[convention]}
      {divide ? ', ÷ human ceiling 0.65753' : ', raw ρ'}
    </span>
  );
}
