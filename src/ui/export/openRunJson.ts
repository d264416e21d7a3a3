import type { DeltaImage, EnsemblePhaseId, RunResult, StepReport } from '../../core/attacks/types';
import { readoutClass } from '../../core/attacks/readoutGroups';
import { bestStepIndex, type RecordedStep, type RunSnapshot, type RunState, type RunStore } from '../state/runStore';
import { runDefinitionToSearch, toAttackConfig, type RunDefinition } from './runDefinition';
import { parseRunJson, RunJsonError, type ParsedRunJson } from './runJson';
import { preprocessingFromJson } from './runJsonPreprocessing';

/**
 * A run JSON shown in the attack view as a finished, read-only run. The file has every step's
 * numbers but δ of the best step only and no per-step top-5, so the other steps are numbers only.
 */

/** What a run view restores: the store snapshot and the alignment display choices that go with it. */
export interface OpenedRunView {
  snapshot: RunSnapshot;
  convention: 'mean' | 'max';
  divideByCeiling: boolean;
}

/** The file keeps each step's phase id; the phase's index and count follow from their order. */
function phasesOf(ids: (EnsemblePhaseId | undefined)[]): (StepReport['phase'] | undefined)[] {
  const index: number[] = [];
  let phase = -1;
  ids.forEach((id, i) => {
    if (id !== undefined && (i === 0 || ids[i - 1] !== id)) phase++;
    index.push(phase);
  });
  return ids.map((id, i) => (id === undefined ? undefined : { index: index[i], id, count: phase + 1 }));
}

/** The run store's snapshot for a parsed run JSON; `labelName` names ImageNet classes. */
export function runJsonToSnapshot(parsed: ParsedRunJson, fileName: string, labelName: (classIndex: number) => string): OpenedRunView {
  const { json, size } = parsed;
  const def = json.definition;
  const totalSteps = Math.max(def.steps, json.steps.length ? json.steps[json.steps.length - 1].step : 0);
  const phases = phasesOf(json.steps.map((s) => s.phase));
  const steps: RecordedStep[] = json.steps.map((s, i) => ({
    step: s.step,
    totalSteps,
    l2: s.l2,
    linf: s.linf,
    eps: s.eps,
    // JSON keeps a non-finite value as null; the charts leave a gap for NaN.
    loss: s.loss ?? NaN,
    margin: s.margin ?? NaN,
    isAdversarial: s.adversarial,
    predicted: s.predicted,
    bestL2: s.bestL2,
    gradEvals: s.gradEvals,
    top5: [],
    ...(phases[i] ? { phase: phases[i] } : {}),
    alignment: { mean: s.alignmentMean, max: s.alignmentMax },
    delta: null,
  }));
  const bestDelta: DeltaImage | null = parsed.perturbation && { data: parsed.perturbation, width: size, height: size, channels: 3, full: true };
  const r = json.result;
  // The file's δ is the best adversarial's: the step whose evaluated point it is, as the live view finds it.
  const best = bestStepIndex(steps);
  if (bestDelta && r && best !== null && steps[best].isAdversarial && steps[best].l2 === r.l2) {
    steps[best] = { ...steps[best], delta: bestDelta };
  }
  const label = json.label.classIndex;
  const result: RunResult | null = r && {
    attack: def.attack,
    protocol: def.protocol,
    readout: def.readout,
    // -1: a hand-made file may not say which class was attacked; nothing on screen reads this.
    label: label === null ? -1 : readoutClass(def.readout, label),
    target: def.target ?? undefined,
    success: r.success,
    notAttackable: r.notAttackable,
    bestDelta,
    l2: r.l2,
    linf: r.linf,
    eps: r.eps ?? undefined,
    advClass: r.advClass,
    advImagenetClass: r.advImagenetClass,
    gradEvals: r.gradEvals,
    steps: r.steps,
    wallMs: r.wallMs,
  };
  const status = json.status as RunSnapshot['status'];
  return {
    snapshot: {
      definition: def,
      status,
      error: status === 'failed' ? 'This run failed where it was made; the file has its steps up to the failure.' : null,
      config: toAttackConfig(def, label ?? undefined),
      inputs: {
        size,
        clean: parsed.clean,
        humanMap: parsed.humanMap,
        humanMapSource: json.alignment.humanMapSource,
        cleanTop5: json.cleanTop5.map((t) => ({ classIndex: t.classIndex, prob: t.prob })),
        label,
        labelName,
        preprocessing: preprocessingFromJson(json.preprocessing),
      },
      environment: {
        backend: json.environment.backend,
        adapter: json.environment.adapter,
        modelName: json.environment.modelName,
        imageName: json.environment.imageName,
      },
      steps,
      result,
      resultAlignment: r && { mean: r.alignmentMean, max: r.alignmentMax },
      startedAt: null,
      finishedAt: null,
      rate: r && r.wallMs > 0 ? (steps.length * 1000) / r.wallMs : 0,
      opened: { fileName, url: json.url, createdAt: json.createdAt, userAgent: json.environment.userAgent, definition: def },
    },
    convention: json.alignment.convention,
    divideByCeiling: json.alignment.dividedByCeiling,
  };
}

/**
 * The link "Re-run here" follows: the file's URL query (the run's definition) on this page,
 * `here` being its origin and path, with run=1 so the run starts once the model is loaded. A
 * file from another AlignScope address still re-runs here; a broken URL falls back to the definition.
 */
export function rerunHref(url: string, definition: RunDefinition, here: string): string {
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    query = new URLSearchParams(runDefinitionToSearch(definition));
  }
  query.set('run', '1');
  return `${here}?${query.toString()}`;
}

function displayOf(s: RunState): OpenedRunView {
  const { definition, status, config, inputs, environment, steps, result, resultAlignment, startedAt, finishedAt, rate, error, opened } = s;
  return {
    snapshot: { definition, status, config, inputs, environment, steps, result, resultAlignment, startedAt, finishedAt, rate, error, opened },
    convention: s.convention,
    divideByCeiling: s.divideByCeiling,
  };
}

/**
 * Opens run JSON files into the run store, and puts back the run that was on screen before the
 * first one. A bad file changes nothing: the file is read completely before the store is touched.
 */
export class RunJsonOpener {
  private before: OpenedRunView | null = null;

  constructor(
    private readonly store: RunStore,
    private readonly labelName: (classIndex: number) => string,
  ) {}

  /** Shows the file's run; throws RunJsonError with the reason for a file that cannot be shown. */
  open(text: string, fileName: string): void {
    if (this.store.getState().status === 'running') {
      throw new RunJsonError(`Cancel the running attack before opening ${fileName}; the run would be lost.`);
    }
    const view = runJsonToSnapshot(parseRunJson(text, fileName), fileName, this.labelName);
    const s = this.store.getState();
    // A second file replaces the first; "close" still goes back to the run made here.
    if (!s.opened) this.before = displayOf(s);
    this.show(view);
  }

  /** Leaves the opened file for the run that was on screen before it (or none). */
  close(): void {
    const before = this.before;
    if (!this.store.getState().opened || !before) return;
    this.before = null;
    this.show(before);
  }

  private show(d: OpenedRunView): void {
    const s = this.store.getState();
    s.restore(d.snapshot);
    s.setConvention(d.convention);
    s.setDivideByCeiling(d.divideByCeiling);
  }
}
