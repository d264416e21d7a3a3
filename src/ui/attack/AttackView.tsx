import { useEffect, useRef } from 'react';
import { useController } from '../state/sessionContext';
import { sessionStore } from '../state/sessionStore';
import { runStore } from '../state/runStore';
import { mergeRunSearch, parseRunUrl } from '../export/runDefinition';
import { loadLastRun } from '../export/runPersistence';
import { AlignmentPanel } from '../alignment/AlignmentPanel';
import { AttackControls } from './AttackControls';
import { ExportBar } from './ExportBar';
import { OpenedRunBanner, OpenRunJsonPanel, useRunJsonOpening } from './OpenRunJson';
import { PredictionCompare } from './PredictionCompare';
import { RunPanels } from './RunPanels';
import { RunReadout } from './RunReadout';
import { StepCharts } from './StepCharts';
import { Timeline } from './Timeline';
import { labelName, runControllerFor, runJsonOpener } from './runContext';
import './attackView.css';

/**
 * The attack view: controls and numbers on the left; the pictures, timeline, per-step charts and
 * predictions in the middle; the human map, attack map and map drawing below.
 */

let urlApplied = false;

/** Reads the run definition from the URL once per page: `run=1` asks for a start when ready. */
function applyUrlOnce(): boolean {
  if (urlApplied) return false;
  urlApplied = true;
  const { definition, autoRun, problems } = parseRunUrl(location.search);
  const run = runStore.getState();
  run.setDefinition(definition);
  run.setConvention(definition.convention);
  run.setDivideByCeiling(definition.divideByCeiling);
  for (const p of problems) sessionStore.getState().addNotice(p.message);
  return autoRun;
}

/** Whether a run on (imageId, modelId) is the session's current image and model. */
function matchesSession(imageId: string | null, modelId: string | null): boolean {
  const s = sessionStore.getState();
  return Boolean(s.modelInput && s.modelInput.imageId === imageId && (s.modelId ?? null) === modelId);
}

export default function AttackView() {
  const session = useController();
  const controller = runControllerFor(session.client);
  const root = useRef<HTMLDivElement>(null);
  const opening = useRunJsonOpening();

  const start = () => {
    try {
      controller.start();
    } catch (e) {
      sessionStore.getState().showError((e as Error).message);
    }
  };

  const realign = () => {
    controller.realign().catch((e: Error) => {
      sessionStore.getState().showError(`The alignments could not be recomputed for the new human map: ${e.message}`);
    });
  };

  /** Back to the run the file replaced, unless the session has since moved to another image or model. */
  const closeOpened = () => {
    runJsonOpener.close();
    const run = runStore.getState();
    if (run.inputs && !matchesSession(run.definition.imageId, run.definition.modelId)) run.clearRun();
  };

  useEffect(() => {
    const autoRun = applyUrlOnce();
    let stop = () => {};
    if (autoRun) {
      // Start as soon as the model, image and clean predictions are in.
      const tryStart = () => {
        if (!controller.ready()) return false;
        stop();
        start();
        return true;
      };
      if (!tryStart()) stop = sessionStore.subscribe(() => void tryStart());
    } else if (runStore.getState().status === 'idle') {
      loadLastRun()
        .then((last) => {
          if (!last) return;
          // Restore once the session has its image and model, and only if they are the run's.
          const tryRestore = () => {
            if (!sessionStore.getState().modelInput) return false;
            stop();
            if (runStore.getState().status === 'idle' && matchesSession(last.definition.imageId, last.definition.modelId)) {
              runStore.getState().restore({ ...last, inputs: last.inputs && { ...last.inputs, labelName } });
            }
            return true;
          };
          if (!tryRestore()) stop = sessionStore.subscribe(() => void tryRestore());
        })
        .catch(() => {
          // No stored run (or no IndexedDB): nothing to restore.
        });
    }
    // The address bar follows the definition, so a copied URL reproduces the run. An opened
    // file's definition is not this page's: the bar catches up once the file is left.
    const unsubscribe = runStore.subscribe((s, prev) => {
      if (s.opened || (s.definition === prev.definition && !prev.opened)) return;
      history.replaceState(history.state, '', `${location.pathname}${mergeRunSearch(location.search, s.definition)}${location.hash}`);
    });
    // A run belongs to its image and model: choosing others clears the shown run (it stays
    // exportable until then, and the last run stays stored). An opened file brings its own.
    const unsubscribeSession = sessionStore.subscribe((s, prev) => {
      if (s.modelInput === prev.modelInput && s.modelId === prev.modelId) return;
      const run = runStore.getState();
      if (run.status === 'running' || run.opened || !run.inputs || !s.modelInput) return;
      if (!matchesSession(run.definition.imageId, run.definition.modelId)) run.clearRun();
    });
    return () => {
      stop();
      unsubscribe();
      unsubscribeSession();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div className="attack-view" ref={root}>
      <aside className="attack-side">
        <AttackControls onStart={start} onCancel={() => void controller.cancel()} />
        <RunReadout />
        <ExportBar viewRoot={() => root.current} />
        <OpenRunJsonPanel error={opening.error} onFile={(file) => void opening.open(file)} />
      </aside>
      <div className="attack-main" {...opening.dropTarget}>
        <OpenedRunBanner onClose={closeOpened} />
        <section className="panel attack-stage" aria-label="The attack, step by step">
          <RunPanels />
          <Timeline />
        </section>
        <section className="panel attack-charts" aria-label="Per-step charts and predictions">
          <StepCharts />
          <PredictionCompare />
        </section>
        <AlignmentPanel onMapChange={realign} />
      </div>
    </div>
  );
}
