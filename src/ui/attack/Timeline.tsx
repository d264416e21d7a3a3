import { useEffect, useRef } from 'react';
import { runStore, useRun } from '../state/runStore';
import { phaseLabel } from './phaseBands';

/**
 * Play, pause, step and scrub through the recorded steps, at a chosen speed. Replays a finished
 * run from memory: nothing is recomputed.
 */

const SPEEDS = [1, 2, 5, 10, 20, 50];

/** Plays the recorded steps; from the end it starts over. */
function startReplay(): void {
  const s = runStore.getState();
  const n = s.steps.length;
  if (n < 2) return;
  if ((s.shownStep ?? n - 1) >= n - 1) s.showStep(0);
  s.setPlaying(true);
}

/**
 * Space plays or pauses, ← and → step, Home and End jump: for demos, where the presenter is not at
 * the mouse. Only while nothing else has the focus (a focused control keeps its own keys) and the
 * timeline is on screen.
 */
function replayKey(e: KeyboardEvent, group: HTMLElement | null): void {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || !group || group.closest('[hidden]')) return;
  const focus = document.activeElement;
  if (focus && focus !== document.body && focus !== group) return;
  const s = runStore.getState();
  const n = s.steps.length;
  if (n === 0) return;
  const at = s.shownStep ?? n - 1;
  const go = (i: number) => {
    s.setPlaying(false);
    s.showStep(Math.min(n - 1, Math.max(0, i)));
  };
  switch (e.key) {
    case ' ':
      if (s.playing) s.setPlaying(false);
      else startReplay();
      break;
    case 'ArrowLeft':
      go(at - 1);
      break;
    case 'ArrowRight':
      go(at + 1);
      break;
    case 'Home':
      go(0);
      break;
    case 'End':
      go(n - 1);
      break;
    default:
      return;
  }
  e.preventDefault();
}

export function Timeline() {
  const count = useRun((s) => s.steps.length);
  const shown = useRun((s) => s.shownStep);
  const playing = useRun((s) => s.playing);
  const speed = useRun((s) => s.speed);
  const status = useRun((s) => s.status);
  const current = shown ?? count - 1;
  // Steps are numbered as the engine numbers them: step 0 is the clean point, step K the last iterate.
  const stepNumber = useRun((s) => s.steps[s.shownStep ?? s.steps.length - 1]?.step ?? 0);
  const total = useRun((s) => s.steps[0]?.totalSteps ?? 0);
  const phase = useRun((s) => s.steps[s.shownStep ?? s.steps.length - 1]?.phase);
  const config = useRun((s) => s.config);
  const phaseText = phase ? ` · phase ${phase.index + 1}/${phase.count}: ${phaseLabel(phase.id, config)}` : '';
  const following = shown === null;
  const group = useRef<HTMLDivElement>(null);
  // A run opened from a run JSON has δ for its best step only.
  const numbersOnly = useRun((s) => s.steps[s.shownStep ?? s.steps.length - 1]?.delta === null);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const s = runStore.getState();
      const at = s.shownStep ?? s.steps.length - 1;
      if (at >= s.steps.length - 1) s.setPlaying(false);
      else s.showStep(at + 1);
    }, 1000 / speed);
    return () => clearInterval(timer);
  }, [playing, speed]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => replayKey(e, group.current);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const { showStep, setPlaying, setSpeed } = runStore.getState();

  return (
    <div
      ref={group}
      className="timeline"
      role="group"
      aria-label="Timeline of the attack steps"
      aria-keyshortcuts="Space ArrowLeft ArrowRight Home End"
      title="Keys: space plays or pauses, ← → step, Home End jump"
    >
      {playing ? (
        <button type="button" onClick={() => setPlaying(false)} aria-label="Pause the replay" data-testid="timeline-pause">
          ❚❚
        </button>
      ) : (
        <button type="button" onClick={startReplay} disabled={count < 2} aria-label="Play the steps" data-testid="timeline-play">
          ▶
        </button>
      )}
      <button type="button" className="secondary" onClick={() => showStep(current - 1)} disabled={count === 0 || current <= 0} aria-label="Previous step">
        ‹
      </button>
      <button type="button" className="secondary" onClick={() => showStep(current + 1)} disabled={count === 0 || current >= count - 1} aria-label="Next step">
        ›
      </button>
      <input
        type="range"
        min={0}
        max={Math.max(0, count - 1)}
        step={1}
        value={Math.max(0, current)}
        disabled={count === 0}
        onChange={(e) => {
          setPlaying(false);
          showStep(Number(e.target.value));
        }}
        aria-label="Shown step"
        aria-valuetext={count ? `step ${stepNumber} of ${total}${phaseText}` : 'no steps'}
        data-testid="timeline-scrub"
      />
      <span className="timeline-pos" data-testid="timeline-step" aria-live="off">
        {count ? `step ${stepNumber} / ${total}${phaseText}` : 'no steps yet'}
      </span>
      <label className="timeline-speed">
        <span>speed</span>
        <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} aria-label="Replay speed in steps per second">
          {SPEEDS.map((v) => (
            <option key={v} value={v}>
              {v} steps/s
            </option>
          ))}
        </select>
      </label>
      {numbersOnly && (
        <span className="timeline-note muted small" data-testid="timeline-numbers-only">
          numbers only: the run JSON keeps δ of the best step
        </span>
      )}
      {status === 'running' && !following && (
        <button type="button" className="secondary" onClick={() => showStep(null)}>
          follow live
        </button>
      )}
    </div>
  );
}
