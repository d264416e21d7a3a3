import { useEffect, useRef } from 'react';
import type { WorkerClient } from '../../worker/client';
import { sessionStore } from '../state/sessionStore';
import { runStore, type RunState } from '../state/runStore';
import { drawnMapFor } from '../alignment/drawnMapStore';
import { loadLabels } from '../predictions/labels';
import { saveLastRun, snapshotOf } from '../export/runPersistence';
import { RunJsonOpener } from '../export/openRunJson';
import { RunController } from './runController';

/** ImageNet names once loaded; "class 123" until then. */
let labelNames: string[] | null = null;
void loadLabels().then(
  (l) => (labelNames = l),
  () => {},
);
export function labelName(classIndex: number): string {
  return labelNames?.[classIndex] ?? `class ${classIndex}`;
}

let controller: RunController | null = null;

/** The app's one run controller, bound to the worker client on first use. */
export function runControllerFor(client: WorkerClient): RunController {
  controller ??= new RunController({
    client,
    session: sessionStore,
    run: runStore,
    drawnMap: drawnMapFor,
    labelName,
    onSettled: () => {
      // Keep the run across reloads; a storage problem is shown, never thrown at the user.
      saveLastRun(snapshotOf(runStore.getState(), Date.now())).catch((e: Error) => sessionStore.getState().addNotice(e.message));
    },
  });
  return controller;
}

/** Opens run JSON files into the app's run store (and goes back to the run they replaced). */
export const runJsonOpener = new RunJsonOpener(runStore, labelName);

/**
 * Calls `draw` with the run state whenever it changes, at most once per animation frame:
 * the per-step path to canvases and d3 charts that bypasses React rendering.
 */
export function useRunDrawing(draw: (state: RunState) => void, deps: unknown[] = []): void {
  const drawRef = useRef(draw);
  drawRef.current = draw;
  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        drawRef.current(runStore.getState());
      });
    };
    schedule();
    const unsubscribe = runStore.subscribe(schedule);
    const unsubscribeSession = sessionStore.subscribe(schedule);
    return () => {
      unsubscribe();
      unsubscribeSession();
      cancelAnimationFrame(frame);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
}

/** The step index the panels show: the chosen one, else the newest. */
export function shownIndex(state: RunState): number | null {
  if (state.steps.length === 0) return null;
  return state.shownStep ?? state.steps.length - 1;
}
