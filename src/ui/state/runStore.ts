import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { AttackConfig, DeltaImage, RunResult, StepReport, Top5Entry } from '../../core/attacks/types';
import type { StepAlignment } from '../../core/metrics/stepAligner';
import type { Preprocessing } from '../../core/models/preprocessing';
import type { RunDefinition } from '../export/runDefinition';
import { DEFAULT_RUN_DEFINITION } from '../export/runDefinition';

/**
 * The attack run the visualiser shows: its definition, the steps received so far, the result,
 * and the timeline's playback state. Per-step data goes to the d3 charts and canvases through
 * store subscriptions (zustand "transient updates"); React components select single fields
 * (status, counts) so a step does not re-render the page.
 */

export type RunStatus = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

export type { StepAlignment };

/**
 * What the visualiser keeps of a step: the report's scalars, its alignment, and δ for replay
 * (possibly downsampled to bound memory; see replaySize). ε is null where the attack has none.
 * δ is null where it was not kept: a run opened from a run JSON has the best step's δ only.
 */
export interface RecordedStep extends Omit<StepReport, 'eps' | 'search' | 'delta'> {
  eps: number | null;
  alignment: StepAlignment;
  delta: DeltaImage | null;
}

/** What the run started from: the clean input and the human map, at the model's input size. */
export interface RunInputs {
  size: number;
  /** [size, size, 3] in [0,1]. */
  clean: Float32Array;
  /** [size, size] in [0,1], or null when the image has no human map. */
  humanMap: Float32Array | null;
  humanMapSource: 'clickme' | 'user-uploaded' | 'user-drawn' | 'none';
  /** Clean top-5 (ImageNet classes) and the label attacked. */
  cleanTop5: Top5Entry[];
  label: number | null;
  labelName: (classIndex: number) => string;
  /** How the picture became `clean`; absent in runs saved before AlignScope recorded it. */
  preprocessing?: Preprocessing;
}

export interface RunEnvironment {
  backend: string;
  adapter: string;
  modelName: string;
  imageName: string;
}

/** Where a run shown read-only came from: a run JSON file, not an attack run in this page. */
export interface OpenedRun {
  fileName: string;
  /** The file's link that reproduces the run. */
  url: string;
  createdAt: string;
  userAgent: string;
  /** The definition as the file has it; the controls may change the store's afterwards. */
  definition: RunDefinition;
}

export interface RunState {
  definition: RunDefinition;
  status: RunStatus;
  error: string | null;
  runId: number | null;
  config: AttackConfig | null;
  inputs: RunInputs | null;
  environment: RunEnvironment | null;
  steps: RecordedStep[];
  result: RunResult | null;
  /** Alignment of the best adversarial (full resolution), null when undefined or no result. */
  resultAlignment: StepAlignment | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Steps per second over the run so far. */
  rate: number;
  /** The step the panels show; null follows the newest step. */
  shownStep: number | null;
  playing: boolean;
  /** Replay speed in steps per second. */
  speed: number;
  convention: 'mean' | 'max';
  divideByCeiling: boolean;
  /** Set while the shown run is one opened from a file; null for a run made here. */
  opened: OpenedRun | null;

  setDefinition(patch: Partial<RunDefinition>): void;
  begin(args: { runId: number; config: AttackConfig; inputs: RunInputs; environment: RunEnvironment; now: number }): void;
  addStep(step: RecordedStep, now: number): void;
  finish(result: RunResult, alignment: StepAlignment | null, now: number): void;
  fail(message: string, now: number): void;
  markCancelled(now: number): void;
  showStep(step: number | null): void;
  setPlaying(playing: boolean): void;
  setSpeed(speed: number): void;
  setConvention(convention: 'mean' | 'max'): void;
  setDivideByCeiling(divide: boolean): void;
  /** Recomputed alignments after the human map changed (same order as steps). */
  setAlignments(steps: StepAlignment[], result: StepAlignment | null, humanMap: Float32Array | null, source: RunInputs['humanMapSource']): void;
  /** Restores a finished run (from storage, or opened from a file) as it was. */
  restore(snapshot: RunSnapshot): void;
  /** Forgets the shown run (not the definition or display choices): the image or model changed. */
  clearRun(): void;
  reset(): void;
}

/** A finished run as restore() takes it; `opened` only for a run opened from a file. */
export type RunSnapshot = Pick<
  RunState,
  'definition' | 'status' | 'config' | 'inputs' | 'environment' | 'steps' | 'result' | 'resultAlignment' | 'startedAt' | 'finishedAt' | 'rate' | 'error'
> & { opened?: OpenedRun | null };

export const HUMAN_CEILING = 0.65753;

const initial = {
  definition: DEFAULT_RUN_DEFINITION,
  status: 'idle' as RunStatus,
  error: null,
  runId: null,
  config: null,
  inputs: null,
  environment: null,
  steps: [] as RecordedStep[],
  result: null,
  resultAlignment: null,
  startedAt: null,
  finishedAt: null,
  rate: 0,
  shownStep: null,
  playing: false,
  speed: 10,
  convention: 'mean' as const,
  divideByCeiling: false,
  opened: null,
};

function rateOf(count: number, startedAt: number | null, now: number): number {
  if (startedAt === null || count === 0 || now <= startedAt) return 0;
  return (count * 1000) / (now - startedAt);
}

export function createRunStore() {
  return createStore<RunState>()((set, get) => ({
    ...initial,
    setDefinition: (patch) => set({ definition: { ...get().definition, ...patch } }),
    begin: ({ runId, config, inputs, environment, now }) =>
      set({
        status: 'running',
        error: null,
        runId,
        config,
        inputs,
        environment,
        steps: [],
        result: null,
        resultAlignment: null,
        startedAt: now,
        finishedAt: null,
        rate: 0,
        shownStep: null,
        playing: false,
        opened: null,
      }),
    addStep: (step, now) => {
      const { status, steps, startedAt } = get();
      if (status !== 'running') return;
      const next = steps.concat(step);
      set({ steps: next, rate: rateOf(next.length, startedAt, now) });
    },
    finish: (result, alignment, now) => {
      const { steps, startedAt } = get();
      set({
        status: 'done',
        result,
        resultAlignment: alignment,
        finishedAt: now,
        rate: rateOf(steps.length, startedAt, now),
        shownStep: bestStepIndex(steps),
      });
    },
    fail: (message, now) => set({ status: 'failed', error: message, finishedAt: now, playing: false }),
    markCancelled: (now) => set({ status: 'cancelled', finishedAt: now, playing: false }),
    showStep: (step) => {
      const n = get().steps.length;
      set({ shownStep: step === null || n === 0 ? null : Math.min(n - 1, Math.max(0, Math.round(step))) });
    },
    setPlaying: (playing) => set({ playing: playing && get().steps.length > 0 }),
    setSpeed: (speed) => set({ speed: Math.min(120, Math.max(0.5, speed)) }),
    setConvention: (convention) => set({ convention }),
    setDivideByCeiling: (divideByCeiling) => set({ divideByCeiling }),
    setAlignments: (alignments, result, humanMap, source) => {
      const { steps, inputs } = get();
      set({
        steps: steps.map((s, i) => ({ ...s, alignment: alignments[i] ?? { mean: null, max: null } })),
        resultAlignment: result,
        inputs: inputs && { ...inputs, humanMap, humanMapSource: source },
      });
    },
    restore: (snapshot) =>
      set({ ...snapshot, opened: snapshot.opened ?? null, runId: null, shownStep: bestStepIndex(snapshot.steps), playing: false }),
    clearRun: () => {
      const { definition, convention, divideByCeiling, speed } = get();
      set({ ...initial, definition, convention, divideByCeiling, speed });
    },
    reset: () => set({ ...initial }),
  }));
}

/**
 * The step whose evaluated point is the best adversarial: the last adversarial step whose norm
 * equals the best norm. Falls back to the last step when the run never succeeded.
 */
export function bestStepIndex(steps: readonly RecordedStep[]): number | null {
  if (steps.length === 0) return null;
  const best = steps[steps.length - 1].bestL2;
  if (best !== null) {
    for (let i = steps.length - 1; i >= 0; i--) {
      if (steps[i].isAdversarial && steps[i].l2 === best) return i;
    }
  }
  return steps.length - 1;
}

/** First step that was adversarial, or null. */
export function firstSuccessIndex(steps: readonly RecordedStep[]): number | null {
  const i = steps.findIndex((s) => s.isAdversarial);
  return i < 0 ? null : i;
}

/** The alignment a chart or label shows, in the chosen convention, optionally ÷ human ceiling. */
export function displayedAlignment(a: StepAlignment | null, convention: 'mean' | 'max', divideByCeiling: boolean): number | null {
  const v = a ? a[convention] : null;
  if (v === null) return null;
  return divideByCeiling ? v / HUMAN_CEILING : v;
}

/** A StepReport as the visualiser records it. */
export function recordStep(report: StepReport, alignment: StepAlignment, delta: DeltaImage): RecordedStep {
  return {
    step: report.step,
    totalSteps: report.totalSteps,
    l2: report.l2,
    linf: report.linf,
    eps: report.eps ?? null,
    loss: report.loss,
    margin: report.margin,
    isAdversarial: report.isAdversarial,
    predicted: report.predicted,
    bestL2: report.bestL2,
    gradEvals: report.gradEvals,
    top5: report.top5,
    ...(report.phase ? { phase: report.phase } : {}),
    alignment,
    delta,
  };
}

export type RunStore = ReturnType<typeof createRunStore>;

/** The app's one run store. Tests make their own with createRunStore(). */
export const runStore = createRunStore();

export function useRun<T>(selector: (state: RunState) => T): T {
  return useStore(runStore, selector);
}
