import type { RunResult, StepReport } from '../../core/attacks/types';
import type { WorkerClient } from '../../worker/client';
import type { sessionStore as SessionStoreType } from '../state/sessionStore';
import { recordStep, type RunInputs, type RunStore, type StepAlignment } from '../state/runStore';
import { toAttackConfig } from '../export/runDefinition';
import { makeStepAligner, poolDelta, replayFactor } from './stepAlignment';

/**
 * Starts and cancels attack runs: reads the session (model input, clean predictions, human map),
 * asks the worker for the run, and records each step (with its alignment) in the run store.
 * No React: the attack view calls it, tests drive it with a fake client.
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
  client: Pick<WorkerClient, 'startAttack' | 'cancel'>;
  session: typeof SessionStoreType;
  run: RunStore;
  /** The user's drawn map for an image at the model's input size, if any. */
  drawnMap: (imageId: string, size: number) => Float32Array | null;
  labelName: (classIndex: number) => string;
  /** Called after a run ends (done, cancelled or failed) so it can be stored. */
  onSettled?: () => void;
  now?: () => number;
}

export class RunController {
  private readonly now: () => number;

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
    const human = this.humanMap();
    const align = makeStepAligner(human?.map ?? null);
    const factor = replayFactor(input.size, Math.max(1, config.steps));
    const inputs: RunInputs = {
      size: input.size,
      clean: input.pixels,
      humanMap: human?.map ?? null,
      humanMapSource: human?.source ?? 'none',
      cleanTop5: s.predictions.map((p) => ({ classIndex: p.classIndex, prob: p.prob })),
      label,
      labelName: this.deps.labelName,
    };
    const environment = {
      backend: s.status?.backend ?? 'unknown',
      adapter: s.status?.adapter ?? '',
      modelName: s.modelInfo.name,
      imageName: s.image?.name ?? input.imageId,
    };
    const handle = client.startAttack(config, (report: StepReport) => {
      if (run.getState().runId !== handle.runId) return;
      run.getState().addStep(recordStep(report, align(report.delta), poolDelta(report.delta, factor)), this.now());
    });
    run.getState().begin({ runId: handle.runId, config, inputs, environment, now: this.now() });
    handle.result.then(
      (result: RunResult) => {
        if (run.getState().runId !== handle.runId || run.getState().status !== 'running') return;
        run.getState().finish(result, result.bestDelta ? align(result.bestDelta) : null, this.now());
        this.deps.onSettled?.();
      },
      (error: Error & { code?: string }) => {
        if (run.getState().runId !== handle.runId) return;
        if (error.code === 'cancelled') run.getState().markCancelled(this.now());
        else if (run.getState().status === 'running') run.getState().fail(error.message || String(error), this.now());
        this.deps.onSettled?.();
      },
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

  /** Recomputes every alignment after the human map changed (drawn, cleared). */
  realign(): void {
    const { run } = this.deps;
    const { steps, result, inputs } = run.getState();
    if (!inputs) return;
    const human = this.humanMap();
    const align = makeStepAligner(human?.map ?? null);
    const perStep: StepAlignment[] = steps.map((st) => align(st.delta));
    run.getState().setAlignments(perStep, result?.bestDelta ? align(result.bestDelta) : null, human?.map ?? null, human?.source ?? 'none');
  }
}
