import type { DeltaImage, RunResult, StepReport } from '../../core/attacks/types';
import type { WorkerClient } from '../../worker/client';
import type { sessionStore as SessionStoreType } from '../state/sessionStore';
import { recordStep, type RunInputs, type RunStore, type StepAlignment } from '../state/runStore';
import { toAttackConfig } from '../export/runDefinition';
import { poolDelta, replayFactor } from './replayDelta';

/**
 * Starts and cancels attack runs: reads the session (model input, clean predictions, human map),
 * asks the worker for the run, and records each step with the alignment the worker computed
 * for it in the run store. No React: the attack view calls it, tests drive it with a fake client.
 */

export class RunStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunStartError';
  }
}

export interface HumanMap {
  map: Float32Array;
  source: RunInputs['humanMapSource'];
}

export interface RunControllerDeps {
  client: Pick<WorkerClient, 'startAttack' | 'cancel' | 'align'>;
  session: typeof SessionStoreType;
  run: RunStore;
  /** The user's drawn map for an image at the model's input size, if any. */
  drawnMap: (imageId: string, size: number) => Float32Array | null;
  labelName: (classIndex: number) => string;
  /** Called after a run ends (done, cancelled or failed) so it can be stored. */
  onSettled?: () => void;
  now?: () => number;
}

const UNDEFINED: StepAlignment = { mean: null, max: null };

/** The worker takes ownership of what it is sent; the store keeps its own δ for replay. */
const copyOf = (delta: DeltaImage): DeltaImage => ({ ...delta, data: delta.data.slice() });

export class RunController {
  private readonly now: () => number;
  /** Counts realign() calls, so only the newest answer is applied. */
  private realignments = 0;
  /** The map changed while a run was going: steps scored by the worker after that used the old one. */
  private mapChangedMidRun = false;

  constructor(private readonly deps: RunControllerDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  /** Whether the session has what a run needs (model, image, clean predictions). */
  ready(): boolean {
    const s = this.deps.session.getState();
    return Boolean(s.modelInfo && s.modelInput && s.predictions && !s.predicting && !s.modelLoading);
  }

  /** The human map of the current image: ClickMe or uploaded first, else the user's drawing. */
  humanMap(): HumanMap | null {
    const s = this.deps.session.getState();
    const input = s.modelInput;
    if (!input) return null;
    if (input.heatmap) return { map: input.heatmap, source: s.image?.heatmapOrigin === 'user' ? 'user-uploaded' : 'clickme' };
    const drawn = this.deps.drawnMap(input.imageId, input.size);
    return drawn ? { map: drawn, source: 'user-drawn' } : null;
  }

  /** Starts a run as the run store's definition says; a run still going is superseded. */
  start(): void {
    const { session, run, client } = this.deps;
    const s = session.getState();
    if (!this.ready() || !s.modelInput || !s.predictions || !s.modelInfo) {
      throw new RunStartError('Pick a model and an image, and wait for their predictions, before starting an attack.');
    }
    const input = s.modelInput;
    const label = s.image?.label ?? s.predictions[0].classIndex;
    run.getState().setDefinition({ imageId: input.imageId, modelId: s.modelId, backend: s.forcedBackend });
    const definition = run.getState().definition;
    if (definition.target !== null && definition.target === label) {
      throw new RunStartError(`The target class ${definition.target} is the class being attacked; pick another target or none.`);
    }
    const config = toAttackConfig(definition, label);
    this.mapChangedMidRun = false;
    const human = this.humanMap();
    const factor = replayFactor(input.size, Math.max(1, config.steps));
    const inputs: RunInputs = {
      size: input.size,
      clean: input.pixels,
      humanMap: human?.map ?? null,
      humanMapSource: human?.source ?? 'none',
      cleanTop5: s.predictions.map((p) => ({ classIndex: p.classIndex, prob: p.prob })),
      label,
      labelName: this.deps.labelName,
      preprocessing: input.preprocessing,
    };
    const environment = {
      backend: s.status?.backend ?? 'unknown',
      adapter: s.status?.adapter ?? '',
      modelName: s.modelInfo.name,
      imageName: s.image?.name ?? input.imageId,
    };
    const onStep = (report: StepReport, alignment: StepAlignment) => {
      if (run.getState().runId !== handle.runId) return;
      run.getState().addStep(recordStep(report, alignment, poolDelta(report.delta, factor)), this.now());
    };
    // A copy goes to the worker: the run keeps its map for the panels and the export.
    const handle = client.startAttack(config, onStep, human?.map.slice());
    run.getState().begin({ runId: handle.runId, config, inputs, environment, now: this.now() });
    Promise.all([handle.result, handle.resultAlignment]).then(
      ([result, alignment]: [RunResult, StepAlignment | null]) => {
        if (run.getState().runId !== handle.runId || run.getState().status !== 'running') return;
        run.getState().finish(result, alignment, this.now());
        this.afterRun();
      },
      (error: Error & { code?: string }) => {
        if (run.getState().runId !== handle.runId) return;
        if (error.code === 'cancelled') run.getState().markCancelled(this.now());
        else if (run.getState().status === 'running') run.getState().fail(error.message || String(error), this.now());
        this.afterRun();
      },
    );
  }

  private afterRun(): void {
    this.deps.onSettled?.();
    if (!this.mapChangedMidRun) return;
    this.mapChangedMidRun = false;
    this.realign().catch((e: Error) =>
      this.deps.session.getState().showError(`The alignments could not be recomputed for the new human map: ${e.message}`),
    );
  }

  /** Cancels the running attack; the steps so far stay visible. */
  async cancel(): Promise<void> {
    const { run, client } = this.deps;
    const { runId, status } = run.getState();
    if (runId === null || status !== 'running') return;
    run.getState().markCancelled(this.now());
    try {
      await client.cancel(runId);
    } catch {
      // The run may have ended on its own meanwhile; it is marked cancelled either way.
    }
    this.deps.onSettled?.();
  }

  /**
   * Re-aligns the shown run's steps and best δ after the human map changed (drawn, cleared);
   * the worker computes them. The answer is dropped if another run was started, restored or
   * cleared meanwhile, or if a later realign() superseded this one. A run without every step's
   * δ (one opened from a run JSON) keeps the alignments it came with: there is nothing to re-score.
   * During a run it re-scores the steps so far, and once more when the run ends.
   */
  async realign(): Promise<void> {
    const { run, client } = this.deps;
    const { steps, result, inputs } = run.getState();
    const kept = steps.flatMap((st) => (st.delta ? [st.delta] : []));
    if (!inputs || kept.length !== steps.length) return;
    if (run.getState().status === 'running') this.mapChangedMidRun = true;
    const ticket = ++this.realignments;
    const human = this.humanMap();
    const best = result?.bestDelta ?? null;
    let perStep: StepAlignment[];
    let bestAlignment: StepAlignment | null;
    if (human) {
      const deltas = kept.map(copyOf);
      if (best) deltas.push(copyOf(best));
      const answer = await client.align(human.map.slice(), deltas);
      perStep = answer.slice(0, steps.length);
      bestAlignment = best ? answer[steps.length] : null;
    } else {
      perStep = steps.map(() => UNDEFINED);
      bestAlignment = best ? UNDEFINED : null;
    }
    // begin, restore and clearRun each replace the inputs; only realign() replaces them otherwise.
    if (ticket !== this.realignments || run.getState().inputs !== inputs) return;
    run.getState().setAlignments(perStep, bestAlignment, human?.map ?? null, human?.source ?? 'none');
  }
}
